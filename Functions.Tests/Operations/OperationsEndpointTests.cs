using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.StatusSync;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Operations;

/// <summary>GET /api/ops/status, GET /api/ops/dead-letters and POST /api/ops/dead-letters/replay through the local runner.</summary>
public class OperationsEndpointTests
{
    private IntegrationHarness _harness = null!;

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private async Task StartAsync(bool startQueueListener = true) =>
        _harness = await IntegrationHarness.StartAsync(startQueueListener: startQueueListener);

    private Uri Url(string pathAndQuery, string? key = IntegrationHarness.AdminKey)
    {
        var separator = pathAndQuery.Contains('?') ? '&' : '?';
        return new Uri(_harness.RunnerUrl, key is null ? pathAndQuery : $"{pathAndQuery}{separator}code={Uri.EscapeDataString(key)}");
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, string? ContentType)> GetAsync(string pathAndQuery,
        string? key = IntegrationHarness.AdminKey)
    {
        using var response = await _harness.Http.GetAsync(Url(pathAndQuery, key));
        return await ReadAsync(response);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, string? ContentType)> ReplayAsync(string body,
        string? key = IntegrationHarness.AdminKey)
    {
        using var response = await _harness.Http.PostAsync(Url("api/ops/dead-letters/replay", key),
            new StringContent(body, Encoding.UTF8, "application/json"));
        return await ReadAsync(response);
    }

    private static async Task<(HttpStatusCode, JsonNode?, string?)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Content.Headers.ContentType?.MediaType);
    }

    private Task<DeadLetter?> LetterAsync(string orderId, string direction = SyncDirection.BitrixToRetailCrm) =>
        _harness.DeadLetters.GetAsync(direction, orderId, CancellationToken.None);

    /// <summary>A record as a permanent failure writes it, without going through the push (fast, any direction or reason).</summary>
    private Task RecordAsync(string orderId, string reasonCode, string direction = SyncDirection.BitrixToRetailCrm)
    {
        var message = direction == SyncDirection.BitrixToRetailCrm
            ? new OrderMessage(orderId, "s1", "form", DateTimeOffset.UtcNow).ToJson()
            : new StatusChangeMessage(orderId, 1, "shop", "on-hold", DateTimeOffset.UtcNow).ToJson();
        return _harness.DeadLetters.RecordAsync(new DeadLetter(direction, orderId, reasonCode, $"{reasonCode} for {orderId}", null, 1,
            message, DateTimeOffset.UtcNow), CancellationToken.None);
    }

    /// <summary>A real dead letter: the order fails in the push (as in DeadLetterReplayTests).</summary>
    private async Task PlantDeadLetterAsync(int orderId, Action<JsonObject> spoil)
    {
        var order = SampleOrders.Create(orderId);
        spoil(order);
        _harness.Bitrix.PutOrder(order);
        await _harness.SendBitrixEventAsync(orderId);
        await IntegrationHarness.WaitUntilAsync(async () => await LetterAsync(orderId.ToString()) is not null, $"order {orderId} is dead-lettered");
    }

    private static IEnumerable<string?> OrderIds(JsonNode? list) =>
        list!["deadLetters"]!.AsArray().Select(l => (string?)l!["orderId"]);

    [Test]
    public async Task Status_reports_depth_oldest_message_age_and_poison_count_and_zeros_for_queues_that_do_not_exist()
    {
        await StartAsync(startQueueListener: false);
        var before = DateTimeOffset.UtcNow;
        await _harness.SendBitrixEventAsync(1001);
        await _harness.SendBitrixEventAsync(1002);
        // What the host does with a message that is not Base64: moved to -poison verbatim.
        await _harness.PoisonQueue.CreateIfNotExistsAsync();
        await _harness.PoisonQueue.SendMessageAsync("{not base64");
        await RecordAsync("2001", "unmapped-delivery");
        await RecordAsync("2002", "unmapped-delivery");
        await RecordAsync("2003", "unmapped-payment");
        await RecordAsync("1001", "unmapped-statusFromCrm", SyncDirection.RetailCrmToBitrix);
        await _harness.DeadLetters.MarkReplayedAsync((await LetterAsync("2003"))!, DateTimeOffset.UtcNow, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var (status, body, _) = await GetAsync("api/ops/status", IntegrationHarness.FunctionKey);
        var elapsed = (DateTimeOffset.UtcNow - before).TotalSeconds;

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        var orders = body!["queues"]!["orders"]!;
        Assert.That((string?)orders["name"], Is.EqualTo(_harness.QueueName));
        Assert.That((int)orders["depth"]!, Is.EqualTo(2));
        Assert.That((double)orders["oldestMessageAgeSeconds"]!, Is.InRange(1.0, elapsed + 1), "storage times have whole seconds");
        Assert.That((string?)orders["poisonQueue"], Is.EqualTo(_harness.QueueName + "-poison"));
        Assert.That((int)orders["poisonCount"]!, Is.EqualTo(1));
        Assert.That((double)orders["oldestPoisonAgeSeconds"]!, Is.InRange(1.0, elapsed + 1));
        var statusQueue = body["queues"]!["status"]!;
        Assert.That((string?)statusQueue["name"], Is.EqualTo(_harness.Runner.Configuration["StatusQueueName"]));
        Assert.That(new[] { "depth", "oldestMessageAgeSeconds", "poisonCount", "oldestPoisonAgeSeconds" }
            .Select(f => (double)statusQueue[f]!), Is.All.Zero);
        Assert.That((await new QueueClient(await TestRun.StorageConnectionStringAsync(), (string?)statusQueue["name"]).ExistsAsync()).Value,
            Is.False, "reading the status does not create queues");
        var deadLetters = body["deadLetters"]!;
        Assert.That((int)deadLetters["open"]!, Is.EqualTo(3), "the replayed record is not counted");
        Assert.That(deadLetters["byDirection"]!["bitrix-to-retailcrm"]!.ToJsonString(), Is.EqualTo("""{"unmapped-delivery":2}"""));
        Assert.That(deadLetters["byDirection"]!["retailcrm-to-bitrix"]!.ToJsonString(), Is.EqualTo("""{"unmapped-statusFromCrm":1}"""));
        Assert.That(DateTimeOffset.Parse((string)body["checkedAt"]!), Is.GreaterThanOrEqualTo(before));

        var (withAdminKey, _, _) = await GetAsync("api/ops/status", IntegrationHarness.AdminKey);
        var (withoutKey, _, _) = await GetAsync("api/ops/status", key: null);
        Assert.That(withAdminKey, Is.EqualTo(HttpStatusCode.OK), "the admin key opens function-level routes too");
        Assert.That(withoutKey, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Admin_routes_refuse_a_missing_or_wrong_key_and_the_function_key_and_replay_nothing()
    {
        await StartAsync(startQueueListener: false);
        await RecordAsync("2001", "unmapped-delivery");

        foreach (var key in new[] { null, "wrong-key-wrong-key-wrong", IntegrationHarness.FunctionKey })
        {
            var (listed, listBody, listType) = await GetAsync("api/ops/dead-letters", key);
            var (replayed, _, _) = await ReplayAsync("""{"all":true}""", key);
            Assert.That(listed, Is.EqualTo(HttpStatusCode.Unauthorized), $"list with key {key}");
            Assert.That(replayed, Is.EqualTo(HttpStatusCode.Unauthorized), $"replay with key {key}");
            Assert.That(listType, Is.EqualTo("application/problem+json"));
            Assert.That(listBody!.ToJsonString(), Does.Not.Contain("2001"));
        }
        using var header = new HttpRequestMessage(HttpMethod.Get, Url("api/ops/dead-letters", key: null));
        header.Headers.Add("x-functions-key", IntegrationHarness.AdminKey);
        using var byHeader = await _harness.Http.SendAsync(header);

        Assert.That(byHeader.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the admin key is accepted as x-functions-key");
        Assert.That((await LetterAsync("2001"))!.ReplayCount, Is.Zero);
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
        Assert.That(_harness.Logs.Lines, Has.None.Contains(IntegrationHarness.AdminKey));
    }

    [Test]
    public async Task Dead_letter_list_filters_by_order_direction_and_reason_and_shows_replayed_records_only_when_asked()
    {
        await StartAsync(startQueueListener: false);
        await RecordAsync("2001", "unmapped-delivery");
        await RecordAsync("2002", "unmapped-payment");
        await RecordAsync("2003", "unmapped-delivery");
        await RecordAsync("1001", "unmapped-statusFromCrm", SyncDirection.RetailCrmToBitrix);
        await _harness.DeadLetters.MarkReplayedAsync((await LetterAsync("2003"))!, DateTimeOffset.UtcNow, CancellationToken.None);

        var (_, all, _) = await GetAsync("api/ops/dead-letters");
        var (_, byDirection, _) = await GetAsync("api/ops/dead-letters?direction=retailcrm-to-bitrix");
        var (_, byReason, _) = await GetAsync("api/ops/dead-letters?reasonCode=unmapped-delivery");
        var (_, byOrder, _) = await GetAsync("api/ops/dead-letters?orderId=2002&direction=bitrix-to-retailcrm");
        var (_, replayedHidden, _) = await GetAsync("api/ops/dead-letters?orderId=2003");
        var (_, withReplayed, _) = await GetAsync("api/ops/dead-letters?reasonCode=unmapped-delivery&includeReplayed=true");
        var (badDirection, badDirectionBody, badType) = await GetAsync("api/ops/dead-letters?direction=sideways");
        var (badFlag, _, _) = await GetAsync("api/ops/dead-letters?includeReplayed=maybe");

        Assert.That(OrderIds(all), Is.EquivalentTo(new[] { "2001", "2002", "1001" }));
        Assert.That((int)all!["count"]!, Is.EqualTo(3));
        Assert.That(OrderIds(byDirection), Is.EqualTo(new[] { "1001" }));
        Assert.That(OrderIds(byReason), Is.EqualTo(new[] { "2001" }));
        Assert.That(OrderIds(byOrder), Is.EqualTo(new[] { "2002" }));
        Assert.That(OrderIds(replayedHidden), Is.Empty);
        Assert.That(OrderIds(withReplayed), Is.EqualTo(new[] { "2001", "2003" }), "oldest failure first");
        var replayed = withReplayed!["deadLetters"]![1]!;
        Assert.That(((bool)replayed["open"]!, (int)replayed["replayCount"]!), Is.EqualTo((false, 1)));
        var open = byOrder!["deadLetters"]![0]!;
        Assert.That((string?)open["direction"], Is.EqualTo("bitrix-to-retailcrm"));
        Assert.That((string?)open["reason"], Is.EqualTo("unmapped-payment for 2002"));
        Assert.That((string?)open["message"], Does.Contain("2002"), "the stored message, as the replay would send it");
        Assert.That(badDirection, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(badType, Is.EqualTo("application/problem+json"));
        Assert.That((string?)badDirectionBody!["detail"], Does.Contain("sideways"));
        Assert.That(badFlag, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Dead_letter_list_pages_oldest_failure_first_and_counts_every_match()
    {
        await StartAsync(startQueueListener: false);
        foreach (var id in new[] { "2001", "2002", "2003", "2004", "2005" })
            await RecordAsync(id, "unmapped-delivery");

        var (_, first, _) = await GetAsync("api/ops/dead-letters?top=2");
        var (_, last, _) = await GetAsync("api/ops/dead-letters?top=2&skip=4");
        var (_, byDefault, _) = await GetAsync("api/ops/dead-letters");
        var (tooLarge, tooLargeBody, _) = await GetAsync("api/ops/dead-letters?top=1001");
        var (negative, _, _) = await GetAsync("api/ops/dead-letters?skip=-1");

        Assert.That(OrderIds(first), Is.EqualTo(new[] { "2001", "2002" }));
        Assert.That(((int)first!["count"]!, (int)first["skip"]!, (int)first["top"]!), Is.EqualTo((5, 0, 2)));
        Assert.That(OrderIds(last), Is.EqualTo(new[] { "2005" }));
        Assert.That((int)byDefault!["top"]!, Is.EqualTo(100));
        Assert.That(OrderIds(byDefault).Count(), Is.EqualTo(5));
        Assert.That(tooLarge, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((string?)tooLargeBody!["detail"], Does.Contain("top"));
        Assert.That(negative, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Replay_of_one_order_after_its_mapping_is_fixed_delivers_it_and_marks_the_record_replayed()
    {
        await StartAsync();
        await PlantDeadLetterAsync(2001, o => o["shipments"]![0]!["deliveryId"] = 77);
        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "77", "courier"), CancellationToken.None);

        var (status, body, _) = await ReplayAsync("""{"orderId":"2001"}""");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        Assert.That((string?)body!["direction"], Is.EqualTo("bitrix-to-retailcrm"));
        var replayed = body["replayed"]!.AsArray().Single()!;
        Assert.That(((string?)replayed["orderId"], (string?)replayed["reasonCode"], (int)replayed["replayCount"]!),
            Is.EqualTo(("2001", "unmapped-delivery", 1)));
        Assert.That(body["skipped"]!.AsArray(), Is.Empty);
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("2001") is not null, "the replayed order is in RetailCRM");
        Assert.That(_harness.Crm.FindOrder("2001")!["delivery"]!["code"]!.GetValue<string>(), Is.EqualTo("courier"));
        var letter = (await LetterAsync("2001"))!;
        Assert.That((letter.Open, letter.ReplayCount, letter.ReplayedAt is not null), Is.EqualTo((false, 1, true)));
        Assert.That(_harness.Logs.Lines, Has.Some.Contains("Dead letters replayed over HTTP"));
    }

    [Test]
    public async Task Replay_all_for_a_reason_queues_only_the_records_with_that_reason()
    {
        await StartAsync();
        await PlantDeadLetterAsync(2001, o => o["shipments"]![0]!["deliveryId"] = 77);
        await PlantDeadLetterAsync(2002, o => o["payments"]![0]!["paySystemId"] = 99);
        await PlantDeadLetterAsync(2003, o => o["shipments"]![0]!["deliveryId"] = 77);
        await _harness.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "77", "courier"), CancellationToken.None);

        var (status, body, _) = await ReplayAsync("""{"reasonCode":"unmapped-delivery"}""");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        Assert.That(body!["replayed"]!.AsArray().Select(l => (string?)l!["orderId"]), Is.EquivalentTo(new[] { "2001", "2003" }));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("2001") is not null && _harness.Crm.FindOrder("2003") is not null,
            "both replayed orders are in RetailCRM");
        Assert.That((await LetterAsync("2002"))!.ReplayCount, Is.Zero, "the other reason is left alone");
        Assert.That(_harness.Crm.FindOrder("2002"), Is.Null);
    }

    [Test]
    public async Task Bad_replay_bodies_are_400_problem_json_and_replay_nothing()
    {
        await StartAsync(startQueueListener: false);
        await RecordAsync("2001", "unmapped-delivery");
        await RecordAsync("1001", "unmapped-statusFromCrm", SyncDirection.RetailCrmToBitrix);

        string[] bodies =
        [
            "", "not json", "[]", "null", "{}", """{"all":false}""", """{"orderId":"2001","all":true}""",
            """{"orderId":"2001","reasonCode":"unmapped-delivery"}""", """{"reason":"unmapped-delivery"}""",
            """{"orderId":""}""", """{"orderId":2001}""", """{"all":"yes"}""", """{"direction":"sideways","all":true}""",
            new string(' ', 5000) + "{}",
        ];
        foreach (var body in bodies)
        {
            var (status, problem, contentType) = await ReplayAsync(body);
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest).Or.EqualTo(HttpStatusCode.RequestEntityTooLarge), body);
            Assert.That(contentType, Is.EqualTo("application/problem+json"), body);
            Assert.That((string?)problem!["detail"], Is.Not.Empty, body);
        }
        var (missing, missingBody, _) = await ReplayAsync("""{"orderId":"424242"}""");

        Assert.That(missing, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((string?)missingBody!["detail"], Does.Contain("424242 has no dead-letter record"));
        Assert.That((await LetterAsync("2001"))!.ReplayCount, Is.Zero);
        Assert.That((await LetterAsync("1001", SyncDirection.RetailCrmToBitrix))!.ReplayCount, Is.Zero);
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
        Assert.That(await _harness.StatusQueueCountAsync(), Is.Zero);
    }
}
