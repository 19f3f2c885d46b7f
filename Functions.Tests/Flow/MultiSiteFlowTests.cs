using System.Text.Json.Nodes;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// Two Bitrix storefronts (s1, s2) whose delivery 2 means different things push to two RetailCRM sites (shop, shop2)
/// through the local runner; a custom Bitrix status and a non-standard order property arrive mapped.
/// </summary>
public class MultiSiteFlowTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync()
    {
        var crm = new RetailCrmSimulatorOptions();
        crm.Sites.Add("shop2");
        crm.Statuses.Add(new RetailCrmStatus("awaiting-stock", "Ожидает поступления", "approval", Ordering: 35));
        crm.CustomFields.Add(new RetailCrmCustomField("gift_wrap", "Подарочная упаковка", "boolean"));
        _harness = await IntegrationHarness.StartAsync(crmOptions: crm);
        _harness.Bitrix.Options.Statuses.Add(new BitrixStatus("W", "O", "Ожидает поступления товара", 15));
        MappingEntry[] rows =
        [
            new(MappingKind.Site, "s2", "shop2"),
            // s1 delivers by courier; on s2 delivery 2 is collection from the shop.
            new(MappingKind.Delivery, MappingSet.SiteKey("s2", "2"), "self-delivery"),
            new(MappingKind.Status, "W", "awaiting-stock"),
            new(MappingKind.OrderProperty, "GIFT_WRAP", "customFields.gift_wrap"),
        ];
        foreach (var row in rows) await _harness.Mappings.SetAsync(row, CancellationToken.None);
    }

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private static JsonObject Order(int id, string site, string statusId = "N", string? giftWrap = null)
    {
        var order = SampleOrders.Create(id, new SampleOrderOptions(StatusId: statusId, DeliveryId: 2));
        order["lid"] = site;
        foreach (var item in order["basketItems"]!.AsArray()) item!["lid"] = site;
        if (giftWrap is not null)
            order["propertyValues"]!.AsArray().Add(new JsonObject
            {
                ["code"] = "GIFT_WRAP",
                ["id"] = id * 10 + 6,
                ["name"] = "Подарочная упаковка",
                ["orderPropsId"] = 6,
                ["orderPropsXmlId"] = "bx_prop_gift_wrap",
                ["value"] = giftWrap,
            });
        return order;
    }

    private async Task<JsonObject> PushAsync(JsonObject order)
    {
        var id = order["id"]!.GetValue<int>();
        _harness.Bitrix.PutOrder(order);
        await _harness.SendBitrixEventAsync(id);
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder(id.ToString()) is not null, $"order {id} is in RetailCRM");
        return _harness.Crm.FindOrder(id.ToString())!;
    }

    [Test]
    public async Task Orders_of_two_storefronts_land_on_their_own_RetailCRM_sites_with_their_own_delivery_meaning()
    {
        var first = await PushAsync(Order(3101, "s1"));
        var second = await PushAsync(Order(3102, "s2"));

        Assert.Multiple(() =>
        {
            Assert.That(first["site"]!.GetValue<string>(), Is.EqualTo("shop"));
            Assert.That(first["delivery"]!["code"]!.GetValue<string>(), Is.EqualTo("courier"));
            Assert.That(second["site"]!.GetValue<string>(), Is.EqualTo("shop2"));
            Assert.That(second["delivery"]!["code"]!.GetValue<string>(), Is.EqualTo("self-delivery"));
            Assert.That(second["externalId"]!.GetValue<string>(), Is.EqualTo("3102"), "the Bitrix id, unique across the install");
            Assert.That(_harness.Crm.FindCustomer(second["customer"]!["externalId"]!.ToString())?["site"]?.GetValue<string>(),
                Is.Not.Null, "the buyer exists as a customer of the order's site");
        });
    }

    [Test]
    public async Task Reserving_store_arrives_as_the_mapped_RetailCrm_warehouse()
    {
        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Warehouse, "1", "main"), CancellationToken.None);
        var bitrixOrder = Order(3105, "s1");
        foreach (var line in bitrixOrder["basketItems"]!.AsArray())
            line!["reservations"] = new JsonArray(new JsonObject { ["quantity"] = line["quantity"]!.DeepClone(), ["storeId"] = 1 });

        var order = await PushAsync(bitrixOrder);

        Assert.That(order["shipmentStore"]!.GetValue<string>(), Is.EqualTo("main"));
    }

    [Test]
    public async Task Custom_Bitrix_status_and_non_standard_property_arrive_mapped()
    {
        var order = await PushAsync(Order(3103, "s2", statusId: "W", giftWrap: "Y"));

        Assert.That(order["status"]!.GetValue<string>(), Is.EqualTo("awaiting-stock"));
        Assert.That(order["customFields"]!["gift_wrap"]!.GetValue<string>(), Is.EqualTo("Y"));
    }

    [Test]
    public async Task Property_the_mapping_does_not_know_dead_letters_the_order_naming_the_code()
    {
        var order = Order(3104, "s1", giftWrap: "Y");
        order["propertyValues"]!.AsArray().Add(new JsonObject { ["code"] = "COURIER_NOTE", ["id"] = 31047, ["value"] = "Домофон не работает" });
        _harness.Bitrix.PutOrder(order);

        await _harness.SendBitrixEventAsync(3104);

        await IntegrationHarness.WaitUntilAsync(async () => await _harness.DeadLetters.GetAsync(
            BitrixRetailCrm.Storage.SyncDirection.BitrixToRetailCrm, "3104", CancellationToken.None) is not null, "order 3104 is dead-lettered");
        var letter = (await _harness.DeadLetters.GetAsync(BitrixRetailCrm.Storage.SyncDirection.BitrixToRetailCrm, "3104", CancellationToken.None))!;
        Assert.That(letter.ReasonCode, Is.EqualTo("unmapped-orderProperty"));
        Assert.That(letter.Reason, Does.Contain("COURIER_NOTE"));
        Assert.That(_harness.Crm.FindOrder("3104"), Is.Null);
    }
}
