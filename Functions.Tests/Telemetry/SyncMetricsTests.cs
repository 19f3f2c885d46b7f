using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BitrixRetailCrm.Telemetry;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Telemetry;

public class SyncMetricsTests
{
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private MeterListener _listener = null!;

    [SetUp]
    public void Listen()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SyncMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    [TearDown]
    public void Stop() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString())));

    [Test]
    public async Task A_pushed_order_and_a_dead_letter_are_counted_with_their_outcome_and_reason()
    {
        await using var harness = await IntegrationHarness.StartAsync();
        var order = BitrixRetailCrm.Simulators.Bitrix.SampleOrders.Create(3001);
        order["shipments"]![0]!["deliveryId"] = 77;
        harness.Bitrix.PutOrder(order);

        await harness.SendBitrixEventAsync(1001);
        await harness.SendBitrixEventAsync(3001);
        await IntegrationHarness.WaitUntilAsync(() => _measurements.Any(m => m.Name == "sync_failures"), "a failure is counted");
        await IntegrationHarness.WaitUntilAsync(() => _measurements.Any(m => m.Name == "orders_pushed" && m.Tags["outcome"] == "Created"),
            "a push is counted");

        Assert.That(_measurements.Single(m => m.Name == "sync_failures").Tags["reason"], Is.EqualTo("unmapped-delivery"));
        Assert.That(_measurements.Any(m => m.Name == "push_latency" && m.Value > 0), Is.True);
    }

    [Test]
    public async Task Orders_the_reconciliation_queues_are_counted()
    {
        await using var harness = await IntegrationHarness.StartAsync(startQueueListener: false);
        harness.Bitrix.PutOrder(BitrixRetailCrm.Simulators.Bitrix.SampleOrders.Create(5001));
        harness.Bitrix.PutOrder(BitrixRetailCrm.Simulators.Bitrix.SampleOrders.Create(5002));

        var result = await harness.Reconciler.RunAsync(CancellationToken.None);

        Assert.That(result.Enqueued, Is.EqualTo(2));
        Assert.That(_measurements.Where(m => m.Name == "orders_reconciled").Sum(m => m.Value), Is.EqualTo(2));
    }

    [Test]
    public async Task Queue_depth_oldest_message_age_and_poison_count_are_sampled_into_metrics_and_the_log()
    {
        await using var harness = await IntegrationHarness.StartAsync(startQueueListener: false);
        await harness.SendBitrixEventAsync(1001);
        await harness.SendBitrixEventAsync(1002);
        await harness.PoisonQueue.CreateIfNotExistsAsync();
        await harness.PoisonQueue.SendMessageAsync("poisoned");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var queues = await harness.Runner.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<QueueDepthSampler>().Single().SampleAsync(CancellationToken.None);

        var orders = queues["orders"];
        Assert.That((orders.Name, orders.Depth, orders.PoisonCount), Is.EqualTo((harness.QueueName, 2, 1)));
        Assert.That(orders.OldestMessageAgeSeconds, Is.GreaterThan(0));
        Assert.That(queues["status"].Depth, Is.Zero, "a queue that does not exist yet is empty");
        Assert.That(_measurements.Any(m => m.Name == "queue_depth" && m.Tags["queue"] == harness.QueueName && m.Value == 2), Is.True);
        Assert.That(_measurements.Any(m => m.Name == "queue_depth" && m.Tags["queue"] == harness.QueueName + "-poison" && m.Value == 1), Is.True);
        Assert.That(_measurements.Any(m => m.Name == "poison_messages" && m.Tags["queue"] == harness.QueueName && m.Value == 1), Is.True);
        Assert.That(_measurements.Any(m => m.Name == "queue_oldest_message_age" && m.Tags["queue"] == harness.QueueName
            && m.Value == orders.OldestMessageAgeSeconds), Is.True);
        Assert.That(harness.Logs.Lines, Has.Some.Contains($"Queue {harness.QueueName} depth 2, oldest message")
            .And.Some.Contains("poison 1"));
    }
}
