using System.Net;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Simulators;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// Fast versions of the sale-day scenario (issue 5): a burst of orders saved several times each, pushed in batches
/// (Bitrix batch, customers/upload, orders/upload), and the faults it must survive with nothing lost or duplicated.
/// </summary>
public class SaleDayFlowTests
{
    private IntegrationHarness _harness = null!;

    [TearDown]
    public async Task StopAsync()
    {
        if (_harness is not null) await _harness.DisposeAsync();
    }

    private async Task StartAsync(IDictionary<string, string?>? settings = null, BitrixSimulatorOptions? bitrix = null)
    {
        var crm = new RetailCrmSimulatorOptions();
        crm.SetLatency(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));
        _harness = await IntegrationHarness.StartAsync(settings, crmOptions: crm, bitrixOptions: bitrix);
    }

    private List<int> SeedOrders(int first, int count)
    {
        var ids = Enumerable.Range(first, count).ToList();
        foreach (var id in ids) _harness.Bitrix.PutOrder(SampleOrders.Create(id));
        return ids;
    }

    private async Task SendHooksAsync(IEnumerable<int> ids, int savesPerOrder)
    {
        foreach (var id in ids)
            for (var i = 0; i < savesPerOrder; i++)
                Assert.That((await _harness.SendBitrixEventAsync(id)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    private Task WaitForOrdersAsync(IEnumerable<int> ids, TimeSpan? timeout = null) =>
        IntegrationHarness.WaitUntilAsync(() => ids.All(id => _harness.Crm.FindOrder(id.ToString()) is not null),
            "every order is in RetailCRM", timeout ?? TimeSpan.FromSeconds(60));

    private async Task WaitForQuietAsync()
    {
        await IntegrationHarness.WaitUntilAsync(async () => await _harness.QueuedMessageCountAsync() == 0, "the queue is drained",
            TimeSpan.FromSeconds(60));
        await Task.Delay(1500); // messages still invisible while their batch finishes
    }

    private void AssertOncePerOrder(IEnumerable<int> ids)
    {
        foreach (var id in ids)
            Assert.That(_harness.Crm.Orders.Count(o => o["externalId"]?.ToString() == id.ToString()), Is.EqualTo(1), $"order {id}");
    }

    private int CrmRequests(string suffix) => _harness.Crm.Requests.Count(r => r.Path.EndsWith(suffix, StringComparison.Ordinal));

    [Test]
    public async Task Burst_of_orders_saved_three_times_is_pushed_in_batches_once_each()
    {
        await StartAsync();
        var ids = SeedOrders(5001, 40);

        await SendHooksAsync(ids, savesPerOrder: 3);
        await WaitForOrdersAsync(ids);
        await WaitForQuietAsync();

        AssertOncePerOrder(ids);
        Assert.That(ids.Sum(id => _harness.Crm.OrderWriteCount(id.ToString())), Is.EqualTo(40), "one write per order");
        Assert.That(CrmRequests("orders/upload"), Is.GreaterThan(0));
        Assert.That(_harness.Crm.Requests.Count, Is.LessThanOrEqualTo(40 * 0.25), "RetailCRM requests per order");
        Assert.That(_harness.Bitrix.TotalRequests, Is.LessThanOrEqualTo(40 * 120 / 100 / 2), "Bitrix reads go in batches");
        Assert.That(_harness.Crm.FindCustomer(_harness.Bitrix.GetOrder(5001)!["userId"]!.ToString()), Is.Not.Null);
        Assert.That(await _harness.PoisonMessageCountAsync(), Is.Zero);
        Assert.That((_harness.Crm.RateLimitViolations, _harness.Bitrix.RateLimitViolations), Is.EqualTo((0, 0)),
            "no request over either service's limit");
    }

    [Test]
    public async Task Eight_hundred_orders_of_returning_and_known_buyers_arrive_once_with_customers_up_to_date()
    {
        await StartAsync();
        var ids = Enumerable.Range(20_001, 800).ToList();
        var buyers = new SaleDayBuyers(ids, returning: 0.25, known: 0.8, stale: 0.05, moving: 0.1);
        buyers.SeedRetailCrm(_harness.Crm);
        await buyers.SaveOrdersAsync(_harness.Bitrix);

        await SendHooksAsync(ids, savesPerOrder: 2);
        await WaitForOrdersAsync(ids, TimeSpan.FromSeconds(120));
        await WaitForQuietAsync();

        Assert.Multiple(() =>
        {
            AssertOncePerOrder(ids);
            Assert.That(buyers.Count, Is.InRange(480, 600), "about 500 buyers");
            Assert.That(buyers.StaleInRetailCrm(_harness.Crm), Is.Zero, "every customer has the details of its latest order");
            Assert.That(_harness.Crm.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/customers/", StringComparison.Ordinal)),
                Is.Zero, "never a GET per customer");
            Assert.That(CrmRequests("/customers"), Is.LessThanOrEqualTo(CrmRequests("orders/upload")), "one lookup per batch at most");
            Assert.That(_harness.Crm.Requests.Count, Is.LessThanOrEqualTo(800 * 0.1), "RetailCRM requests per order");
            Assert.That(_harness.Bitrix.TotalRequests, Is.LessThanOrEqualTo(800 * 0.05), "Bitrix requests per order");
            Assert.That((_harness.Crm.RateLimitViolations, _harness.Bitrix.RateLimitViolations), Is.EqualTo((0, 0)));
        });
        Assert.That(await _harness.PoisonMessageCountAsync(), Is.Zero);
        Assert.That(await _harness.DeadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task RetailCrm_down_mid_burst_then_503_everything_arrives_once()
    {
        await StartAsync(new Dictionary<string, string?>
        {
            ["Sync:MaxDequeueCount"] = "8",
            ["AzureWebJobs:extensions:queues:maxDequeueCount"] = "8",
            ["AzureWebJobs:extensions:queues:visibilityTimeout"] = "00:00:01",
        });
        var ids = SeedOrders(6001, 30);
        await SendHooksAsync(ids.Take(10), savesPerOrder: 2);

        await _harness.Crm.Faults.StopListeningAsync();       // connection refused…
        await SendHooksAsync(ids.Skip(10), savesPerOrder: 2);
        await Task.Delay(TimeSpan.FromSeconds(2));
        _harness.Crm.Faults.FailFor(TimeSpan.FromSeconds(3)); // …then 503 for a while
        await _harness.Crm.Faults.ResumeListeningAsync();

        await WaitForOrdersAsync(ids, TimeSpan.FromSeconds(90));
        await WaitForQuietAsync();
        AssertOncePerOrder(ids);
        Assert.That(await _harness.PoisonMessageCountAsync(), Is.Zero);
        Assert.That(await _harness.DeadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task While_RetailCrms_circuit_is_open_retries_do_not_read_Bitrix_and_everything_arrives_after()
    {
        await StartAsync(new Dictionary<string, string?>
        {
            ["Sync:MaxDequeueCount"] = "100",
            ["AzureWebJobs:extensions:queues:maxDequeueCount"] = "100",
        });
        var ids = SeedOrders(6101, 5);
        var crm = _harness.Runner.Services.GetRequiredService<RetailCrmClient>();
        await _harness.Crm.Faults.StopListeningAsync();
        // Failing calls of its own open the client's circuit (20 attempts, most failed, within 30 s).
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try { await crm.GetOrderAsync("0", null, CancellationToken.None); } catch (ExternalCallException) { }
        })));
        Assert.That(crm.Unavailable, Is.True, "the circuit opened");
        var bitrixBefore = _harness.Bitrix.TotalRequests;

        await SendHooksAsync(ids, savesPerOrder: 1);
        await IntegrationHarness.WaitUntilAsync(
            () => _harness.Logs.Lines.Count(l => l.Contains("circuit open", StringComparison.Ordinal)) >= 3,
            "the queue retried the orders while the circuit was open");
        var bitrixWhileOpen = _harness.Bitrix.TotalRequests - bitrixBefore;
        await _harness.Crm.Faults.ResumeListeningAsync();
        await WaitForOrdersAsync(ids);

        Assert.That(bitrixWhileOpen, Is.Zero, "no Bitrix reads for writes that would fail at once");
        AssertOncePerOrder(ids);
    }

    [Test]
    public async Task A_permanently_bad_order_in_a_batch_fails_alone_and_the_rest_is_delivered()
    {
        await StartAsync();
        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Status, "Z", "no-such-status"), CancellationToken.None);
        var ids = SeedOrders(7001, 12);
        _harness.Bitrix.PutOrder(SampleOrders.Create(7006, new SampleOrderOptions(StatusId: "Z")));
        var good = ids.Where(id => id != 7006).ToList();

        await SendHooksAsync(ids, savesPerOrder: 1);

        await WaitForOrdersAsync(good);
        await IntegrationHarness.WaitUntilAsync(async () =>
            await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, "7006", CancellationToken.None) is not null,
            "the bad order is dead-lettered");
        var letter = (await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, "7006", CancellationToken.None))!;
        Assert.That(letter.ReasonCode, Is.EqualTo("retailcrm-rejected"));
        Assert.That(letter.Attempts, Is.EqualTo(1), "a validation error is permanent");
        Assert.That(letter.Reason + letter.LastResponse, Does.Contain("no-such-status"));
        Assert.That(_harness.Crm.FindOrder("7006"), Is.Null);
        Assert.That(_harness.Crm.Requests.Any(r => r.Path.EndsWith("orders/upload", StringComparison.Ordinal) && r.StatusCode == 460),
            "the bad order came back in a 460 partial answer");
        AssertOncePerOrder(good);
        foreach (var id in good)
            Assert.That(await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, id.ToString(), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Bitrix_rate_limited_backs_off_and_recovers_without_poison()
    {
        // The portal's refused requests count too (https://apidocs.bitrix24.com/limits.html), so a client paced above its
        // drain rate never gets out of the block: the integration is set to the portal's limit, as an operator would.
        await StartAsync(new Dictionary<string, string?> { ["Bitrix:Burst"] = "2", ["Bitrix:RequestsPerSecond"] = "1" },
            bitrix: new BitrixSimulatorOptions { BurstLimit = 2, DrainPerSecond = 1 });
        var ids = SeedOrders(8001, 20);
        _harness.Bitrix.Faults.FailNext(3, 503);

        await SendHooksAsync(ids, savesPerOrder: 2);
        await WaitForOrdersAsync(ids, TimeSpan.FromSeconds(90));
        await WaitForQuietAsync();

        Assert.That(_harness.Bitrix.Requests.Count(r => r.StatusCode == 503), Is.GreaterThan(0), "Bitrix did refuse");
        AssertOncePerOrder(ids);
        Assert.That(await _harness.PoisonMessageCountAsync(), Is.Zero);
        Assert.That(await _harness.DeadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Changed_orders_are_edited_and_unchanged_ones_not_written_again()
    {
        await StartAsync();
        var ids = SeedOrders(9001, 10);
        await SendHooksAsync(ids, savesPerOrder: 1);
        await WaitForOrdersAsync(ids);
        await WaitForQuietAsync();
        var changed = _harness.Bitrix.GetOrder(9003)!;
        changed["statusId"] = "P";
        _harness.Bitrix.PutOrder(changed);

        await SendHooksAsync(ids, savesPerOrder: 1);
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("9003")!["status"]!.ToString() == "complete-payment",
            "the change reached RetailCRM");
        await WaitForQuietAsync();

        Assert.That(_harness.Crm.OrderWriteCount("9003"), Is.EqualTo(2));
        foreach (var id in ids.Where(id => id != 9003))
            Assert.That(_harness.Crm.OrderWriteCount(id.ToString()), Is.EqualTo(1), $"order {id} did not change");
    }
}
