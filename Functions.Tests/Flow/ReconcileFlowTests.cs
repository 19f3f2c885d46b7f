using System.Globalization;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// The reconciliation timer through the local runner: orders saved in Bitrix whose hook never came are listed with
/// sale.order.list, queued on the hook's queue and pushed by the real queue listener; pushed versions are not queued again.
/// </summary>
public class ReconcileFlowTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync() => _harness = await IntegrationHarness.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private void SaveInBitrix(IEnumerable<int> ids)
    {
        foreach (var id in ids) _harness.Bitrix.PutOrder(SampleOrders.Create(id));
    }

    private DateTimeOffset BitrixDateUpdate(int id) =>
        DateTimeOffset.Parse(_harness.Bitrix.GetOrder(id)!["dateUpdate"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>Until the push has recorded the order's current Bitrix version (the RetailCRM write comes just before).</summary>
    private static Task WaitPushedAsync(IntegrationHarness harness, params int[] ids) =>
        IntegrationHarness.WaitUntilAsync(async () =>
        {
            foreach (var id in ids)
            {
                var state = await harness.States.GetAsync(Id(id), CancellationToken.None);
                var current = DateTimeOffset.Parse(harness.Bitrix.GetOrder(id)!["dateUpdate"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                if (state?.PushedDateUpdate != current) return false;
            }
            return await harness.QueuedMessageCountAsync() == 0;
        }, $"orders {string.Join(", ", ids)} are pushed as they are in Bitrix");

    private async Task HookAndPushAsync(int id)
    {
        await _harness.SendBitrixEventAsync(id);
        await WaitPushedAsync(_harness, id);
    }

    /// <summary>Bitrix dates have whole seconds: a change in the same second as the push would carry the pushed dateUpdate.</summary>
    private async Task UntilNextSecondAfterAsync(int id)
    {
        var stamp = BitrixDateUpdate(id);
        while (DateTimeOffset.UtcNow < stamp.AddSeconds(1)) await Task.Delay(20);
    }

    [Test]
    public async Task Order_saved_in_Bitrix_whose_hook_never_came_arrives_after_a_reconcile_run()
    {
        SaveInBitrix([5001]);

        var result = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That(result.Enqueued, Is.EqualTo(1));
        Assert.That(result.Listed, Is.EqualTo(1), "the seeded orders were saved long before the first run's lookback");
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("5001") is not null, "order 5001 is in RetailCRM");
        Assert.That(_harness.Crm.FindOrder("5001")!["number"]!.ToString(), Is.EqualTo("5001"));
    }

    [Test]
    public async Task Reconciled_orders_go_onto_the_hook_queue_with_their_site_and_source_reconcile()
    {
        await using var harness = await IntegrationHarness.StartAsync(startQueueListener: false);
        harness.Bitrix.PutOrder(SampleOrders.Create(5001));

        await harness.Reconciler.RunAsync(CancellationToken.None);

        var queued = (await harness.Queue.ReceiveMessagesAsync(maxMessages: 10)).Value;
        Assert.That(queued, Has.Length.EqualTo(1));
        var message = OrderMessage.FromJson(queued[0].Body.ToString());
        Assert.That((message.OrderId, message.SiteId, message.Source), Is.EqualTo(("5001", "s1", "reconcile")));
    }

    [Test]
    public async Task Order_already_pushed_and_unchanged_is_not_enqueued()
    {
        SaveInBitrix([5001]);
        await HookAndPushAsync(5001);
        var writes = _harness.Crm.OrderWriteCount("5001");

        var result = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That((result.Listed, result.Enqueued), Is.EqualTo((1, 0)));
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
        Assert.That(_harness.Crm.OrderWriteCount("5001"), Is.EqualTo(writes));
    }

    [Test]
    public async Task Order_saved_again_without_a_content_change_is_not_enqueued_after_its_hook()
    {
        SaveInBitrix([5001]);
        await HookAndPushAsync(5001);
        await UntilNextSecondAfterAsync(5001);
        var resaved = _harness.Bitrix.GetOrder(5001)!;
        resaved["updated1c"] = "Y"; // a save that changes nothing RetailCRM gets: the push writes nothing
        _harness.Bitrix.PutOrder(resaved);
        await HookAndPushAsync(5001);

        var result = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That(result.Enqueued, Is.Zero);
        Assert.That(_harness.Crm.OrderWriteCount("5001"), Is.EqualTo(1));
    }

    [Test]
    public async Task Echo_of_our_own_status_write_back_is_not_enqueued_again()
    {
        SaveInBitrix([5001]);
        await HookAndPushAsync(5001);
        await UntilNextSecondAfterAsync(5001);
        _harness.Crm.ChangeOrderStatus("5001", "complete");
        await _harness.SendCrmTriggerAsync("5001", "complete");
        await IntegrationHarness.WaitUntilAsync(() => _harness.Bitrix.GetOrder(5001)!["statusId"]!.ToString() == "F",
            "the status reached Bitrix");
        await WaitPushedAsync(_harness, 5001); // the echo hook of our sale.order.update

        var first = await _harness.Reconciler.RunAsync(CancellationToken.None);
        var second = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That((first.Enqueued, second.Enqueued), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task Order_refused_for_good_is_not_enqueued_again_until_it_changes_in_Bitrix()
    {
        var order = SampleOrders.Create(5001);
        order["shipments"]![0]!["deliveryId"] = 77; // no delivery mapping: dead-lettered at once
        _harness.Bitrix.PutOrder(order);
        await _harness.SendBitrixEventAsync(5001);
        await IntegrationHarness.WaitUntilAsync(async () => (await _harness.States.GetAsync("5001", CancellationToken.None))?
            .PushedDateUpdate == BitrixDateUpdate(5001), "the refused version is recorded");

        var unchanged = await _harness.Reconciler.RunAsync(CancellationToken.None);
        await UntilNextSecondAfterAsync(5001);
        order["shipments"]![0]!["deliveryId"] = 1; // the shop fixes the order
        _harness.Bitrix.PutOrder(order);
        var fixedInBitrix = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That((unchanged.Listed, unchanged.Enqueued), Is.EqualTo((1, 0)));
        Assert.That(fixedInBitrix.Enqueued, Is.EqualTo(1));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("5001") is not null, "the fixed order reached RetailCRM");
    }

    [Test]
    public async Task Order_changed_after_its_push_without_a_hook_is_enqueued_again()
    {
        SaveInBitrix([5001]);
        await HookAndPushAsync(5001);
        await UntilNextSecondAfterAsync(5001);
        var changed = _harness.Bitrix.GetOrder(5001)!;
        changed["statusId"] = "P";
        _harness.Bitrix.PutOrder(changed);

        var result = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That(result.Enqueued, Is.EqualTo(1));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("5001")!["status"]!.ToString() == "complete-payment",
            "the change reached RetailCRM");
    }

    [Test]
    public async Task Three_pages_of_updated_orders_cost_two_Bitrix_requests()
    {
        await using var harness = await IntegrationHarness.StartAsync(startQueueListener: false);
        foreach (var id in Enumerable.Range(6001, 120)) harness.Bitrix.PutOrder(SampleOrders.Create(id));
        var before = harness.Bitrix.TotalRequests;

        var result = await harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That((result.Pages, result.Listed, result.Enqueued), Is.EqualTo((3, 120, 120)));
        Assert.That(harness.Bitrix.TotalRequests - before, Is.EqualTo(2), "one page, then the next two chained in one batch");
        Assert.That(harness.Bitrix.RequestCount("sale.order.list"), Is.EqualTo(3), "no list call past the short last page");
        Assert.That(await harness.QueuedMessageCountAsync(), Is.EqualTo(120));
    }

    [Test]
    public async Task A_backlog_longer_than_a_run_is_worked_off_over_runs_each_committing_its_cursor()
    {
        await using var harness = await IntegrationHarness.StartAsync(new Dictionary<string, string?> { ["Reconcile:MaxPagesPerRun"] = "2" });
        foreach (var id in Enumerable.Range(6001, 120)) harness.Bitrix.PutOrder(SampleOrders.Create(id));

        var first = await harness.Reconciler.RunAsync(CancellationToken.None);
        var stored = await harness.States.GetReconcileCursorAsync(CancellationToken.None);
        var second = await harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That((first.Pages, first.Enqueued, first.Cursor.AfterId), Is.EqualTo((2, 100, 6100L)));
        Assert.That(stored, Is.EqualTo(first.Cursor));
        Assert.That((second.Pages, second.Enqueued, second.Cursor.AfterId), Is.EqualTo((1, 20, (long?)null)));
        Assert.That((await harness.States.GetReconcileCursorAsync(CancellationToken.None))!.AfterId, Is.Null, "the finished scan is not resumed");
        await IntegrationHarness.WaitUntilAsync(() => Enumerable.Range(6001, 120).All(id => harness.Crm.FindOrder(Id(id)) is not null),
            "all 120 orders are in RetailCRM", TimeSpan.FromSeconds(60));
        Assert.That(harness.Crm.Orders.GroupBy(o => o["externalId"]!.ToString()).Where(g => g.Count() > 1), Is.Empty);
    }

    [Test]
    public async Task Cursor_is_not_advanced_when_the_queue_cannot_be_written_and_the_orders_come_next_run()
    {
        SaveInBitrix([5000]);
        await HookAndPushAsync(5000); // the runner has created the queue and knows it exists
        await _harness.Reconciler.RunAsync(CancellationToken.None);
        var before = await _harness.States.GetReconcileCursorAsync(CancellationToken.None);
        SaveInBitrix([5001, 5002]);
        await _harness.Queue.DeleteAsync(); // now every send is refused with 404 QueueNotFound

        Assert.That(async () => await _harness.Reconciler.RunAsync(CancellationToken.None), Throws.Exception);
        Assert.That(await _harness.States.GetReconcileCursorAsync(CancellationToken.None), Is.EqualTo(before));

        await _harness.Queue.CreateAsync();
        var retry = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That(retry.Enqueued, Is.EqualTo(2));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("5001") is not null && _harness.Crm.FindOrder("5002") is not null,
            "both orders are in RetailCRM");
    }

    [Test]
    public async Task Second_run_with_nothing_new_costs_one_Bitrix_request_and_enqueues_nothing()
    {
        SaveInBitrix([5001, 5002]);
        await _harness.Reconciler.RunAsync(CancellationToken.None);
        await WaitPushedAsync(_harness, 5001, 5002);
        var (bitrix, crm) = (_harness.Bitrix.TotalRequests, _harness.Crm.Requests.Count);

        var result = await _harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That(result.Enqueued, Is.Zero);
        Assert.That(_harness.Bitrix.TotalRequests - bitrix, Is.EqualTo(1));
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
        Assert.That(_harness.Crm.Requests.Count, Is.EqualTo(crm));
    }

    [Test]
    public async Task The_runner_timer_reconciles_on_its_own()
    {
        await using var timed = await IntegrationHarness.StartAsync(new Dictionary<string, string?> { ["Reconcile:Interval"] = "00:00:01" });
        timed.Bitrix.PutOrder(SampleOrders.Create(5001));

        await IntegrationHarness.WaitUntilAsync(() => timed.Crm.FindOrder("5001") is not null, "the timer's run queued order 5001");
    }
}
