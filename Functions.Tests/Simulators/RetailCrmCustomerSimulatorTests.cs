using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.RetailCrm;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Simulators.SimulatorHttp;

namespace BitrixRetailCrm.Tests.Simulators;

/// <summary>Customers as real traffic meets them: the list with its filters, seeded customers, write counts, 460 answers in both shapes.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RetailCrmCustomerSimulatorTests
{
    private static async Task<RetailCrmSimulator> StartAsync(RetailCrmUploadErrorShape shape = RetailCrmUploadErrorShape.Alternate)
    {
        RetailCrmSimulatorOptions options = new() { RequestsPerSecondPerKey = 0, UploadErrorShape = shape };
        options.Sites.Add("shop2");
        return await RetailCrmSimulator.StartAsync(options);
    }

    private static JsonObject Customer(string externalId, string firstName) => new()
    {
        ["externalId"] = externalId,
        ["firstName"] = firstName,
        ["lastName"] = "Иванова",
        ["patronymic"] = "Сергеевна",
        ["email"] = $"buyer{externalId}@example.ru",
        ["phones"] = new JsonArray(new JsonObject { ["number"] = "+7 (912) 345-67-89" }),
        ["address"] = new JsonObject { ["index"] = "125009", ["text"] = "125009, г. Москва, ул. Тверская, д. 7, кв. 12" },
    };

    private static Task<(HttpStatusCode Status, JsonObject Body)> UploadAsync(HttpClient client, params string[] externalIds) =>
        client.PostAsync("customers/upload", Form(
            ("customers", new JsonArray([.. externalIds.Select(id => Customer(id, "Мария"))]).ToJsonString()), ("site", "shop"))).ReadAsync();

    private static IEnumerable<string?> ExternalIds(JsonNode? list, string field = "externalId") =>
        list!.AsArray().Select(c => (string?)c![field]);

    [Test]
    public async Task List_finds_exactly_the_requested_externalIds_on_the_requested_site()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        foreach (string id in new[] { "57", "64", "71" })
            simulator.PutCustomer(Customer(id, "Мария"), "shop");
        simulator.PutCustomer(Customer("57", "Ольга"), "shop2");

        (HttpStatusCode status, JsonObject body) = await client.GetAsync(
            "customers?filter[externalIds][]=57&filter[externalIds][]=64&filter[externalIds][]=404&filter[sites][]=shop").ReadAsync();
        (_, JsonObject bySite) = await client.GetAsync("customers?site=shop2&filter[externalIds][]=57").ReadAsync();
        (_, JsonObject indexed) = await client.GetAsync("customers?filter[externalIds][0]=71&filter[externalIds][1]=57").ReadAsync();
        string firstId = body["customers"]![0]!["id"]!.ToJsonString();
        (_, JsonObject byId) = await client.GetAsync($"customers?filter[ids][]={firstId}").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["customers"]!.AsArray().Select(c => ((string?)c!["externalId"], (string?)c["site"])),
            Is.EqualTo(new[] { ("57", "shop"), ("64", "shop") }));
        Assert.That(body["pagination"]!.ToJsonString(), Is.EqualTo("""{"limit":20,"totalCount":2,"currentPage":1,"totalPageCount":1}"""));
        JsonObject first = body["customers"]![0]!.AsObject();
        Assert.That((string?)first["patronymic"], Is.EqualTo("Сергеевна"));
        Assert.That((string?)first["phones"]![0]!["number"], Is.EqualTo("+7 (912) 345-67-89"));
        Assert.That((string?)first["address"]!["index"], Is.EqualTo("125009"));
        Assert.That(first["createdAt"], Is.Not.Null);
        Assert.That(bySite["customers"]!.AsArray().Select(c => (string?)c!["firstName"]), Is.EqualTo(new[] { "Ольга" }));
        Assert.That(ExternalIds(indexed["customers"]), Is.EqualTo(new[] { "57", "71", "57" }), "both sites, oldest first");
        Assert.That(ExternalIds(byId["customers"]), Is.EqualTo(new[] { "57" }));
    }

    [Test]
    public async Task List_pages_by_20_50_or_100_and_refuses_other_limits_and_unknown_sites()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        foreach (int id in Enumerable.Range(1, 25))
            simulator.PutCustomer(Customer(id.ToString(), "Мария"), "shop");

        (_, JsonObject second) = await client.GetAsync("customers?limit=20&page=2").ReadAsync();
        (HttpStatusCode badLimit, JsonObject refusal) = await client.GetAsync("customers?limit=10").ReadAsync();
        (HttpStatusCode badSite, _) = await client.GetAsync("customers?site=moysklad").ReadAsync();

        Assert.That(ExternalIds(second["customers"]), Is.EqualTo(new[] { "21", "22", "23", "24", "25" }));
        Assert.That((int?)second["pagination"]!["totalPageCount"], Is.EqualTo(2));
        Assert.That(badLimit, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)refusal["errorMsg"], Is.EqualTo("Errors in the input parameters"));
        Assert.That(badSite, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Seeded_customers_are_not_writes_and_creates_and_edits_are_counted_per_externalId()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        simulator.PutCustomer(Customer("57", "Мария"), "shop");

        RetailCrmCustomerWrites seeded = simulator.CustomerWrites("57");
        await client.PostAsync("customers/57/edit", Form(("customer", """{"firstName":"Маша"}"""), ("site", "shop"))).ReadAsync();
        await UploadAsync(client, "57", "64");
        await client.PostAsync("customers/create", Form(("customer", """{"externalId":"71"}"""), ("site", "shop"))).ReadAsync();

        Assert.That(seeded, Is.EqualTo(new RetailCrmCustomerWrites(0, 0)));
        Assert.That(simulator.CustomerWrites("57"), Is.EqualTo(new RetailCrmCustomerWrites(Creates: 0, Edits: 1)), "the refused upload wrote nothing");
        Assert.That(simulator.CustomerWrites("64"), Is.EqualTo(new RetailCrmCustomerWrites(Creates: 1, Edits: 0)));
        Assert.That(simulator.CustomerWrites("71").Total, Is.EqualTo(1));
        Assert.That((string?)simulator.FindCustomer("57")!["firstName"], Is.EqualTo("Маша"));
    }

    [Test]
    public async Task Partial_upload_answers_come_as_an_error_object_then_as_an_error_array()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        simulator.PutCustomer(Customer("57", "Мария"), "shop");
        simulator.PutCustomer(Customer("64", "Алексей"), "shop");

        (HttpStatusCode firstStatus, JsonObject first) = await UploadAsync(client, "57", "64", "99");
        (HttpStatusCode secondStatus, JsonObject second) = await UploadAsync(client, "57", "100");

        Assert.That(((int)firstStatus, (int)secondStatus), Is.EqualTo((460, 460)));
        Assert.That(ExternalIds(first["failedCustomers"]), Is.EqualTo(new[] { "57", "64" }));
        Assert.That(first["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "externalId" }),
            "two failures on one field leave one message, naming one of them");
        Assert.That(first["uploadedCustomers"]!.ToJsonString(), Does.Not.Contain("externalId"), "uploaded entries carry only their id");
        Assert.That(first["uploadedCustomers"]!.AsArray().Single()!["id"], Is.Not.Null);
        Assert.That(second["errors"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "Customer with externalId=57 already exists." }));
        Assert.That(ExternalIds(second["uploadedCustomers"]), Is.EqualTo(new[] { "100" }));
        Assert.That(ExternalIds(second["failedCustomers"]), Is.EqualTo(new[] { "57" }));
    }

    [Test]
    public async Task Orders_upload_errors_as_an_object_collapse_failures_on_one_field_onto_one_key()
    {
        await using RetailCrmSimulator simulator = await StartAsync(RetailCrmUploadErrorShape.Object);
        using HttpClient client = ClientFor(simulator);
        string Order(string externalId, string status) =>
            $$"""{"externalId":"{{externalId}}","status":"{{status}}","items":[{"productName":"Чайник","initialPrice":2490,"quantity":1}]}""";

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("orders/upload",
            Form(("orders", $"[{Order("1", "new")},{Order("2", "no-such")},{Order("3", "gone")}]"), ("site", "shop"))).ReadAsync();

        Assert.That((int)status, Is.EqualTo(460));
        Assert.That(body["errors"]!.AsObject().Select(e => (e.Key, (string?)e.Value)),
            Is.EqualTo(new[] { ("status", "Status \"gone\" does not exist.") }), "the later failure overwrites the earlier one");
        Assert.That(ExternalIds(body["failedOrders"]), Is.EqualTo(new[] { "2", "3" }));
        Assert.That(ExternalIds(body["uploadedOrders"]), Is.EqualTo(new[] { "1" }), "only customers/upload is known to drop the externalId");
    }
}
