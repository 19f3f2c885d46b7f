using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public sealed record ReconcileResult(int Pages, int Listed, int Enqueued, ReconcileCursor Cursor);

/// <summary>
/// The safety net under the order hook: Bitrix sends an outbound webhook once and never again when it fails
/// (bitrix-api.md §4.4), so a timer lists the orders updated since a cursor (sale.order.list by id, start=-1, pages
/// chained in one batch) and queues, as source "reconcile", those whose dateUpdate is not the one last pushed. The
/// cursor moves only after a page's orders are queued, so a crash or a queue failure re-reads them next run; a run
/// reads at most <see cref="ReconcileOptions.MaxPagesPerRun"/> pages and the next one continues the scan.
/// </summary>
public sealed class OrderReconciler(
    BitrixClient bitrix,
    OrderStateStore states,
    OrderQueue queue,
    SyncMetrics metrics,
    IOptions<ReconcileOptions> options,
    TimeProvider clock,
    ILogger<OrderReconciler> log)
{
    public const string Source = "reconcile";

    private readonly OneRunAtATime _single = new();

    public Task<ReconcileResult> RunAsync(CancellationToken ct) => _single.RunAsync(ReconcileAsync, ct);

    private async Task<ReconcileResult> ReconcileAsync(CancellationToken ct)
    {
        var o = options.Value;
        var cursor = await states.GetReconcileCursorAsync(ct) ?? await StartCursorAsync(o, ct);
        return await ScanAsync(cursor, c => states.SaveReconcileCursorAsync(c, ct), ct);
    }

    /// <summary>
    /// Queues the orders updated in Bitrix since <paramref name="since"/> and not pushed since, without moving the
    /// reconciliation's cursor: after an instance died, for the messages it held but had not leased yet.
    /// </summary>
    public Task<ReconcileResult> CatchUpAsync(DateTimeOffset since, CancellationToken ct) =>
        _single.RunAsync(token => ScanAsync(new ReconcileCursor(since, null, null), _ => Task.CompletedTask, token), ct);

    private async Task<ReconcileResult> ScanAsync(ReconcileCursor cursor, Func<ReconcileCursor, Task> save, CancellationToken ct)
    {
        var o = options.Value;
        int pages = 0, listed = 0, enqueued = 0, perRequest = 1;
        var complete = false;
        while (!complete && pages < o.MaxPagesPerRun)
        {
            // One page first (the usual few updates cost one request); while pages come back full, twice as many per batch.
            var read = await bitrix.ListUpdatedOrdersAsync(cursor.Since, cursor.AfterId, Math.Min(perRequest, o.MaxPagesPerRun - pages), ct);
            perRequest = Math.Min(perRequest * 2, BitrixClient.MaxBatchCommands);
            // Dated by Bitrix's clock, not ours, so clock skew cannot open a gap between one scan and the next.
            var scanStartedAt = cursor.ScanStartedAt ?? read.ServerTime ?? clock.GetUtcNow();
            foreach (var page in read.Pages) // ends with the scan's short last page, if this batch reached it
            {
                pages++;
                listed += page.Count;
                enqueued += await EnqueueChangedAsync(page, ct);
                complete = page.Count < BitrixClient.ListPageSize;
                cursor = complete
                    ? new ReconcileCursor(scanStartedAt - o.Overlap, null, null)
                    : cursor with { AfterId = long.Parse(page[^1].Id), ScanStartedAt = scanStartedAt };
                await save(cursor);
            }
        }
        if (!complete)
            log.LogInformation("Reconciliation stopped after {Pages} page(s) at order {AfterId}; the next run continues", pages, cursor.AfterId);
        if (enqueued > 0)
            log.LogInformation("Reconciliation queued {Enqueued} of {Listed} updated order(s) not pushed since their update", enqueued, listed);
        return new ReconcileResult(pages, listed, enqueued, cursor);
    }

    /// <summary>First run: from now minus the lookback, saved at once so that failing runs do not slide the start forward.</summary>
    private async Task<ReconcileCursor> StartCursorAsync(ReconcileOptions o, CancellationToken ct)
    {
        var cursor = new ReconcileCursor(clock.GetUtcNow() - o.Lookback, null, null);
        await states.SaveReconcileCursorAsync(cursor, ct);
        return cursor;
    }

    /// <summary>
    /// Queues the orders of a page whose listed dateUpdate is not the one last pushed (unknown orders included). The
    /// overlap's repeats and the echoes of our own status writes carry a recorded dateUpdate and are skipped.
    /// </summary>
    private async Task<int> EnqueueChangedAsync(IReadOnlyList<BitrixOrderStamp> page, CancellationToken ct)
    {
        var pushed = await states.GetAsync(page.Select(row => row.Id).ToList(), ct);
        var changed = page.Where(row => row.DateUpdate is not { } listed
            || pushed.GetValueOrDefault(row.Id)?.PushedDateUpdate != listed).ToList();
        var now = clock.GetUtcNow();
        await Task.WhenAll(changed.Select(async row =>
        {
            await queue.EnqueueAsync(new OrderMessage(row.Id, row.SiteId, Source, now), ct);
            log.LogInformation("Order {OrderId} was updated in Bitrix at {DateUpdate} and not pushed since; queued by the reconciliation",
                row.Id, row.DateUpdate);
        }));
        metrics.OrdersReconciled(changed.Count);
        return changed.Count;
    }
}
