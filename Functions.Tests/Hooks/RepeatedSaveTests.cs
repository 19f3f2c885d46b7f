using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Hooks;

/// <summary>Repeat hooks for one order share the first hook's queue message while it is still invisible.</summary>
public class RepeatedSaveTests
{
    private static async Task<IntegrationHarness> StartAsync(string window, bool startQueueListener) =>
        await IntegrationHarness.StartAsync(new Dictionary<string, string?> { ["Sync:RepeatedSaveWindow"] = window },
            startQueueListener);

    private static async Task<JsonArray> CoalescedAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["coalesced"]!.AsArray();
    }

    [Test]
    public async Task Repeated_saves_within_the_window_queue_one_invisible_message()
    {
        await using var harness = await StartAsync("00:00:05", startQueueListener: false);

        var first = await CoalescedAsync(await harness.SendBitrixEventAsync(1001));
        var second = await CoalescedAsync(await harness.SendBitrixEventAsync(1001));
        var third = await CoalescedAsync(await harness.SendBitrixEventAsync(1001));

        Assert.That(first, Is.Empty);
        Assert.That(second.Select(n => n!.GetValue<long>()), Is.EqualTo(new[] { 1001L }));
        Assert.That(third.Select(n => n!.GetValue<long>()), Is.EqualTo(new[] { 1001L }));
        Assert.That(await harness.QueuedMessageCountAsync(), Is.EqualTo(1));
        Assert.That((await harness.Queue.ReceiveMessagesAsync(10)).Value, Is.Empty, "no reader may see it before the window");
    }

    [Test]
    public async Task Other_orders_are_not_coalesced()
    {
        await using var harness = await StartAsync("00:00:05", startQueueListener: false);

        await harness.SendBitrixEventAsync(1001);
        var other = await CoalescedAsync(await harness.SendBitrixEventAsync(1002));

        Assert.That(other, Is.Empty);
        Assert.That(await harness.QueuedMessageCountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_save_after_the_window_queues_a_message_of_its_own()
    {
        await using var harness = await StartAsync("00:00:00.300", startQueueListener: false);

        await harness.SendBitrixEventAsync(1001);
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        var later = await CoalescedAsync(await harness.SendBitrixEventAsync(1001));

        Assert.That(later, Is.Empty);
        Assert.That(await harness.QueuedMessageCountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_save_covered_by_the_first_message_reaches_RetailCRM_in_one_write()
    {
        await using var harness = await StartAsync("00:00:01", startQueueListener: true);
        var order = SampleOrders.Create(2001);
        harness.Bitrix.PutOrder(order);
        var started = Stopwatch.StartNew();

        await harness.SendBitrixEventAsync(2001);
        order["basketItems"]![0]!["quantity"] = 7;
        harness.Bitrix.PutOrder(order);
        var repeat = await CoalescedAsync(await harness.SendBitrixEventAsync(2001));
        await IntegrationHarness.WaitUntilAsync(() => harness.Crm.FindOrder("2001") is not null, "order 2001 is in RetailCRM");

        Assert.That(repeat, Has.Count.EqualTo(1));
        Assert.That(started.Elapsed, Is.GreaterThanOrEqualTo(RepeatedSaveCoalescer.Invisibility(TimeSpan.FromSeconds(1))),
            "the message stayed invisible for the window plus the service's rounding");
        Assert.That(harness.Crm.FindOrder("2001")!["items"]![0]!["quantity"]!.GetValue<decimal>(), Is.EqualTo(7m));
        Assert.That(harness.Crm.OrderWriteCount("2001"), Is.EqualTo(1));
    }

    [TestCase(1.0, 2)]
    [TestCase(0.5, 2)]
    [TestCase(2.0, 3)]
    [TestCase(2.5, 4)]
    public void Invisibility_is_whole_seconds_covering_the_window_and_a_second(double windowSeconds, int expectedSeconds) =>
        Assert.That(RepeatedSaveCoalescer.Invisibility(TimeSpan.FromSeconds(windowSeconds)), Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
}
