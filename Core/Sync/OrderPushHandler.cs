using System.Security.Cryptography;
using System.Text;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public enum PushOutcome { Created, Updated, Unchanged, DeadLettered }

/// <summary>
/// The queue function's work: load the order from Bitrix, map it, and upsert customer then order in RetailCRM, writing
/// nothing when the payload equals what was pushed last. Permanent failures are dead-lettered at once; transient ones
/// are rethrown for the queue to retry, and dead-lettered too on the last attempt before the host poisons them.
/// <para>
/// The queue trigger hands over one message per invocation; concurrent invocations are gathered by
/// <see cref="PushBatcher"/> into batches of up to 100 orders (<see cref="SyncOptions.PushBatchSize"/>), pushed by
/// <see cref="OrderBatchPush"/> with a few requests per batch: Bitrix <c>batch</c> reads, a customers lookup and upload,
/// orders/upload for the new orders, and edits only for orders that really changed. Each invocation still gets its own
/// outcome or exception, within <see cref="PushBatchLimits.MaxWait"/>.
/// </para>
/// </summary>
public sealed class OrderPushHandler : IDisposable
{
    private readonly QueueFailures _failures;
    private readonly SyncMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly PushBatcher _batcher;

    public OrderPushHandler(
        BitrixClient bitrix,
        RetailCrmClient crm,
        MappingStore mappings,
        OrderStateStore states,
        StatusStateStore statusStates,
        CustomerWriter customers,
        QueueFailures failures,
        SyncMetrics metrics,
        IOptions<SyncOptions> sync,
        IOptions<RetailCrmOptions> retailCrm,
        TimeProvider clock,
        ILogger<OrderPushHandler> log)
    {
        _failures = failures;
        _metrics = metrics;
        _clock = clock;
        var push = new OrderBatchPush(bitrix, crm, mappings, states, statusStates, customers, sync, retailCrm, clock, log);
        var o = sync.Value;
        _batcher = new PushBatcher(push.PushAsync,
            new PushBatchLimits(o.PushBatchSize, o.PushBatchWindow, o.MaxConcurrentPushBatches, o.PushDeadline), clock,
            message => log.LogInformation("Order {OrderId}: repeated message joins the push already waiting; no extra read or write",
                message.OrderId));
    }

    /// <summary>Batches started by this instance so far.</summary>
    public int BatchesStarted => _batcher.BatchesStarted;

    public async Task<PushOutcome> HandleAsync(string messageJson, long dequeueCount, CancellationToken ct)
    {
        OrderMessage? message = null;
        try
        {
            message = OrderMessage.FromJson(messageJson);
            var outcome = await _batcher.PushAsync(message, ct);
            _metrics.OrderPushed(outcome.ToString(), _clock.GetUtcNow() - message.ReceivedAt);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _failures.HandleAsync(ex, SyncDirection.BitrixToRetailCrm, message?.OrderId ?? "unreadable", messageJson, dequeueCount);
            return PushOutcome.DeadLettered;
        }
    }

    public void Dispose() => _batcher.Dispose();
}
