using BitrixRetailCrm.Admin;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Operations;

/// <summary>Dead-lettered orders replayed through the Admin CLI against the running local runner.</summary>
public class DeadLetterReplayTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync() => _harness = await IntegrationHarness.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private Task<DeadLetter?> LetterAsync(string orderId) =>
        _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, orderId, CancellationToken.None);

    private async Task PlantDeadLetterAsync(int orderId, Action<System.Text.Json.Nodes.JsonObject> spoil)
    {
        var order = SampleOrders.Create(orderId);
        spoil(order);
        _harness.Bitrix.PutOrder(order);
        await _harness.SendBitrixEventAsync(orderId);
        await IntegrationHarness.WaitUntilAsync(async () => await LetterAsync(orderId.ToString()) is not null, $"order {orderId} is dead-lettered");
    }

    [Test]
    public async Task Fixed_mapping_then_replay_delivers_the_dead_lettered_order_and_records_the_replay()
    {
        await PlantDeadLetterAsync(2001, o => o["shipments"]![0]!["deliveryId"] = 77);
        Assert.That(_harness.Crm.FindOrder("2001"), Is.Null);

        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "77", "courier"), CancellationToken.None);
        var run = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--order", "2001");

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain("replayed order 2001"));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("2001") is not null, "the replayed order is in RetailCRM");
        Assert.That(_harness.Crm.FindOrder("2001")!["delivery"]!["code"]!.GetValue<string>(), Is.EqualTo("courier"));
        var letter = (await LetterAsync("2001"))!;
        Assert.That(letter.ReplayCount, Is.EqualTo(1));
        Assert.That(letter.ReplayedAt, Is.Not.Null);
        Assert.That(await _harness.DeadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Replay_by_reason_sends_only_that_reason_and_a_still_broken_order_is_dead_lettered_again()
    {
        await PlantDeadLetterAsync(2001, o => o["shipments"]![0]!["deliveryId"] = 77);
        await PlantDeadLetterAsync(2002, o => o["payments"]![0]!["paySystemId"] = 99);

        var list = await AdminRun.RunAsync(_harness, "dead-letters", "list");
        Assert.That(list.ExitCode, Is.EqualTo(AdminCli.Ok), list.ToString());
        Assert.That(list.Out, Does.Contain("unmapped-delivery").And.Contain("unmapped-payment").And.Contain("2 open dead letter(s)"));
        var filtered = await AdminRun.RunAsync(_harness, "dead-letters", "list", "--reason", "unmapped-payment");
        Assert.That(filtered.Out, Does.Contain("2002").And.Not.Contain("2001"));

        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "77", "courier"), CancellationToken.None);
        var byReason = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--reason", "unmapped-delivery");
        Assert.That(byReason.ExitCode, Is.EqualTo(AdminCli.Ok), byReason.ToString());
        Assert.That(byReason.Out, Does.Contain("1 order(s) queued again"));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("2001") is not null, "order 2001 is in RetailCRM");
        Assert.That((await LetterAsync("2002"))!.ReplayCount, Is.Zero, "the other reason is left alone");

        // Replaying without the fix: the record is closed by the replay and opened again by the new failure.
        var all = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--all");
        Assert.That(all.Out, Does.Contain("replayed order 2002"), all.ToString());
        await IntegrationHarness.WaitUntilAsync(async () =>
                (await _harness.DeadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, CancellationToken.None)).Any(l => l.OrderId == "2002"),
            "order 2002 is dead-lettered again");
        var again = (await LetterAsync("2002"))!;
        Assert.That(again.ReplayCount, Is.EqualTo(1), "the replay history survives the new failure");
        Assert.That(again.ReasonCode, Is.EqualTo("unmapped-payment"));
        Assert.That(_harness.Crm.FindOrder("2002"), Is.Null);
    }

    [Test]
    public async Task Replay_of_an_order_without_a_record_fails_and_wrong_usage_is_refused()
    {
        var missing = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--order", "424242");
        Assert.That(missing.ExitCode, Is.EqualTo(AdminCli.Failed));
        Assert.That(missing.Err, Does.Contain("424242 has no dead-letter record"));

        var both = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--all", "--reason", "x");
        Assert.That(both.ExitCode, Is.EqualTo(AdminCli.Usage));
        var unknown = await AdminRun.RunAsync(_harness, "dead-letters", "frobnicate");
        Assert.That(unknown.ExitCode, Is.EqualTo(AdminCli.Usage));
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Unreadable_stored_message_is_skipped_not_queued()
    {
        await _harness.DeadLetters.RecordAsync(new DeadLetter(SyncDirection.BitrixToRetailCrm, "unreadable", "malformed-message",
            "Queue message has no orderId", null, 1, "{not json", DateTimeOffset.UtcNow), CancellationToken.None);

        var run = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--all");

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Failed), run.ToString());
        Assert.That(run.Err, Does.Contain("skipped order unreadable"));
        Assert.That((await LetterAsync("unreadable"))!.ReplayCount, Is.Zero);
    }

    [Test]
    public async Task Fixed_reverse_status_mapping_then_replay_with_direction_applies_the_status_change_in_Bitrix()
    {
        await _harness.SendBitrixEventAsync(1001);
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1001") is not null, "order 1001 is in RetailCRM");
        await _harness.Mappings.RemoveAsync(MappingKind.StatusFromCrm, "client-confirmed", CancellationToken.None);
        _harness.Crm.ChangeOrderStatus("1001", "client-confirmed");
        await _harness.SendCrmTriggerAsync("1001", "client-confirmed");
        await IntegrationHarness.WaitUntilAsync(async () =>
            await _harness.DeadLetters.GetAsync(SyncDirection.RetailCrmToBitrix, "1001", CancellationToken.None) is not null,
            "the status change is dead-lettered");

        var list = await AdminRun.RunAsync(_harness, "dead-letters", "list", "--direction", "retailcrm-to-bitrix");
        Assert.That(list.Out, Does.Contain("unmapped-statusFromCrm"), list.ToString());
        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.StatusFromCrm, "client-confirmed", "P"), CancellationToken.None);
        var run = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--direction", "retailcrm-to-bitrix", "--order", "1001");

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        await IntegrationHarness.WaitUntilAsync(() => _harness.Bitrix.GetOrder(1001)!["statusId"]!.GetValue<string>() == "P",
            "the replayed change reached Bitrix");
        var letter = (await _harness.DeadLetters.GetAsync(SyncDirection.RetailCrmToBitrix, "1001", CancellationToken.None))!;
        Assert.That(letter.ReplayCount, Is.EqualTo(1));
        Assert.That(await LetterAsync("1001"), Is.Null, "nothing was replayed in the other direction");
    }

    [Test]
    public async Task Replay_of_the_default_direction_does_not_see_status_dead_letters_and_an_unknown_direction_is_refused()
    {
        await _harness.DeadLetters.RecordAsync(new DeadLetter(SyncDirection.RetailCrmToBitrix, "1001", "unmapped-statusFromCrm",
            "No statusFromCrm mapping for Bitrix code 'on-hold'", null, 1,
            new BitrixRetailCrm.StatusSync.StatusChangeMessage("1001", 1, "shop", "on-hold", DateTimeOffset.UtcNow).ToJson(),
            DateTimeOffset.UtcNow), CancellationToken.None);

        var orders = await AdminRun.RunAsync(_harness, "dead-letters", "replay", "--all");
        var wrong = await AdminRun.RunAsync(_harness, "dead-letters", "list", "--direction", "sideways");

        Assert.That(orders.Out, Does.Contain("0 order(s) queued again"), orders.ToString());
        Assert.That(wrong.ExitCode, Is.EqualTo(AdminCli.Usage));
        Assert.That(wrong.Err, Does.Contain("Unknown direction \"sideways\""));
        Assert.That(await _harness.StatusQueueCountAsync(), Is.Zero);
    }
}
