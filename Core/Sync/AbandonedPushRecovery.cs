using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public sealed record RecoveryResult(int Requeued, int CaughtUp);

/// <summary>
/// What a crash costs is set here rather than by the queue extension, which keeps the messages of an instance that died
/// invisible for its fixed 10-minute lease. Every push leases its orders with a marker row that a push which ends, in
/// success or failure, removes. A marker whose lease ran out therefore belongs to a push that died: its order is queued
/// again at once, and, since the dead instance may also have held messages it had not leased yet, the orders updated in
/// Bitrix from shortly before its oldest abandoned lease are reconciled (queued when not pushed since). The messages
/// that come back after 10 minutes find their orders unchanged and write nothing.
/// </summary>
public sealed class AbandonedPushRecovery(
    OrderStateStore states,
    OrderQueue queue,
    OrderReconciler reconciler,
    IOptions<SyncOptions> sync,
    TimeProvider clock,
    ILogger<AbandonedPushRecovery> log)
{
    public const string Source = "recovery";

    /// <summary>A re-queued order is not queued again for this long while its message waits for its turn.</summary>
    private static readonly TimeSpan RequeueHold = TimeSpan.FromMinutes(5);

    private readonly OneRunAtATime _single = new();

    public Task<RecoveryResult> RunAsync(CancellationToken ct) => _single.RunAsync(RecoverAsync, ct);

    private async Task<RecoveryResult> RecoverAsync(CancellationToken ct)
    {
        var (abandoned, now) = await states.GetAbandonedAsync(ct);
        if (abandoned.Count == 0) return new RecoveryResult(0, 0);
        var requeued = 0;
        foreach (var lease in abandoned)
        {
            if (!await states.RequeuedAsync(lease, now + RequeueHold, ct)) continue; // its push took it back meanwhile
            await queue.EnqueueAsync(new OrderMessage(lease.OrderId, lease.SiteId, Source, clock.GetUtcNow()), ct);
            requeued++;
            if (lease.Owner != "requeued")
                log.LogWarning("Order {OrderId}: the push by {Owner} that leased it at {LeasedAt} never finished (its instance died); queued again",
                    lease.OrderId, lease.Owner, lease.LeasedAt);
        }
        var dead = abandoned.Where(l => l.Owner != "requeued").ToList();
        if (dead.Count == 0) return new RecoveryResult(requeued, 0);
        // A message is received at most the window plus three push deadlines before its batch leases it.
        var limits = sync.Value;
        var since = dead.Min(l => l.LeasedAt) - limits.PushBatchWindow - 3 * limits.PushDeadline;
        var caughtUp = await reconciler.CatchUpAsync(since, ct);
        log.LogWarning("Recovered {Count} push(es) of an instance that died: queued them again, and {CaughtUp} order(s) updated since {Since} that were not pushed",
            dead.Count, caughtUp.Enqueued, since);
        return new RecoveryResult(requeued, caughtUp.Enqueued);
    }
}
