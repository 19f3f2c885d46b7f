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

        // History poll, reconciliation, push recovery, ICML feed, stock push, price push: one twin per timer function.
        var timerFunctions = typeof(BitrixRetailCrm.Functions.RecoverAbandonedPushesFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Count(m => m.GetParameters().Any(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.TimerTriggerAttribute), false).Length > 0));
        Assert.That(timerFunctions, Is.EqualTo(6));
        Assert.That(timers, Has.Count.EqualTo(timerFunctions));
    }
}
