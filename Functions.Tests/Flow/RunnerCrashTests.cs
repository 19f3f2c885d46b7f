using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using BitrixRetailCrm.LocalRunner;
using BitrixRetailCrm.LocalRunner.DevStorage;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// The runner as its own process, SIGKILLed while batches are in flight and started again. A crashed listener leaves
/// its messages leased for 10 minutes (the queue extension's fixed lease); the push's own leases run out far sooner and
/// the recovery timer queues their orders again, with every order the dead process held, on real clocks.
/// </summary>
public class RunnerCrashTests
{
    private const string FunctionKey = "crash-test-function-key-0123456789";
    private const string Queue = "crash-orders";
    private const string DeadLetters = "crashdead";

    [Test]
    public async Task Runner_killed_mid_burst_delivers_every_order_once_within_two_minutes_of_its_restart()
    {
        await using var azurite = await Azurite.StartAsync();
        var crmOptions = new RetailCrmSimulatorOptions();
        crmOptions.SetLatency(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5));
        await using var crm = await RetailCrmSimulator.StartAsync(crmOptions);
        await using var bitrix = await BitrixSimulator.StartAsync(new BitrixSimulatorOptions { SeedDemoOrders = false });
        var ids = Enumerable.Range(7001, 120).ToList();
        foreach (var id in ids) bitrix.PutOrder(SampleOrders.Create(id));
        await using var runner = await RunnerProcess.StartAsync(Settings(azurite, bitrix, crm));
        var hookUrl = new Uri(runner.Url, $"api/bitrix/order-saved?code={FunctionKey}");

        foreach (var id in ids.Concat(ids)) // every order saved twice, as checkout does
            Assert.That((await bitrix.SendOrderSavedEventAsync(hookUrl, id, CancellationToken.None)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await IntegrationHarness.WaitUntilAsync(() => Delivered(crm, ids) >= 10, "the first batches are in RetailCRM");
        await runner.KillAsync();
        var deliveredBeforeKill = Delivered(crm, ids);
        Assert.That(deliveredBeforeKill, Is.LessThan(ids.Count), "the runner must die with orders still to push");

        await runner.StartAsync();
        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await IntegrationHarness.WaitUntilAsync(() => Delivered(crm, ids) == ids.Count,
            $"every order is in RetailCRM ({deliveredBeforeKill} were before the kill)", TimeSpan.FromSeconds(120));
        TestContext.Progress.WriteLine($"crash: {ids.Count - deliveredBeforeKill} orders left at the kill, all in RetailCRM {restarted.Elapsed.TotalSeconds:0.0} s after the restart");
        // The dead process's own messages stay invisible for the rest of their 10-minute lease; what is visible now
        // (repeats, messages queued again) finishes in a few seconds and must not write any order twice.
        await Task.Delay(TimeSpan.FromSeconds(6));

        Assert.Multiple(async () =>
        {
            foreach (var id in ids)
                Assert.That(crm.Orders.Count(o => o["externalId"]?.ToString() == id.ToString()), Is.EqualTo(1), $"order {id}");
            Assert.That((await new QueueClient(azurite.ConnectionString, Queue + "-poison").ExistsAsync()).Value, Is.False, "no poison");
            Assert.That(DeadLetterCount(azurite), Is.Zero, "no dead letters");
        });
    }

    private static int DeadLetterCount(Azurite azurite) =>
        new TableServiceClient(azurite.ConnectionString).Query(t => t.Name == DeadLetters).Any()
            ? new TableClient(azurite.ConnectionString, DeadLetters).Query<TableEntity>().Count()
            : 0; // created with the first dead letter

    private static int Delivered(RetailCrmSimulator crm, IEnumerable<int> ids) =>
        ids.Count(id => crm.FindOrder(id.ToString()) is { } order && order["number"]?.ToString() == SampleOrders.Create(id)["accountNumber"]?.ToString());

    private static Dictionary<string, string?> Settings(Azurite azurite, BitrixSimulator bitrix, RetailCrmSimulator crm) => new(
        new RunnerConnections(azurite.ConnectionString, bitrix.WebhookUrl, bitrix.Options.ApplicationToken, crm.BaseUrl,
            crm.Options.ApiKey, FunctionKey, FunctionKey, FunctionKey + "-admin").ToSettings())
    {
        ["OrdersQueueName"] = Queue,
        ["StatusQueueName"] = "crash-status",
        ["Sync:DeadLetterTable"] = DeadLetters,
        // Small, few batches so that the kill finds most orders still queued or in flight, many of them received but
        // not yet leased. A short deadline (lease 25 s) and recovery interval keep the test short; the defaults (lease
        // 60 s, every 30 s) stay inside the same two minutes.
        ["Sync:PushBatchSize"] = "10",
        ["Sync:MaxConcurrentPushBatches"] = "2",
        ["Sync:PushDeadline"] = "00:00:10",
        ["Reconcile:RecoveryInterval"] = "00:00:05",
        ["AzureWebJobs:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        ["StatusSync:HistoryPollInterval"] = "01:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
