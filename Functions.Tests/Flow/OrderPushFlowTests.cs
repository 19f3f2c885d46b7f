using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>Hook → queue → push through the local runner against Azurite and both simulators.</summary>
public class OrderPushFlowTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync() => _harness = await IntegrationHarness.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private Task WaitForOrderAsync(string externalId) =>
        IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder(externalId) is not null, $"order {externalId} is in RetailCRM");

    private Task WaitForDeadLetterAsync(string orderId) =>
        IntegrationHarness.WaitUntilAsync(async () =>
            await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, orderId, CancellationToken.None) is not null,
            $"order {orderId} is dead-lettered");

    [Test]
    public async Task Hooked_order_arrives_in_RetailCRM_with_its_content_and_customer()
    {
        var bitrixOrder = _harness.Bitrix.GetOrder(1001)!;

        var response = await _harness.SendBitrixEventAsync(1001);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await WaitForOrderAsync("1001");

        var order = _harness.Crm.FindOrder("1001")!;
        Assert.That(order["number"]!.GetValue<string>(), Is.EqualTo(bitrixOrder["accountNumber"]!.GetValue<string>()));
        Assert.That(order["site"]!.GetValue<string>(), Is.EqualTo("shop"));
        Assert.That(order["status"]!.GetValue<string>(), Is.EqualTo("new"));
        var items = order["items"]!.AsArray();
        Assert.That(items, Has.Count.EqualTo(bitrixOrder["basketItems"]!.AsArray().Count));
        Assert.That(items[0]!["offer"]!["externalId"]!.ToString(), Is.EqualTo(bitrixOrder["basketItems"]![0]!["productId"]!.ToString()));
        Assert.That(items[0]!["productName"]!.GetValue<string>(), Is.EqualTo(bitrixOrder["basketItems"]![0]!["name"]!.GetValue<string>()));
        var userId = bitrixOrder["userId"]!.ToString();
        Assert.That(order["customer"]!["externalId"]!.ToString(), Is.EqualTo(userId));
        var customer = _harness.Crm.FindCustomer(userId);
        Assert.That(customer, Is.Not.Null, "the customer is created before the order");
        Assert.That(customer!["lastName"]!.GetValue<string>(), Is.Not.Empty);
    }

    [Test]
    public async Task Same_order_hooked_five_times_yields_one_order_and_one_write()
    {
        var hooks = Enumerable.Range(0, 5).Select(_ => _harness.SendBitrixEventAsync(1002));
        foreach (var response in await Task.WhenAll(hooks))
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        await WaitForOrderAsync("1002");
        await IntegrationHarness.WaitUntilAsync(async () => await _harness.QueuedMessageCountAsync() == 0, "the queue is drained");
        await Task.Delay(500); // let the last message finish after it became invisible

        Assert.That(_harness.Crm.Orders.Count(o => o["externalId"]?.ToString() == "1002"), Is.EqualTo(1));
        Assert.That(_harness.Crm.OrderWriteCount("1002"), Is.EqualTo(1));
    }

    [Test]
    public async Task Changed_order_is_edited_not_duplicated()
    {
        await _harness.SendBitrixEventAsync(1003);
        await WaitForOrderAsync("1003");
        var changed = _harness.Bitrix.GetOrder(1003)!;
        changed["statusId"] = "P";
        _harness.Bitrix.PutOrder(changed);

        await _harness.SendBitrixEventAsync(1003);

        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1003")!["status"]!.GetValue<string>() == "complete-payment",
            "the new status reached RetailCRM");
        Assert.That(_harness.Crm.Orders.Count(o => o["externalId"]?.ToString() == "1003"), Is.EqualTo(1));
        Assert.That(_harness.Crm.OrderWriteCount("1003"), Is.EqualTo(2));
    }

    [Test]
    public async Task RetailCrm_answering_503_twice_then_ok_delivers_the_order_once()
    {
        _harness.Crm.Faults.FailNext(2, 503);

        await _harness.SendBitrixEventAsync(1001);
        await WaitForOrderAsync("1001");

        Assert.That(_harness.Crm.Requests.Count(r => r.StatusCode == 503), Is.EqualTo(2));
        Assert.That(_harness.Crm.OrderWriteCount("1001"), Is.EqualTo(1));
        Assert.That(await _harness.PoisonMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Unmapped_delivery_is_dead_lettered_naming_the_code_and_not_retried()
    {
        var order = SampleOrders.Create(2001);
        order["shipments"]![0]!["deliveryId"] = 77;
        _harness.Bitrix.PutOrder(order);

        await _harness.SendBitrixEventAsync(2001);
        await WaitForDeadLetterAsync("2001");

        var letter = (await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, "2001", CancellationToken.None))!;
        Assert.That(letter.ReasonCode, Is.EqualTo("unmapped-delivery"));
        Assert.That(letter.Reason, Does.Contain("'77'"));
        Assert.That(letter.Attempts, Is.EqualTo(1), "an unmapped code is permanent: no retries");
        Assert.That(letter.Message, Does.Contain("2001"), "the original message is kept for replay");
        Assert.That(_harness.Crm.FindOrder("2001"), Is.Null);
        Assert.That(_harness.Crm.TotalWrites, Is.Zero);
    }

    [Test]
    public async Task Order_missing_in_Bitrix_is_dead_lettered_with_the_Bitrix_answer()
    {
        var response = await _harness.PostHookAsync("{\"orderId\":987654}", "application/json", token: _harness.Bitrix.Options.ApplicationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        await WaitForDeadLetterAsync("987654");

        var letter = (await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, "987654", CancellationToken.None))!;
        Assert.That(letter.ReasonCode, Is.EqualTo("bitrix-order-not-found"));
        Assert.That(letter.LastResponse, Does.Contain("200540400001"));
    }

    [Test]
    public async Task RetailCrm_down_for_every_attempt_ends_in_poison_queue_and_dead_letter()
    {
        _harness.Crm.Faults.FailFor(TimeSpan.FromMinutes(5), 500);

        await _harness.SendBitrixEventAsync(1001);

        await IntegrationHarness.WaitUntilAsync(async () => await _harness.PoisonMessageCountAsync() == 1, "the message is poisoned",
            TimeSpan.FromSeconds(60));
        var letter = (await _harness.DeadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, "1001", CancellationToken.None))!;
        Assert.That(letter.ReasonCode, Is.EqualTo("retailcrm-unavailable"));
        Assert.That(letter.Attempts, Is.EqualTo(3));
    }

    [Test]
    public async Task Mapping_edits_apply_without_a_restart()
    {
        var order = SampleOrders.Create(2002);
        order["shipments"]![0]!["deliveryId"] = 77;
        _harness.Bitrix.PutOrder(order);
        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "77", "courier"), CancellationToken.None);

        await _harness.SendBitrixEventAsync(2002);
        await WaitForOrderAsync("2002");

        Assert.That(_harness.Crm.FindOrder("2002")!["delivery"]!["code"]!.GetValue<string>(), Is.EqualTo("courier"));
    }

    [Test]
    public async Task Secrets_never_reach_logs_or_dead_letters()
    {
        _harness.Crm.Faults.FailFor(TimeSpan.FromMinutes(5), 500);
        await _harness.SendBitrixEventAsync(1001);
        await IntegrationHarness.WaitUntilAsync(async () => await _harness.PoisonMessageCountAsync() == 1, "the message is poisoned",
            TimeSpan.FromSeconds(60));
        var letters = await _harness.DeadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, CancellationToken.None);

        string[] secrets = [_harness.Bitrix.Options.WebhookSecret, _harness.Crm.Options.ApiKey,
            _harness.Bitrix.Options.ApplicationToken, IntegrationHarness.FunctionKey];
        var texts = _harness.Logs.Lines.Concat(letters.Select(l => $"{l.Reason} {l.LastResponse} {l.Message}")).ToList();
        Assert.That(texts, Is.Not.Empty);
        foreach (var secret in secrets)
            Assert.That(texts.Where(t => t.Contains(secret)), Is.Empty, $"a secret leaked");
    }
}
