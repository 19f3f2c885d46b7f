using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Simulators.SimulatorHttp;

namespace BitrixRetailCrm.Tests.Simulators;

[Parallelizable(ParallelScope.All)]
public sealed class BuyerPoolTests
{
    private static Task<BitrixSimulator> StartBitrixAsync() =>
        BitrixSimulator.StartAsync(new BitrixSimulatorOptions { DrainPerSecond = 0, SeedDemoOrders = false });

    private static async Task<JsonObject> OrderOverHttpAsync(BitrixSimulator bitrix, int id)
    {
        using HttpClient client = new() { BaseAddress = bitrix.WebhookUrl };
        (_, JsonObject body) = await client.PostAsJsonAsync("sale.order.get", new { id }).ReadAsync();
        return body;
    }

    /// <summary>The customer the integration sends for that order, as it reads and maps it.</summary>
    private static async Task<JsonObject> CustomerTheIntegrationSendsAsync(BitrixSimulator bitrix, int id)
    {
        JsonObject body = await OrderOverHttpAsync(bitrix, id);
        using JsonDocument document = JsonDocument.Parse(body.ToJsonString());
        MappedOrder mapped = OrderMapper.Map(BitrixOrderParser.ParseResponse(document.RootElement), new MappingSet(DefaultMappings.Load()),
            new OrderMappingOptions());
        return JsonNode.Parse(CrmJson.Serialize(mapped.Customer))!.AsObject();
    }

    /// <summary>Fields of <paramref name="sent"/> whose value RetailCRM does not already hold (nested objects compared on the sent keys).</summary>
    private static string[] FieldsThatDiffer(JsonObject sent, JsonObject stored) =>
        [.. sent.Where(field => !JsonNode.DeepEquals(field.Value, field.Value is JsonObject nested && stored[field.Key] is JsonObject held
                ? new JsonObject(nested.Select(p => KeyValuePair.Create(p.Key, held[p.Key]?.DeepClone())))
                : stored[field.Key]))
            .Select(field => field.Key)];

    [Test]
    public void Pool_deals_every_order_to_one_of_distinct_buyers_and_a_quarter_of_them_return()
    {
        int[] orderIds = [.. Enumerable.Range(10001, 400)];

        BuyerPool pool = new(seed: 7, orderIds);
        BuyerPool again = new(seed: 7, orderIds);

        IReadOnlyList<SampleBuyer> buyers = pool.Buyers;
        Assert.That(buyers, Is.EqualTo(again.Buyers));
        Assert.That(orderIds.Select(pool.BuyerOf), Is.EqualTo(orderIds.Select(again.BuyerOf)));
        Assert.That(orderIds.All(id => pool.OrdersOf(pool.BuyerOf(id)).Contains(id)));
        Assert.That(buyers.Sum(b => pool.OrdersOf(b).Count), Is.EqualTo(orderIds.Length), "each order has exactly one buyer");
        Assert.That(buyers.Select(b => b.UserId).Distinct().Count(), Is.EqualTo(buyers.Count));
        Assert.That(buyers.Select(b => b.Email).Distinct().Count(), Is.EqualTo(buyers.Count));
        Assert.That(buyers.Select(b => b.Phone).Distinct().Count(), Is.EqualTo(buyers.Count));
        Assert.That(buyers.Select(b => b.Fio).Distinct().Count(), Is.GreaterThan(buyers.Count * 9 / 10));
        Assert.That(buyers.Count(b => pool.OrdersOf(b).Count > 1) / (double)buyers.Count, Is.InRange(0.24, 0.26));
        Assert.That(buyers, Has.All.Matches<SampleBuyer>(b => b!.Fio.Split(' ').Length == 3 && b.Zip.Length == 6 && b.Address.StartsWith("г. ")));
        Assert.That(new BuyerPool(seed: 8, orderIds).Buyers[0], Is.Not.EqualTo(buyers[0]), "another seed, other buyers");
    }

    [Test]
    public async Task Orders_of_a_returning_buyer_carry_the_same_user_and_contact_data()
    {
        BuyerPool pool = new(seed: 3, [.. Enumerable.Range(5001, 40)]);
        SampleBuyer returning = pool.Buyers.First(b => pool.OrdersOf(b).Count > 1);
        await using BitrixSimulator bitrix = await StartBitrixAsync();
        foreach (int id in pool.OrdersOf(returning))
            bitrix.PutOrder(SampleOrders.Create(id, new SampleOrderOptions(Buyer: returning)));

        JsonObject[] orders = await Task.WhenAll(pool.OrdersOf(returning).Select(id => OrderOverHttpAsync(bitrix, id)));

        foreach (JsonObject body in orders)
        {
            JsonNode order = body["result"]!["order"]!;
            Assert.That((int?)order["userId"], Is.EqualTo(returning.UserId));
            Assert.That(order["propertyValues"]!.AsArray().Select(p => ((string?)p!["code"], (string?)p["value"])), Is.EqualTo(new[]
            {
                ("FIO", returning.Fio), ("EMAIL", returning.Email), ("PHONE", returning.Phone), ("ZIP", returning.Zip), ("ADDRESS", returning.Address),
            }));
        }
        Assert.That(SampleOrders.Create(5001).ToJsonString(), Is.EqualTo(SampleOrders.Create(5001, new SampleOrderOptions()).ToJsonString()));
        Assert.That((int?)SampleOrders.Create(5001)["userId"], Is.Not.EqualTo(returning.UserId), "without a buyer the fixed three remain");
    }

    [Test]
    public async Task Seeded_customer_is_what_the_integration_sends_and_a_changed_buyer_differs_in_that_field_only()
    {
        BuyerPool pool = new(seed: 11, [3001, 3002, 3003]);
        SampleBuyer buyer = pool.BuyerOf(3001);
        await using BitrixSimulator bitrix = await StartBitrixAsync();
        await using RetailCrmSimulator crm = await RetailCrmSimulator.StartAsync(new RetailCrmSimulatorOptions { RequestsPerSecondPerKey = 0 });
        using HttpClient client = ClientFor(crm);
        crm.PutCustomer(buyer.ToRetailCrmCustomer(), "shop");
        (_, JsonObject listed) = await client.GetAsync($"customers?filter[externalIds][]={buyer.UserId}").ReadAsync();
        JsonObject stored = listed["customers"]![0]!.AsObject();

        Dictionary<string, string[]> differing = [];
        foreach ((string version, SampleBuyer asOrdered) in new[]
                 { ("unchanged", buyer), ("new phone", pool.WithNewPhone(buyer)), ("new address", pool.WithNewAddress(buyer)) })
        {
            bitrix.PutOrder(SampleOrders.Create(3001, new SampleOrderOptions(Buyer: asOrdered)));
            differing[version] = FieldsThatDiffer(await CustomerTheIntegrationSendsAsync(bitrix, 3001), stored);
        }

        Assert.That(differing["unchanged"], Is.Empty);
        Assert.That(differing["new phone"], Is.EqualTo(new[] { "phones" }));
        Assert.That(differing["new address"], Is.EqualTo(new[] { "address" }));
        Assert.That(pool.WithNewPhone(buyer), Is.EqualTo(pool.WithNewPhone(buyer)), "a change is deterministic");
    }
}
