using System.Diagnostics.Metrics;

namespace BitrixRetailCrm.Telemetry;

/// <summary>
/// The integration's custom metrics (meter "BitrixRetailCrm"): orders pushed, statuses applied, push latency, failures
/// by reason, orders the reconciliation had to queue, and per queue its depth, the age of its oldest message and its poison count. The Functions app forwards them to Application Insights; any OpenTelemetry exporter can too.
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "BitrixRetailCrm";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _ordersPushed;
    private readonly Counter<long> _statusesApplied;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _ordersReconciled;
    private readonly Histogram<double> _pushLatency;
    private readonly Histogram<long> _queueDepth;
    private readonly Histogram<double> _oldestMessageAge;
    private readonly Histogram<long> _poisonMessages;

    public SyncMetrics()
    {
        _ordersPushed = _meter.CreateCounter<long>("orders_pushed", description: "Orders handled by the push, by outcome");
        _statusesApplied = _meter.CreateCounter<long>("statuses_applied", description: "RetailCRM statuses handled, by outcome");
        _failures = _meter.CreateCounter<long>("sync_failures", description: "Dead-lettered messages, by direction and reason");
        _ordersReconciled = _meter.CreateCounter<long>("orders_reconciled",
            description: "Orders the reconciliation queued: updated in Bitrix and not pushed since (a lost hook, or a push still pending)");
        _pushLatency = _meter.CreateHistogram<double>("push_latency", "s", "From hook acknowledgement to RetailCRM write");
        _queueDepth = _meter.CreateHistogram<long>("queue_depth", description: "Approximate messages waiting, sampled per queue");
        _oldestMessageAge = _meter.CreateHistogram<double>("queue_oldest_message_age", "s",
            "Age of the oldest visible message, sampled per queue (0 when empty)");
        _poisonMessages = _meter.CreateHistogram<long>("poison_messages", description: "Messages in the queue's -poison queue, sampled per queue");
    }

    public void OrderPushed(string outcome, TimeSpan sinceHook)
    {
        _ordersPushed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _pushLatency.Record(sinceHook.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void StatusApplied(string outcome) => _statusesApplied.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Failed(string direction, string reason) =>
        _failures.Add(1, new("direction", direction), new("reason", reason));

    public void OrdersReconciled(int count)
    {
        if (count > 0) _ordersReconciled.Add(count);
    }

    public void QueueDepth(string queue, long depth) => _queueDepth.Record(depth, new KeyValuePair<string, object?>("queue", queue));

    public void OldestMessageAge(string queue, double seconds) =>
        _oldestMessageAge.Record(seconds, new KeyValuePair<string, object?>("queue", queue));

    public void PoisonMessages(string queue, long count) => _poisonMessages.Record(count, new KeyValuePair<string, object?>("queue", queue));

    public void Dispose() => _meter.Dispose();
}
