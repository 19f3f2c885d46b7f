using BitrixRetailCrm.LocalRunner;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

public class RunnerTimerTests
{
    [Test]
    public async Task Every_timer_twin_of_the_Functions_app_is_hosted_by_the_runner()
    {
        await using var harness = await IntegrationHarness.StartAsync();

        var timers = harness.Runner.Services.GetServices<IHostedService>().OfType<IntervalTimer>().ToList();

        // History poll, reconciliation, ICML feed, stock push, price push.
        Assert.That(timers, Has.Count.EqualTo(5));
    }
}
