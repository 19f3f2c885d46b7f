using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;
using BitrixRetailCrm.Simulators.Bitrix;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Simulators.SimulatorHttp;

namespace BitrixRetailCrm.Tests.Simulators;

[Parallelizable(ParallelScope.All)]
public sealed class BitrixSimulatorTests
{
    private static Task<BitrixSimulator> StartAsync(BitrixSimulatorOptions? options = null) =>
        BitrixSimulator.StartAsync(options ?? new BitrixSimulatorOptions { DrainPerSecond = 0 });

    private static HttpClient ClientFor(BitrixSimulator simulator) => new() { BaseAddress = simulator.WebhookUrl };

    [Test]
    public async Task Wrong_webhook_secret_answers_401_no_auth_found()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        Uri wrong = new(simulator.WebhookUrl.ToString().Replace(simulator.Options.WebhookSecret, "guess"));

        (HttpStatusCode status, JsonObject body) = await client.PostAsJsonAsync(new Uri(wrong, "sale.order.get.json"), new { id = 1001 }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((string?)body["error"], Is.EqualTo("NO_AUTH_FOUND"));
        Assert.That((string?)body["error_description"], Is.EqualTo("Wrong authorization data"));
    }

    [Test]
    public async Task Order_get_returns_the_seeded_order_with_the_documented_mixed_id_types()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.PostAsJsonAsync("sale.order.get.json", new { id = 1001 }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["time"]!["date_start"], Is.Not.Null);
        JsonObject order = body["result"]!["order"]!.AsObject();
        Assert.That(order["id"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.Number));
        Assert.That(order["basketItems"]![0]!["id"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String));
        Assert.That(order["basketItems"]![0]!["orderId"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String));
        Assert.That(order["basketItems"]![0]!["productId"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.Number));
        Assert.That((string?)order["dateUpdate"], Does.EndWith("+03:00"));
        Assert.That((string?)order["basketItems"]![0]!["measureName"], Is.EqualTo("шт"));
        Assert.That(order["propertyValues"]!.AsArray().Single(p => (string?)p!["code"] == "FIO")!["value"]!.GetValue<string>(),
            Is.EqualTo("Иванова Мария Сергеевна"));
        Assert.That(order["shipments"]![0]!["shipmentItems"]!.AsArray(), Is.Not.Empty);
        Assert.That(simulator.RequestCount("sale.order.get"), Is.EqualTo(1));
    }

    [Test]
    public async Task Order_get_of_a_missing_order_answers_400_with_a_numeric_error_code()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.GetAsync("sale.order.get?id=999").ReadAsync();
        (HttpStatusCode noId, JsonObject noIdBody) = await client.PostAsJsonAsync("sale.order.get", new { }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["error"]!.GetValue<long>(), Is.EqualTo(200540400001));
        Assert.That((string?)body["error_description"], Is.EqualTo("order does not exist"));
        Assert.That(noId, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(noIdBody["error"]!.GetValue<int>(), Is.EqualTo(100));
    }

    [Test]
    public async Task Unknown_method_answers_method_not_found()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.GetAsync("sale.order.delete").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((string?)body["error"], Is.EqualTo("ERROR_METHOD_NOT_FOUND"));
    }

    [Test]
    public async Task Order_list_reads_bracket_keys_from_a_form_body()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        string since = (string)simulator.GetOrder(1002)!["dateUpdate"]!;

        (HttpStatusCode status, JsonObject body) = await client.PostAsync("sale.order.list", Form(
            ("select[]", "id"), ("select[]", "statusId"), ("filter[>=dateUpdate]", since), ("order[id]", "desc"))).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        JsonArray rows = body["result"]!["orders"]!.AsArray();
        Assert.That(rows.Select(r => (int)r!["id"]!), Is.EqualTo(new[] { 1003, 1002 }));
        Assert.That(rows[0]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "id", "statusId" }));
        Assert.That((int?)body["total"], Is.EqualTo(2));
    }

    [Test]
    public async Task Order_list_pages_by_50_and_start_minus_one_skips_the_total()
    {
        await using BitrixSimulator simulator = await StartAsync(new BitrixSimulatorOptions { SeedDemoOrders = false, DrainPerSecond = 0 });
        using HttpClient client = ClientFor(simulator);
        foreach (int id in Enumerable.Range(1, 120))
            simulator.PutOrder(SampleOrders.Create(id));

        (_, JsonObject first) = await client.PostAsJsonAsync("sale.order.list", new { filter = new Dictionary<string, object> { [">id"] = 10 }, start = 0 }).ReadAsync();
        (_, JsonObject last) = await client.PostAsJsonAsync("sale.order.list", new { filter = new Dictionary<string, object> { [">id"] = 10 }, start = 100 }).ReadAsync();
        (_, JsonObject uncounted) = await client.PostAsJsonAsync("sale.order.list", new { order = new { id = "asc" }, start = -1 }).ReadAsync();

        Assert.That(first["result"]!["orders"]!.AsArray(), Has.Count.EqualTo(50));
        Assert.That((int?)first["total"], Is.EqualTo(110));
        Assert.That((int?)first["next"], Is.EqualTo(50));
        Assert.That(last["result"]!["orders"]!.AsArray(), Has.Count.EqualTo(10));
        Assert.That(last["next"], Is.Null);
        Assert.That(uncounted["result"]!["orders"]!.AsArray(), Has.Count.EqualTo(50));
        Assert.That(uncounted.ContainsKey("total"), Is.False);
        Assert.That(first["result"]!["orders"]![0]!.AsObject().ContainsKey("basketItems"), Is.False, "list rows carry no collections");
    }

    [Test]
    public async Task Order_list_pages_chained_in_a_batch_by_id_after_an_update_date_skip_older_orders_and_the_count()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        foreach (int id in Enumerable.Range(1, 70))
            simulator.PutOrder(SampleOrders.Create(id));
        string since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        string page = "sale.order.list?select%5B%5D=id&select%5B%5D=dateUpdate&select%5B%5D=lid&order%5Bid%5D=asc&start=-1"
            + $"&filter%5B%3E%3DdateUpdate%5D={since}&filter%5B%3Eid%5D=";

        (_, JsonObject body) = await client.PostAsJsonAsync("batch", new
        {
            halt = 1,
            cmd = new Dictionary<string, string> { ["p0"] = page + "0", ["p1"] = page + "$result[p0][orders][49][id]" },
        }).ReadAsync();

        JsonObject result = body["result"]!.AsObject();
        int[] Ids(string key) => result["result"]![key]!["orders"]!.AsArray().Select(r => (int)r!["id"]!).ToArray();
        Assert.That(Ids("p0"), Is.EqualTo(Enumerable.Range(1, 50)));
        Assert.That(Ids("p1"), Is.EqualTo(Enumerable.Range(51, 20)), "the seeded orders 1001-1003 were saved long ago");
        Assert.That(result["result"]!["p1"]!["orders"]![0]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "id", "dateUpdate", "lid" }));
        Assert.That(result["result_total"], Is.InstanceOf<JsonArray>(), "start=-1 counts nothing");
        Assert.That(result["result_next"], Is.InstanceOf<JsonArray>());
        Assert.That(body["time"]!["date_start"], Is.Not.Null);
    }

    [Test]
    public async Task Saving_an_order_gives_it_a_fresh_dateUpdate_and_version_only_when_it_changed()
    {
        await using BitrixSimulator simulator = await StartAsync();
        JsonObject seeded = simulator.GetOrder(1001)!;

        simulator.PutOrder(simulator.GetOrder(1001)!);
        JsonObject unchanged = simulator.GetOrder(1001)!;
        JsonObject changed = simulator.GetOrder(1001)!;
        changed["statusId"] = "P";
        simulator.PutOrder(changed);
        JsonObject saved = simulator.GetOrder(1001)!;

        Assert.That((string?)unchanged["dateUpdate"], Is.EqualTo((string?)seeded["dateUpdate"]));
        Assert.That(DateTimeOffset.Parse((string)saved["dateUpdate"]!), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromSeconds(5)));
        Assert.That((string?)saved["dateUpdate"], Does.EndWith("+03:00"));
        Assert.That((int)saved["version"]!, Is.EqualTo((int)seeded["version"]! + 1));
    }

    [Test]
    public async Task Order_update_sets_the_status_bumps_dateUpdate_and_returns_no_collections()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        string before = (string)simulator.GetOrder(1001)!["dateUpdate"]!;

        (HttpStatusCode status, JsonObject body) = await client.PostAsJsonAsync("sale.order.update",
            new { id = 1001, fields = new { statusId = "P", canceled = "Y", reasonCanceled = "Отказ покупателя" } }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        JsonObject order = body["result"]!["order"]!.AsObject();
        Assert.That(order.ContainsKey("basketItems"), Is.False);
        Assert.That((string?)order["statusId"], Is.EqualTo("P"));
        JsonObject stored = simulator.GetOrder(1001)!;
        Assert.That((string?)stored["canceled"], Is.EqualTo("Y"));
        Assert.That((string?)stored["reasonCanceled"], Is.EqualTo("Отказ покупателя"));
        Assert.That((string?)stored["dateUpdate"], Is.Not.EqualTo(before));
        Assert.That(stored["basketItems"]!.AsArray(), Is.Not.Empty, "collections are untouched");
    }

    [Test]
    public async Task Order_update_to_an_unknown_status_is_rejected()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, _) = await client.PostAsJsonAsync("sale.order.update", new { id = 1001, fields = new { statusId = "ZZ" } }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)simulator.GetOrder(1001)!["statusId"], Is.EqualTo("N"));
    }

    [Test]
    public async Task Order_update_echoes_an_order_saved_event_to_the_outgoing_webhook()
    {
        using CapturingHandler handler = new();
        await using BitrixSimulator simulator = await StartAsync(new BitrixSimulatorOptions { OutgoingWebhookUrl = handler.Url, DrainPerSecond = 0 });
        using HttpClient client = ClientFor(simulator);

        await client.PostAsJsonAsync("sale.order.update", new { id = 1002, fields = new { statusId = "F" } }).ReadAsync();
        (string contentType, string body) = await handler.WaitAsync();

        var form = HttpUtility.ParseQueryString(body);
        Assert.That(contentType, Does.StartWith("application/x-www-form-urlencoded"));
        Assert.That(form["event"], Is.EqualTo("ONSALEORDERSAVED"));
        Assert.That(form["data[FIELDS][ID]"], Is.EqualTo("1002"));
        Assert.That(form["data[FIELDS][ACTION]"], Is.EqualTo("save"));
        Assert.That(form["auth[application_token]"], Is.EqualTo(simulator.Options.ApplicationToken));
        Assert.That(form["auth[domain]"], Is.EqualTo("shop.example.ru"));
    }

    [Test]
    public async Task Order_saved_event_percent_encodes_bracketed_keys_like_bitrix()
    {
        using CapturingHandler handler = new();
        await using BitrixSimulator simulator = await StartAsync();

        using HttpResponseMessage response = await simulator.SendOrderSavedEventAsync(handler.Url, 1001, CancellationToken.None);
        (_, string body) = await handler.WaitAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body, Does.Contain("data%5BFIELDS%5D%5BID%5D=1001"));
        Assert.That(body, Does.Contain($"data%5BFIELDS%5D%5BXML_ID%5D={simulator.GetOrder(1001)!["xmlId"]}"));
        Assert.That(body, Does.Contain("auth%5Bmember_id%5D="));
        Assert.That(simulator.SentEvents.Single().StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Batch_returns_results_and_errors_with_empty_members_as_arrays()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode status, JsonObject body) = await client.PostAsJsonAsync("batch", new
        {
            halt = 0,
            cmd = new Dictionary<string, string>
            {
                ["order"] = "sale.order.get?id=1001",
                ["missing"] = "sale.order.get?id=5",
                ["same_user"] = "sale.order.list?filter[userId]=$result[order][order][userId]&select[]=id",
            },
        }).ReadAsync();
        (_, JsonObject clean) = await client.PostAsJsonAsync("batch", new { cmd = new { s = "sale.status.list?filter[type]=D" } }).ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        JsonObject result = body["result"]!.AsObject();
        Assert.That((int)result["result"]!["order"]!["order"]!["id"]!, Is.EqualTo(1001));
        Assert.That(result["result_error"]!["missing"]!["error"]!.GetValue<long>(), Is.EqualTo(200540400001));
        Assert.That(result["result"]!["same_user"]!["orders"]!.AsArray().Select(o => (int)o!["id"]!), Does.Contain(1001));
        Assert.That(clean["result"]!["result_error"], Is.InstanceOf<JsonArray>().And.Empty);
        Assert.That(clean["result"]!["result_next"], Is.InstanceOf<JsonArray>().And.Empty);
        Assert.That((int?)clean["result"]!["result_total"]!["s"], Is.EqualTo(2));
        Assert.That(simulator.RequestCount("batch"), Is.EqualTo(2));
        Assert.That(simulator.RequestCount("sale.order.get"), Is.EqualTo(2));
    }

    [Test]
    public async Task Batch_with_halt_stops_at_the_first_error_and_caps_at_50_commands()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        Dictionary<string, string> many = Enumerable.Range(0, 52).ToDictionary(i => $"c{i}", _ => "sale.status.list");

        (_, JsonObject halted) = await client.PostAsJsonAsync("batch", new
        {
            halt = 1,
            cmd = new Dictionary<string, string> { ["bad"] = "sale.order.get?id=5", ["never"] = "sale.order.get?id=1001" },
        }).ReadAsync();
        (HttpStatusCode status, JsonObject capped) = await client.PostAsJsonAsync("batch", new { cmd = many }).ReadAsync();

        Assert.That(halted["result"]!["result"], Is.InstanceOf<JsonArray>().And.Empty);
        Assert.That(halted["result"]!["result_error"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "bad" }));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(capped["result"]!["result"]!.AsObject(), Has.Count.EqualTo(50));
        Assert.That((string?)capped["result"]!["result_error"]!["c51"]!["error"], Is.EqualTo("ERROR_BATCH_LENGTH_EXCEEDED"));
    }

    [Test]
    public async Task Requests_above_the_burst_get_503_query_limit_exceeded()
    {
        await using BitrixSimulator simulator = await StartAsync(new BitrixSimulatorOptions { BurstLimit = 3, DrainPerSecond = 1 });
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode Status, JsonObject Body)[] answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetAsync("sale.status.list").ReadAsync()));

        Assert.That(answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable), Is.GreaterThanOrEqualTo(2));
        Assert.That(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => (string?)a.Body["error"]),
            Is.All.EqualTo("QUERY_LIMIT_EXCEEDED"));
        Assert.That(simulator.RateLimitedResponses, Is.GreaterThanOrEqualTo(2));
        Assert.That(simulator.TotalRequests, Is.EqualTo(6));
    }

    [Test]
    public async Task Burst_passes_until_the_counter_exceeds_the_threshold_and_blocked_requests_keep_the_bucket_full()
    {
        await using BitrixSimulator simulator = await StartAsync(new BitrixSimulatorOptions { BurstLimit = 2, DrainPerSecond = 1 });
        using HttpClient client = ClientFor(simulator);
        // A batch of ten calls is one request for the counter (https://apidocs.bitrix24.com/limits.html).
        string tenCalls = string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"s{i}\":\"sale.status.list\""));

        List<HttpStatusCode> burst = [(await client.PostAsync("batch", new StringContent($"{{\"cmd\":{{{tenCalls}}}}}",
            System.Text.Encoding.UTF8, "application/json")).ReadAsync()).Status];
        for (int i = 0; i < 5; i++)
            burst.Add((await client.GetAsync("sale.status.list").ReadAsync()).Status);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (HttpStatusCode afterPause, JsonObject body) = await client.GetAsync("sale.status.list").ReadAsync();

        Assert.That(burst, Is.EqualTo(new[]
        {
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
            HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable,
        }), "a request passes while the counter does not exceed 2, i.e. three in a row");
        Assert.That(afterPause, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "six arrivals, 1.5 drained: still above 2");
        Assert.That((string?)body["error"], Is.EqualTo("QUERY_LIMIT_EXCEEDED"));
        Assert.That(simulator.RateLimitViolations, Is.EqualTo(4));
        Assert.That(simulator.RateLimitedResponses, Is.EqualTo(4));
    }

    [Test]
    public async Task Over_limit_request_is_refused_at_arrival_without_waiting_for_the_latency()
    {
        BitrixSimulatorOptions options = new() { BurstLimit = 0, DrainPerSecond = 1 };
        options.SetLatency(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        await using BitrixSimulator simulator = await StartAsync(options);
        using HttpClient client = ClientFor(simulator);

        (HttpStatusCode first, HttpStatusCode second, TimeSpan secondTook) = await client.OverlappingPairAsync("sale.status.list");

        Assert.That((first, second), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable)), "the first arrived first and was counted first");
        Assert.That(secondTook, Is.LessThan(TimeSpan.FromSeconds(1)), "a refusal is not processed, so it does not wait");
        Assert.That(simulator.RateLimitViolations, Is.EqualTo(1));
    }

    [Test]
    public async Task FailNext_answers_with_the_bitrix_error_body_then_recovers()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);
        simulator.Faults.FailNext(1, 500);

        (HttpStatusCode failed, JsonObject body) = await client.GetAsync("sale.order.get?id=1001").ReadAsync();
        (HttpStatusCode recovered, _) = await client.GetAsync("sale.order.get?id=1001").ReadAsync();

        Assert.That(failed, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That((string?)body["error"], Is.EqualTo("INTERNAL_SERVER_ERROR"));
        Assert.That(recovered, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Stopped_listener_refuses_connections_until_resumed()
    {
        await using BitrixSimulator simulator = await StartAsync();

        await simulator.Faults.StopListeningAsync();
        using HttpClient fresh = ClientFor(simulator);
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("sale.status.list"));
        await simulator.Faults.ResumeListeningAsync();
        (HttpStatusCode status, _) = await fresh.GetAsync("sale.status.list").ReadAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(simulator.Faults.IsListening, Is.True);
    }

    [Test]
    public void Sample_orders_are_deterministic_and_can_use_string_ids()
    {
        JsonObject first = SampleOrders.Create(77, new SampleOrderOptions(ItemCount: 3, WithEmail: false, WithShipment: false));
        JsonObject again = SampleOrders.Create(77, new SampleOrderOptions(ItemCount: 3, WithEmail: false, WithShipment: false));
        JsonObject stringly = SampleOrders.Create(77, new SampleOrderOptions(StringIds: true));

        Assert.That(first.ToJsonString(), Is.EqualTo(again.ToJsonString()));
        Assert.That(first["basketItems"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(first["propertyValues"]!.AsArray().Select(p => (string?)p!["code"]), Has.No.Member("EMAIL"));
        Assert.That(first["shipments"]!.AsArray(), Is.Empty);
        Assert.That((string?)stringly["id"], Is.EqualTo("77"));
        Assert.That(stringly["basketItems"]![0]!["productId"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String));
        decimal goods = first["basketItems"]!.AsArray().Sum(i => (decimal)i!["price"]! * (decimal)i["quantity"]!);
        Assert.That((decimal)first["price"]!, Is.EqualTo(goods));
    }

    [Test]
    public async Task Orders_carry_documented_reservations_at_one_store_two_stores_or_none_and_shipments_no_store()
    {
        await using BitrixSimulator simulator = await StartAsync(new BitrixSimulatorOptions { SeedDemoOrders = false, DrainPerSecond = 0 });
        using HttpClient client = ClientFor(simulator);
        foreach (int id in new[] { 2000, 2001, 2002 })
            simulator.PutOrder(SampleOrders.Create(id, new SampleOrderOptions(ItemCount: 3)));
        simulator.PutOrder(SampleOrders.Create(2005, new SampleOrderOptions(StringIds: true)));

        Dictionary<int, JsonObject> orders = [];
        foreach (int id in new[] { 2000, 2001, 2002, 2005 })
            orders[id] = (await client.PostAsJsonAsync("sale.order.get", new { id }).ReadAsync()).Body["result"]!["order"]!.AsObject();

        JsonObject[] Reservations(int id) => [.. orders[id]["basketItems"]!.AsArray().SelectMany(line => line!["reservations"]!.AsArray()).Select(r => r!.AsObject())];
        Assert.That(Reservations(2000), Is.Empty);
        Assert.That(Reservations(2001).Select(r => (int)r["storeId"]!).Distinct(), Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(Reservations(2002).Select(r => (int)r["storeId"]!).Distinct(), Is.EqualTo(new[] { 1 }));
        Assert.That(Reservations(2001).Select(r => r.Select(p => p.Key)), Has.All.EqualTo(new[]
            { "basketId", "dateReserve", "dateReserveEnd", "id", "quantity", "reservedBy", "storeId" }));
        Assert.That(Reservations(2005).Select(r => r["storeId"]!.GetValueKind()), Has.All.EqualTo(System.Text.Json.JsonValueKind.String));
        foreach (JsonNode? line in orders[2002]["basketItems"]!.AsArray())
        {
            JsonNode reservation = line!["reservations"]![0]!;
            Assert.That(((string?)reservation["basketId"]!.ToJsonString(), (decimal)reservation["quantity"]!),
                Is.EqualTo(((string?)line["id"], (decimal)line["quantity"]!)), "each line is reserved in full");
        }
        Assert.That(orders.Values.SelectMany(o => o["shipments"]!.AsArray()), Has.None.Matches<JsonNode>(shipment => shipment!.AsObject().ContainsKey("storeId")));
        Assert.That(orders[2000]["shipments"]![0]!["shipmentItems"]!.AsArray().Select(i => (int)i!["reservedQuantity"]!), Has.All.Zero);
    }

    [Test]
    public async Task Status_list_has_order_and_delivery_statuses()
    {
        await using BitrixSimulator simulator = await StartAsync();
        using HttpClient client = ClientFor(simulator);

        (_, JsonObject orderStatuses) = await client.GetAsync("sale.status.list?filter[type]=O").ReadAsync();

        Assert.That(orderStatuses["result"]!["statuses"]!.AsArray().Select(s => (string?)s!["id"]), Is.EqualTo(new[] { "N", "P", "D", "F", "C" }));
        Assert.That((int?)orderStatuses["total"], Is.EqualTo(5));
    }
}
