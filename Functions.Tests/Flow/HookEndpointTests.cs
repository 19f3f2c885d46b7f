using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>The hook through the local runner, with the queue listener off so the queue shows exactly what was accepted.</summary>
public class HookEndpointTests
{
    private IntegrationHarness _harness = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _harness = await IntegrationHarness.StartAsync(startQueueListener: false);

    [OneTimeTearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    [SetUp]
    public async Task EmptyQueueAsync()
    {
        if ((await _harness.Queue.ExistsAsync()).Value) await _harness.Queue.ClearMessagesAsync();
    }

    [Test]
    public async Task Bitrix_event_is_acknowledged_with_202_and_queues_the_order()
    {
        var response = await _harness.SendBitrixEventAsync(1001);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var messages = (await _harness.Queue.ReceiveMessagesAsync(10)).Value;
        Assert.That(messages, Has.Length.EqualTo(1));
        var message = OrderMessage.FromJson(messages[0].Body.ToString());
        Assert.That(message.OrderId, Is.EqualTo("1001"));
        Assert.That(message.Source, Is.EqualTo("bitrix-webhook"));
    }

    [Test]
    public async Task Php_handler_json_queues_one_message_per_order_id()
    {
        var response = await _harness.PostHookAsync("{\"orderIds\":[11,12,\"13\"],\"siteId\":\"s1\"}", "application/json",
            token: _harness.Bitrix.Options.ApplicationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task Wrong_application_token_is_401_and_nothing_is_queued()
    {
        var body = BitrixForm(1001, token: "not-the-token-at-all");

        var response = await _harness.PostHookAsync(body, "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "token");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Missing_application_token_is_401_and_nothing_is_queued()
    {
        var response = await _harness.PostHookAsync("{\"orderId\":5}", "application/json");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "token");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Missing_function_key_is_401_and_nothing_is_queued()
    {
        var url = new Uri(_harness.RunnerUrl, "api/bitrix/order-saved");

        var response = await _harness.PostHookAsync(BitrixForm(1001, _harness.Bitrix.Options.ApplicationToken),
            "application/x-www-form-urlencoded", url);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "function key");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Malformed_json_is_400_naming_the_problem_and_nothing_is_queued()
    {
        var response = await _harness.PostHookAsync("{\"orderId\": 12", "application/json", token: _harness.Bitrix.Options.ApplicationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Form_without_an_order_id_is_400_naming_the_field()
    {
        var body = BitrixForm(1001, _harness.Bitrix.Options.ApplicationToken).Replace("data%5BFIELDS%5D%5BID%5D=1001", "");

        var response = await _harness.PostHookAsync(body, "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "data[FIELDS][ID]");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Oversized_body_is_413_and_nothing_is_queued()
    {
        var body = BitrixForm(1001, _harness.Bitrix.Options.ApplicationToken) + "&padding=" + new string('x', 20_000);

        var response = await _harness.PostHookAsync(body, "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "exceeds");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    [Test]
    public async Task Plain_text_is_415()
    {
        var response = await _harness.PostHookAsync("1001", "text/plain", token: _harness.Bitrix.Options.ApplicationToken);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
        Assert.That(await _harness.QueuedMessageCountAsync(), Is.Zero);
    }

    private static string BitrixForm(int orderId, string token) =>
        $"event=ONSALEORDERSAVED&event_handler_id=12&data%5BFIELDS%5D%5BID%5D={orderId}&data%5BFIELDS%5D%5BACTION%5D=save" +
        $"&ts=1714649632&auth%5Bdomain%5D=shop.example.ru&auth%5Bapplication_token%5D={token}";

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailMentions)
    {
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo((int)status));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain(detailMentions));
    }
}
