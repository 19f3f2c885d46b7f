using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// Buyers as a shop has them: returning buyers with several orders at once, most of them in RetailCRM already, some
/// whose details changed. Customers cost requests per batch, not per buyer, and none is written twice.
/// </summary>
public class ReturningBuyerFlowTests
{
    private IntegrationHarness _harness = null!;

    [TearDown]
    public async Task StopAsync()
    {
        if (_harness is not null) await _harness.DisposeAsync();
    }

    private async Task StartAsync(IDictionary<string, string?>? settings = null)
    {
        var crm = new RetailCrmSimulatorOptions();
        crm.SetLatency(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));
        _harness = await IntegrationHarness.StartAsync(settings, crmOptions: crm);
    }

    /// <summary>An order of buyer <paramref name="userId"/>: the buyer's own name, e-mail and address, and the phone they gave on it.</summary>
    private static JsonObject Order(int id, int userId, string phone)
    {
        var order = SampleOrders.Create(id);
        var buyer = SampleOrders.Create(userId)["propertyValues"]!.AsArray();
        order["userId"] = userId;
        foreach (var property in order["propertyValues"]!.AsArray())
        {
            var code = (string?)property!["code"];
            property["value"] = code == "PHONE" ? phone : buyer.First(p => (string?)p!["code"] == code)!["value"]!.DeepClone();
        }
        return order;
    }

    private static string Phone(int buyer) => $"+7 (912) {buyer % 1000:000}-{buyer % 100:00}-{buyer % 97:00}";

    private async Task PushAsync(IReadOnlyCollection<JsonObject> orders)
    {
        foreach (var order in orders) _harness.Bitrix.PutOrder(order);
        foreach (var order in orders)
            Assert.That((await _harness.SendBitrixEventAsync((int)order["id"]!)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await IntegrationHarness.WaitUntilAsync(() => orders.All(o => _harness.Crm.FindOrder(o["id"]!.ToString()) is not null),
            "every order is in RetailCRM", TimeSpan.FromSeconds(60));
        await IntegrationHarness.WaitUntilAsync(async () => await _harness.QueuedMessageCountAsync() == 0, "the queue is drained");
        await Task.Delay(1000);
    }

    /// <summary>
    /// What RetailCRM holds of a buyer entered from <paramref name="order"/>: the name split from the Bitrix "FIO"
    /// property (last, first, patronymic), e-mail, phone and the address as "ZIP, ADDRESS" text, plus what RetailCRM
    /// adds of its own.
    /// </summary>
    private static JsonObject CustomerOf(JsonObject order, int userId)
    {
        string Property(string code) => (string)order["propertyValues"]!.AsArray().First(p => (string?)p!["code"] == code)!["value"]!;
        var fio = Property("FIO").Split(' ');
        return new JsonObject
        {
            ["externalId"] = userId.ToString(),
            ["lastName"] = fio[0],
            ["firstName"] = fio[1],
            ["patronymic"] = fio[2],
            ["email"] = Property("EMAIL"),
            ["phones"] = new JsonArray(new JsonObject { ["number"] = Property("PHONE") }),
            ["address"] = new JsonObject { ["text"] = $"{Property("ZIP")}, {Property("ADDRESS")}", ["index"] = Property("ZIP") },
            ["createdAt"] = "2025-11-20 10:00:00",
            ["vip"] = false,
        };
    }

    private int CustomerRequests(Func<string, bool> path) =>
        _harness.Crm.Requests.Count(r => r.Path.Contains("/customers", StringComparison.Ordinal) && path(r.Path));

    [Test]
    public async Task A_buyer_with_two_orders_of_different_details_in_one_batch_is_written_once_with_the_newest()
    {
        await StartAsync(new Dictionary<string, string?> { ["Sync:PushBatchWindow"] = "00:00:01" });
        var older = Order(3101, userId: 900, Phone(1));
        var newer = Order(3102, userId: 900, Phone(2));

        await PushAsync([older, newer]);

        var customer = _harness.Crm.FindCustomer("900")!;
        Assert.That((string?)customer["phones"]![0]!["number"], Is.EqualTo(Phone(2)), "the content of the most recently saved order");
        Assert.That(_harness.Crm.CustomerWrites("900").Total, Is.EqualTo(1));
    }

    [Test]
    public async Task Buyers_already_in_RetailCRM_cost_one_list_request_and_only_changed_ones_are_edited()
    {
        await StartAsync(new Dictionary<string, string?> { ["Sync:PushBatchWindow"] = "00:00:01" });
        // 30 orders of 20 buyers: 10 buyers with two orders, 12 buyers in RetailCRM already, 3 of them with an old phone.
        var orders = Enumerable.Range(0, 30).Select(i => Order(3201 + i, userId: 1000 + i % 20, Phone(1000 + i % 20))).ToList();
        foreach (var buyer in Enumerable.Range(0, 12))
        {
            var known = CustomerOf(orders[buyer], 1000 + buyer);
            if (buyer < 3) known["phones"]![0]!["number"] = "+7 (900) 000-00-00";
            _harness.Crm.PutCustomer(known, "shop");
        }

        await PushAsync(orders);

        var writes = Enumerable.Range(1000, 20).ToDictionary(b => b, b => _harness.Crm.CustomerWrites(b.ToString()));
        Assert.Multiple(() =>
        {
            Assert.That(CustomerRequests(p => p.EndsWith("/customers", StringComparison.Ordinal)), Is.EqualTo(1), "one list request");
            Assert.That(_harness.Crm.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/customers/", StringComparison.Ordinal)), Is.Zero,
                "never a GET per customer");
            Assert.That(CustomerRequests(p => p.EndsWith("customers/upload", StringComparison.Ordinal)), Is.EqualTo(1), "the 8 new ones together");
            Assert.That(writes.Where(w => w.Key < 1003).Select(w => w.Value.Edits), Has.All.EqualTo(1), "changed phone: edited");
            Assert.That(writes.Where(w => w.Key is >= 1003 and < 1012).Select(w => w.Value.Total), Has.All.Zero, "unchanged: not written");
            Assert.That(writes.Where(w => w.Key >= 1012).Select(w => w.Value.Creates), Has.All.EqualTo(1), "new: created once");
            Assert.That(_harness.Crm.FindCustomer("1001")!["phones"]![0]!["number"]!.ToString(), Is.EqualTo(Phone(1001)));
        });
    }

    [Test]
    public async Task A_customer_written_before_is_not_written_again_by_a_new_instance()
    {
        await StartAsync();
        await PushAsync([Order(3301, userId: 777, Phone(7))]);
        var requestsAfterFirst = _harness.Crm.Requests.Count;
        await _harness.RestartRunnerAsync(); // a new process: nothing kept in memory

        await PushAsync([Order(3302, userId: 777, Phone(7))]);

        var customerRequests = _harness.Crm.Requests.Skip(requestsAfterFirst).Count(r => r.Path.Contains("/customers", StringComparison.Ordinal));
        Assert.That(customerRequests, Is.Zero, "the customer state says RetailCRM holds this content already");
        Assert.That(_harness.Crm.CustomerWrites("777").Total, Is.EqualTo(1));
    }
}
