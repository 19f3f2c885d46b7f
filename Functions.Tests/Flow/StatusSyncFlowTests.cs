using System.Net;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>RetailCRM → Bitrix: trigger webhooks and the history poll through the local runner, with Bitrix echoing our writes.</summary>
public class StatusSyncFlowTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _harness = await IntegrationHarness.StartAsync();
        await _harness.SendBitrixEventAsync(1001);
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1001") is not null, "order 1001 is in RetailCRM");
        await IntegrationHarness.WaitUntilAsync(async () => await _harness.QueuedMessageCountAsync() == 0, "the push settled");
    }

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private string BitrixStatus(int id) => _harness.Bitrix.GetOrder(id)!["statusId"]!.GetValue<string>();

    private string BitrixCanceled(int id) => _harness.Bitrix.GetOrder(id)!["canceled"]!.GetValue<string>();

    private Task WaitForBitrixStatusAsync(string statusId) =>
        IntegrationHarness.WaitUntilAsync(() => BitrixStatus(1001) == statusId, $"Bitrix order 1001 has status {statusId}");

    [Test]
    public async Task Trigger_webhook_lands_the_mapped_status_in_Bitrix()
    {
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        var response = await _harness.SendCrmTriggerAsync("1001", "complete");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await WaitForBitrixStatusAsync("F");
        Assert.That(BitrixCanceled(1001), Is.EqualTo("N"));
    }

    [Test]
    public async Task Cancel_code_cancels_the_Bitrix_order()
    {
        _harness.Crm.ChangeOrderStatus("1001", "cancel-other");

        await _harness.SendCrmTriggerAsync("1001", "cancel-other");

        await IntegrationHarness.WaitUntilAsync(() => BitrixCanceled(1001) == "Y", "the Bitrix order is cancelled");
        Assert.That(BitrixStatus(1001), Is.EqualTo("C"));
    }

    [Test]
    public async Task Wrong_secret_is_401_and_nothing_is_queued()
    {
        var url = new Uri(_harness.RunnerUrl, $"api/retailcrm/order-changed?code={IntegrationHarness.FunctionKey}&secret=guess-guess-guess-1");

        var response = await _harness.SendCrmTriggerAsync("1001", "complete", url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await _harness.StatusQueueCountAsync(), Is.Zero);
        Assert.That(BitrixStatus(1001), Is.EqualTo("N"));
    }

    [Test]
    public async Task Echo_of_our_own_Bitrix_write_makes_no_RetailCRM_write()
    {
        var writesBefore = _harness.Crm.OrderWriteCount("1001");
        var echoesBefore = _harness.Bitrix.SentEvents.Count;
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        await _harness.SendCrmTriggerAsync("1001", "complete");
        await WaitForBitrixStatusAsync("F");
        await IntegrationHarness.WaitUntilAsync(() => _harness.Bitrix.SentEvents.Count > echoesBefore, "Bitrix echoed our write");
        await _harness.SettleAsync();

        Assert.That(_harness.Crm.OrderWriteCount("1001"), Is.EqualTo(writesBefore), "the echo pushed nothing back");
    }

    [Test]
    public async Task Duplicated_and_out_of_order_webhooks_leave_the_newest_status()
    {
        _harness.Crm.ChangeOrderStatus("1001", "complete-payment");
        await _harness.SendCrmTriggerAsync("1001", "complete-payment");
        await WaitForBitrixStatusAsync("P");
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        // The newest trigger arrives first, then a late copy of the older one, then a duplicate.
        await _harness.SendCrmTriggerAsync("1001", "complete");
        await WaitForBitrixStatusAsync("F");
        await _harness.SendCrmTriggerAsync("1001", "complete-payment");
        await _harness.SendCrmTriggerAsync("1001", "complete");
        await _harness.SettleAsync();

        Assert.That(BitrixStatus(1001), Is.EqualTo("F"));
    }

    [Test]
    public async Task A_change_whose_webhook_never_came_is_applied_by_the_history_poll()
    {
        await _harness.HistoryPoller.RunAsync(CancellationToken.None); // first run: starts from now
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        var result = await _harness.HistoryPoller.RunAsync(CancellationToken.None);

        Assert.That(result.Applied, Is.EqualTo(1));
        Assert.That(BitrixStatus(1001), Is.EqualTo("F"));
    }

    [Test]
    public async Task Our_own_pushes_in_the_history_are_not_applied_back()
    {
        await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        var changed = _harness.Bitrix.GetOrder(1001)!;
        changed["statusId"] = "P";
        _harness.Bitrix.PutOrder(changed);
        await _harness.SendBitrixEventAsync(1001);
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1001")!["status"]!.ToString() == "complete-payment",
            "the site's change reached RetailCRM");
        var bitrixWrites = _harness.Bitrix.RequestCount("sale.order.update");

        var result = await _harness.HistoryPoller.RunAsync(CancellationToken.None);

        Assert.That(result.Applied, Is.Zero);
        Assert.That(_harness.Bitrix.RequestCount("sale.order.update"), Is.EqualTo(bitrixWrites));
    }

    [Test]
    public async Task Bitrix_failing_while_applying_keeps_the_cursor_and_the_change_lands_later()
    {
        var first = await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        _harness.Crm.ChangeOrderStatus("1001", "complete");
        _harness.Bitrix.Faults.FailFor(TimeSpan.FromMinutes(5), 500);

        Assert.That(async () => await _harness.HistoryPoller.RunAsync(CancellationToken.None), Throws.Exception);
        var cursor = await _harness.Runner.Services.GetRequiredService<StatusStateStore>().GetCursorAsync(CancellationToken.None);
        Assert.That(cursor!.SinceId, Is.EqualTo(first.SinceId), "the cursor did not move past the unapplied change");
        Assert.That(BitrixStatus(1001), Is.EqualTo("N"));

        _harness.Bitrix.Faults.Clear();
        await _harness.HistoryPoller.RunAsync(CancellationToken.None);

        Assert.That(BitrixStatus(1001), Is.EqualTo("F"));
    }

    [Test]
    public async Task Unknown_RetailCrm_status_is_dead_lettered_naming_the_code()
    {
        _harness.Crm.ChangeOrderStatus("1001", "client-confirmed");
        await _harness.Mappings.RemoveAsync(BitrixRetailCrm.Mapping.MappingKind.StatusFromCrm, "client-confirmed", CancellationToken.None);

        await _harness.SendCrmTriggerAsync("1001", "client-confirmed");

        await IntegrationHarness.WaitUntilAsync(async () =>
            await _harness.DeadLetters.GetAsync(SyncDirection.RetailCrmToBitrix, "1001", CancellationToken.None) is not null,
            "the change is dead-lettered");
        var letter = (await _harness.DeadLetters.GetAsync(SyncDirection.RetailCrmToBitrix, "1001", CancellationToken.None))!;
        Assert.That(letter.ReasonCode, Is.EqualTo("unmapped-statusFromCrm"));
        Assert.That(letter.Reason, Does.Contain("client-confirmed"));
        Assert.That(BitrixStatus(1001), Is.EqualTo("N"));
    }

    [Test]
    public async Task A_status_changed_on_the_site_still_reaches_RetailCRM_after_a_RetailCRM_change()
    {
        _harness.Crm.ChangeOrderStatus("1001", "complete-payment");
        await _harness.SendCrmTriggerAsync("1001", "complete-payment");
        await WaitForBitrixStatusAsync("P");
        await _harness.SettleAsync();

        var changed = _harness.Bitrix.GetOrder(1001)!;
        changed["statusId"] = "D";
        _harness.Bitrix.PutOrder(changed);
        await _harness.SendBitrixEventAsync(1001);

        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1001")!["status"]!.ToString() == "delivery",
            "the site's status reached RetailCRM");
    }

    [Test]
    public async Task The_runner_timer_polls_the_history_on_its_own()
    {
        await using var polling = await IntegrationHarness.StartAsync(new Dictionary<string, string?>
        {
            ["StatusSync:HistoryPollInterval"] = "00:00:01",
        });
        await polling.SendBitrixEventAsync(1002);
        await IntegrationHarness.WaitUntilAsync(() => polling.Crm.FindOrder("1002") is not null, "order 1002 is in RetailCRM");
        await IntegrationHarness.WaitUntilAsync(async () =>
                await polling.Runner.Services.GetRequiredService<StatusStateStore>().GetCursorAsync(CancellationToken.None) is not null,
            "the first poll set its cursor");

        polling.Crm.ChangeOrderStatus("1002", "complete");

        await IntegrationHarness.WaitUntilAsync(() => polling.Bitrix.GetOrder(1002)!["statusId"]!.ToString() == "F",
            "the timer's poll applied the change");
    }
}
