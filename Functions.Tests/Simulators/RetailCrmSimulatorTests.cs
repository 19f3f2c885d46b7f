using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.RetailCrm;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Simulators.SimulatorHttp;

namespace BitrixRetailCrm.Tests.Simulators;

[Parallelizable(ParallelScope.All)]
public sealed class RetailCrmSimulatorTests
{
    private static Task<RetailCrmSimulator> StartAsync(RetailCrmSimulatorOptions? options = null) =>
        RetailCrmSimulator.StartAsync(options ?? new RetailCrmSimulatorOptions { RequestsPerSecondPerKey = 0 });

    private static string OrderJson(string externalId, string extra = "") =>
        $$$"""{"externalId":"{{{externalId}}}","firstName":"Мария","lastName":"Иванова","status":"new",{{{extra}}}"items":[{"productName":"Чайник электрический","initialPrice":2490,"quantity":1,"externalIds":[{"code":"bitrix","value":"0_348"}]}],"payments":[{"type":"cash","status":"not-paid","amount":2490}],"delivery":{"code":"courier","cost":300}}""";

    private static async Task<HttpStatusCode[]> StatusesAsync(HttpClient client, int count) =>
        (await Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.GetAsync("reference/sites").ReadAsync()))).Select(a => a.Status).ToArray();

    private static Task<(HttpStatusCode Status, JsonObject Body)> CreateOrderAsync(HttpClient client, string orderJson) =>
        client.PostAsync("orders/create", Form(("order", orderJson), ("site", "shop"))).ReadAsync();

    [Test]
    public async Task Request_without_an_api_key_is_refused_with_apiKey_is_missing()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        client.DefaultRequestHeaders.Remove("X-API-KEY");

        (HttpStatusCode status, JsonObject body) = await client.GetAsync("reference/statuses").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("\"apiKey\" is missing."));
        Assert.That((bool?)body["success"], Is.False);
    }

    [Test]
    public async Task Request_with_a_wrong_api_key_is_refused_with_wrong_apiKey_value()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.GetAsync("reference/statuses?apiKey=x").ReadAsync();
        client.DefaultRequestHeaders.Remove("X-API-KEY");
        (HttpStatusCode queryStatus, _) = await client.GetAsync("reference/statuses?apiKey=nope").ReadAsync();
        (HttpStatusCode goodQueryStatus, _) = await client.GetAsync($"reference/statuses?apiKey={simulator.Options.ApiKey}").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "the header wins over the query parameter");
        Assert.That(queryStatus, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(goodQueryStatus, Is.EqualTo(HttpStatusCode.OK));
        (_, JsonObject wrong) = await client.GetAsync("reference/statuses?apiKey=nope").ReadAsync();
        Assert.That((string?)wrong["errorMsg"], Is.EqualTo("Wrong \"apiKey\" value."));
    }

    [Test]
    public async Task Unknown_method_answers_api_method_not_found()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.GetAsync("orders/7/nonsense").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("API method not found"));
    }

    [Test]
    public async Task Json_request_body_is_not_read_so_the_order_parameter_is_missing()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.PostAsJsonAsync("orders/create", new { order = new { externalId = "1" } }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Parameter 'order' is missing"));
        Assert.That(simulator.Orders, Is.Empty);
    }

    [Test]
    public async Task Order_field_that_is_not_json_answers_errors_in_the_input_parameters()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await CreateOrderAsync(client, "{externalId: 1");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Errors in the input parameters"));
    }

    [Test]
    public async Task Multipart_form_is_accepted_like_url_encoded()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        using MultipartFormDataContent multipart = new() { { new StringContent(OrderJson("mp-1")), "order" } };

        (HttpStatusCode status, _) = await client.PostAsync("orders/create", multipart).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(simulator.FindOrder("mp-1"), Is.Not.Null);
    }

    [Test]
    public async Task Create_get_and_edit_round_trip_keeps_cyrillic_text_and_line_ids()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode created, JsonObject createBody) = await CreateOrderAsync(client, OrderJson("1001"));
        (HttpStatusCode got, JsonObject getBody) = await client.GetAsync("orders/1001?by=externalId&site=shop").ReadAsync();
        string edit = """{"customerComment":"Позвоните заранее","status":"client-confirmed","items":[{"externalIds":[{"code":"bitrix","value":"0_348"}],"quantity":2},{"productName":"Кружка «Утро»","initialPrice":450,"quantity":1}]}""";
        (HttpStatusCode edited, JsonObject editBody) = await client.PostAsync("orders/1001/edit", Form(("order", edit), ("by", "externalId"), ("site", "shop"))).ReadAsync();

        Assert.That(created, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(createBody["order"]!["payments"], Is.InstanceOf<JsonArray>(), "create answers payments as an array");
        int orderId = (int)createBody["id"]!;
        Assert.That(got, Is.EqualTo(HttpStatusCode.OK));
        JsonObject order = getBody["order"]!.AsObject();
        Assert.That((int)order["id"]!, Is.EqualTo(orderId));
        Assert.That((string?)order["firstName"], Is.EqualTo("Мария"));
        Assert.That((string?)order["site"], Is.EqualTo("shop"));
        Assert.That(order["payments"], Is.InstanceOf<JsonObject>(), "get answers payments keyed by id");
        Assert.That(edited, Is.EqualTo(HttpStatusCode.OK));
        JsonArray items = editBody["order"]!["items"]!.AsArray();
        Assert.That(items, Has.Count.EqualTo(2));
        Assert.That((int)items[0]!["id"]!, Is.EqualTo((int)order["items"]![0]!["id"]!), "the line matched by externalIds keeps its id");
        Assert.That((decimal)items[0]!["quantity"]!, Is.EqualTo(2));
        Assert.That((string?)items[0]!["productName"], Is.EqualTo("Чайник электрический"), "unsent line fields are kept");
        Assert.That((string?)items[1]!["productName"], Is.EqualTo("Кружка «Утро»"));
        JsonObject stored = simulator.FindOrder("1001")!;
        Assert.That((string?)stored["customerComment"], Is.EqualTo("Позвоните заранее"));
        Assert.That((string?)stored["status"], Is.EqualTo("client-confirmed"));
        Assert.That((string?)stored["firstName"], Is.EqualTo("Мария"), "fields not sent in the edit stay");
        Assert.That(simulator.OrderWriteCount("1001"), Is.EqualTo(2));
    }

    [Test]
    public async Task Create_of_an_existing_externalId_answers_order_already_exists()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        await CreateOrderAsync(client, OrderJson("1001"));

        (HttpStatusCode status, JsonObject body) = await CreateOrderAsync(client, OrderJson("1001"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Order already exists."));
        Assert.That(simulator.Orders, Has.Count.EqualTo(1));
        Assert.That(simulator.OrderWriteCount("1001"), Is.EqualTo(1));
    }

    [Test]
    public async Task Twenty_concurrent_creates_of_one_externalId_store_exactly_one_order()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode Status, JsonObject Body)[] answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateOrderAsync(client, OrderJson("race"))));

        Assert.That(answers.Count(a => a.Status == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(answers.Count(a => (string?)a.Body["errorMsg"] == "Order already exists."), Is.EqualTo(19));
        Assert.That(simulator.Orders, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Order_for_an_unknown_customer_externalId_is_not_loaded()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await CreateOrderAsync(client, OrderJson("1001", "\"customer\":{\"externalId\":\"2106\"},"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Order is not loaded"));
        Assert.That((string?)body["errors"]!["customer.externalId"], Is.EqualTo("Customer with externalId=2106 not found."));
    }

    [Test]
    public async Task Order_is_linked_to_a_customer_created_first()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode customerStatus, JsonObject customerBody) = await client.PostAsync("customers/create",
            Form(("customer", """{"externalId":"57","firstName":"Мария","email":"m.ivanova@example.ru"}"""), ("site", "shop"))).ReadAsync();
        (HttpStatusCode orderStatus, _) = await CreateOrderAsync(client, OrderJson("1001", "\"customer\":{\"externalId\":\"57\"},"));
        (HttpStatusCode duplicate, JsonObject duplicateBody) = await client.PostAsync("customers/create",
            Form(("customer", """{"externalId":"57"}"""))).ReadAsync();

        Assert.That(customerStatus, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(orderStatus, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((int)simulator.FindOrder("1001")!["customer"]!["id"]!, Is.EqualTo((int)customerBody["id"]!));
        Assert.That((string?)simulator.FindCustomer("57")!["firstName"], Is.EqualTo("Мария"));
        Assert.That(duplicate, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)duplicateBody["errorMsg"], Is.EqualTo("Customer already exists."));
    }

    [TestCase("no-such-status")]
    [TestCase("old-status")]
    public async Task Order_in_an_unknown_or_inactive_status_is_rejected(string status)
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode code, JsonObject body) = await CreateOrderAsync(client, OrderJson("1001").Replace("\"new\"", $"\"{status}\""));

        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["errors"]!["status"], Is.Not.Null);
        Assert.That(simulator.Orders, Is.Empty);
    }

    [Test]
    public async Task Order_with_unknown_delivery_payment_or_zero_quantity_names_each_path()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        string order = """{"externalId":"9","delivery":{"code":"teleport"},"payments":[{"type":"crypto","status":"maybe"}],"items":[{"quantity":0}]}""";

        (HttpStatusCode status, JsonObject body) = await CreateOrderAsync(client, order);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["errors"]!.AsObject().Select(e => e.Key),
            Is.EquivalentTo(new[] { "delivery.code", "payments[0].type", "payments[0].status", "items[0].quantity" }));
    }

    [Test]
    public async Task Edit_of_a_missing_order_answers_not_found()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("orders/404/edit", Form(("order", """{"status":"complete"}"""))).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Not found"));
    }

    [Test]
    public async Task Unknown_site_is_rejected_naming_the_site()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("orders/create", Form(("order", OrderJson("1")), ("site", "moysklad"))).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["errorMsg"], Does.Contain("moysklad"));
    }

    [Test]
    public async Task Upload_with_an_existing_externalId_answers_460_listing_uploaded_and_failed_orders()
    {
        await using RetailCrmSimulator simulator = await StartAsync(new RetailCrmSimulatorOptions
        {
            RequestsPerSecondPerKey = 0,
            UploadErrorShape = RetailCrmUploadErrorShape.Array,
        });
        using HttpClient client = ClientFor(simulator);
        await CreateOrderAsync(client, OrderJson("2"));
        string batch = $"[{OrderJson("1")},{OrderJson("2")},{OrderJson("3")}]";

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("orders/upload", Form(("orders", batch), ("site", "shop"))).ReadAsync();

        Assert.That((int)status, Is.EqualTo(460));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Orders are loaded with errors"));
        Assert.That(body["uploadedOrders"]!.AsArray().Select(o => (string?)o!["externalId"]), Is.EqualTo(new[] { "1", "3" }));
        Assert.That(body["failedOrders"]!.AsArray().Select(o => (string?)o!["externalId"]), Is.EqualTo(new[] { "2" }));
        Assert.That(body["errors"]!.AsArray().Select(e => (string?)e), Is.EqualTo(new[] { "Order with externalId=2 already exists." }));
        Assert.That(simulator.Orders, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Upload_of_new_orders_answers_200_with_created_orders()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("orders/upload", Form(("orders", $"[{OrderJson("1")},{OrderJson("2")}]"))).ReadAsync();
        (HttpStatusCode tooMany, _) = await client.PostAsync("orders/upload",
            Form(("orders", $"[{string.Join(",", Enumerable.Range(100, 51).Select(i => OrderJson(i.ToString())))}]"))).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["uploadedOrders"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(body["orders"]![0]!["payments"], Is.InstanceOf<JsonArray>());
        Assert.That(tooMany, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(simulator.Orders, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Customers_upload_reports_existing_customers_as_failed_with_460()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        await client.PostAsync("customers/create", Form(("customer", """{"externalId":"57"}"""))).ReadAsync();

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("customers/upload",
            Form(("customers", """[{"externalId":"57"},{"externalId":"64","firstName":"Алексей"}]"""))).ReadAsync();

        Assert.That((int)status, Is.EqualTo(460));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Customers are loaded with errors"));
        Assert.That((string?)body["failedCustomers"]![0]!["externalId"], Is.EqualTo("57"));
        Assert.That((string?)simulator.FindCustomer("64")!["firstName"], Is.EqualTo("Алексей"));
    }

    [Test]
    public async Task History_marks_changes_by_the_requesting_key_as_current_and_others_not()
    {
        RetailCrmSimulatorOptions options = new() { RequestsPerSecondPerKey = 0 };
        options.AdditionalApiKeys.Add("other-integration");
        await using RetailCrmSimulator simulator = await StartAsync(options);
        using HttpClient client = ClientFor(simulator);
        await CreateOrderAsync(client, OrderJson("1001"));
        using HttpClient other = ClientFor(simulator, "other-integration");
        await other.PostAsync("orders/1001/edit", Form(("order", """{"status":"assembling"}"""))).ReadAsync();
        simulator.ChangeOrderStatus("1001", "delivery");

        (HttpStatusCode status, JsonObject body) = await client.GetAsync("orders/history?filter[sinceId]=0&limit=100").ReadAsync();
        (_, JsonObject newer) = await client.GetAsync("orders/history?filter[sinceId]=2").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        JsonArray history = body["history"]!.AsArray();
        Assert.That(history, Has.Count.EqualTo(3));
        Assert.That((bool?)history[0]!["created"], Is.True);
        Assert.That((bool?)history[0]!["apiKey"]!["current"], Is.True);
        Assert.That((string?)history[1]!["source"], Is.EqualTo("api"));
        Assert.That((bool?)history[1]!["apiKey"]!["current"], Is.False);
        Assert.That((string?)history[1]!["oldValue"]!["code"], Is.EqualTo("new"));
        Assert.That((string?)history[1]!["newValue"]!["code"], Is.EqualTo("assembling"));
        Assert.That((string?)history[2]!["source"], Is.EqualTo("user"));
        Assert.That(history[2]!["user"]!["id"], Is.Not.Null);
        Assert.That((string?)history[2]!["order"]!["externalId"], Is.EqualTo("1001"));
        Assert.That((string?)history[2]!["order"]!["status"], Is.EqualTo("delivery"));
        Assert.That((int?)body["pagination"]!["totalCount"], Is.EqualTo(3));
        Assert.That(newer["history"]!.AsArray().Select(e => (int)e!["id"]!), Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public async Task History_with_an_invalid_limit_or_start_date_is_rejected()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode badLimit, _) = await client.GetAsync("orders/history?limit=1000").ReadAsync();
        (HttpStatusCode badDate, JsonObject body) = await client.GetAsync("orders/history?filter[startDate]=yesterday").ReadAsync();

        Assert.That(badLimit, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(badDate, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)body["errorMsg"], Is.EqualTo("Errors in the input parameters"));
    }

    [Test]
    public async Task Orders_statuses_report_status_and_group_by_externalIds()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        await CreateOrderAsync(client, OrderJson("1001"));

        (_, JsonObject body) = await client.GetAsync("orders/statuses?externalIds[]=1001&externalIds[]=404").ReadAsync();

        JsonArray orders = body["orders"]!.AsArray();
        Assert.That(orders, Has.Count.EqualTo(1));
        Assert.That((string?)orders[0]!["status"], Is.EqualTo("new"));
        Assert.That((string?)orders[0]!["group"], Is.EqualTo("new"));
    }

    [Test]
    public async Task Reference_dictionaries_are_keyed_by_code_and_stores_is_an_array()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (_, JsonObject statuses) = await client.GetAsync("reference/statuses").ReadAsync();
        (_, JsonObject deliveries) = await client.GetAsync("reference/delivery-types").ReadAsync();
        (_, JsonObject stores) = await client.GetAsync("reference/stores").ReadAsync();

        Assert.That((bool?)statuses["statuses"]!["old-status"]!["active"], Is.False);
        Assert.That((string?)statuses["statuses"]!["complete"]!["group"], Is.EqualTo("complete"));
        Assert.That(deliveries["deliveryTypes"]!.AsObject().Select(d => d.Key), Is.EquivalentTo(new[] { "self-delivery", "courier", "russian-post" }));
        Assert.That((string?)stores["stores"]!.AsArray()[0]!["code"], Is.EqualTo("main"));
    }

    [Test]
    public async Task Eleven_requests_within_a_second_on_a_ten_per_second_key_give_exactly_one_violation()
    {
        await using RetailCrmSimulator simulator = await StartAsync(new RetailCrmSimulatorOptions { RequestsPerSecondPerKey = 10 });
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode Status, JsonObject Body)[] answers = await Task.WhenAll(Enumerable.Range(0, 11).Select(_ => client.GetAsync("reference/sites").ReadAsync()));

        Assert.That(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => (string?)a.Body["errorMsg"]),
            Is.EqualTo(new[] { "Rate limit exceeded" }));
        Assert.That(simulator.RateLimitViolations, Is.EqualTo(1));
        Assert.That(simulator.RateLimitedResponses, Is.EqualTo(1));
    }

    [Test]
    public async Task Refused_requests_keep_the_window_full()
    {
        await using RetailCrmSimulator simulator = await StartAsync(new RetailCrmSimulatorOptions { RequestsPerSecondPerKey = 2 });
        using HttpClient client = ClientFor(simulator);
        var clock = Stopwatch.StartNew();

        HttpStatusCode[] first = await StatusesAsync(client, 2);
        await clock.UntilAsync(TimeSpan.FromMilliseconds(500));
        HttpStatusCode[] refused = await StatusesAsync(client, 2);
        // The first two have left the window by now; the two refused ones, which arrived about 0.5 s ago, have not.
        await clock.UntilAsync(TimeSpan.FromMilliseconds(1150));
        HttpStatusCode[] later = await StatusesAsync(client, 1);

        Assert.That(first, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(refused, Is.All.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(later, Is.All.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(simulator.RateLimitViolations, Is.EqualTo(3));
    }

    [Test]
    public async Task Requests_of_any_path_count_toward_the_limit_of_their_key()
    {
        await using RetailCrmSimulator simulator = await StartAsync(new RetailCrmSimulatorOptions { RequestsPerSecondPerKey = 3 });
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode notFound, _) = await client.GetAsync("orders/404").ReadAsync();
        (HttpStatusCode unknownMethod, _) = await client.GetAsync("no-such-method").ReadAsync();
        (HttpStatusCode invalid, _) = await client.GetAsync("orders/history?limit=7").ReadAsync();
        (HttpStatusCode fourth, JsonObject body) = await client.GetAsync("reference/sites").ReadAsync();

        Assert.That((notFound, unknownMethod, invalid), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest)));
        Assert.That(fourth, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(body.ToJsonString(), Is.EqualTo("""{"success":false,"errorMsg":"Rate limit exceeded"}"""));
    }

    [Test]
    public async Task Over_limit_request_is_refused_at_arrival_without_waiting_for_the_latency()
    {
        RetailCrmSimulatorOptions options = new() { RequestsPerSecondPerKey = 1 };
        options.SetLatency(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        await using RetailCrmSimulator simulator = await StartAsync(options);
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode first, HttpStatusCode second, TimeSpan secondTook) = await client.OverlappingPairAsync("reference/sites");

        Assert.That((first, second), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable)), "the first arrived first and was counted first");
        Assert.That(secondTook, Is.LessThan(TimeSpan.FromSeconds(1)), "a refusal is not processed, so it does not wait");
    }

    [Test]
    public async Task FailNext_fails_that_many_requests_with_the_error_body_then_recovers()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        simulator.Faults.FailNext(2, 502);

        (HttpStatusCode first, JsonObject body) = await client.GetAsync("reference/sites").ReadAsync();
        (HttpStatusCode second, _) = await client.GetAsync("reference/sites").ReadAsync();
        (HttpStatusCode third, _) = await client.GetAsync("reference/sites").ReadAsync();

        Assert.That(first, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That((bool?)body["success"], Is.False);
        Assert.That(second, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(third, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(simulator.Requests.Select(r => r.StatusCode), Is.EqualTo(new[] { 502, 502, 200 }));
    }

    [Test]
    public async Task FailFor_fails_every_request_until_cleared()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        simulator.Faults.FailFor(TimeSpan.FromMinutes(1));

        (HttpStatusCode during, _) = await client.GetAsync("reference/sites").ReadAsync();
        simulator.Faults.Clear();
        (HttpStatusCode after, _) = await client.GetAsync("reference/sites").ReadAsync();

        Assert.That(during, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(after, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Stopped_listener_refuses_connections_and_resumes_on_the_same_port_with_its_orders()
    {
        await using RetailCrmSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        await CreateOrderAsync(client, OrderJson("1001"));
        Uri before = simulator.BaseUrl;

        await simulator.Faults.StopListeningAsync();
        using HttpClient fresh = ClientFor(simulator);
        HttpRequestException? refused = await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("orders/1001"));
        await simulator.Faults.ResumeListeningAsync();
        (HttpStatusCode status, _) = await fresh.GetAsync("orders/1001").ReadAsync();

        Assert.That(refused!.HttpRequestError, Is.EqualTo(HttpRequestError.ConnectionError));
        Assert.That(simulator.BaseUrl, Is.EqualTo(before));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
    }
}
