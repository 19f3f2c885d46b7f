using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.StatusSync;

public sealed record HistoryPollResult(int Pages, int Applied, long? SinceId);

/// <summary>
/// The source of truth behind the triggers: reads orders/history after a cursor and applies the status changes the
/// webhook path missed. The cursor moves only after a page's changes are applied (the official modules save it first
/// and lose changes on a crash); a transient failure stops the run with the cursor where it was.
/// </summary>
public sealed class HistoryPoller(
    RetailCrmClient crm,
    StatusApplier applier,
    StatusStateStore states,
    QueueFailures failures,
    CrmTime crmTime,
    IOptions<StatusSyncOptions> options,
    TimeProvider clock,
    ILogger<HistoryPoller> log)
{
    private readonly OneRunAtATime _single = new();

    public Task<HistoryPollResult> RunAsync(CancellationToken ct) => _single.RunAsync(PollAsync, ct);

    private async Task<HistoryPollResult> PollAsync(CancellationToken ct)
    {
        var cursor = await states.GetCursorAsync(ct) ?? await StartCursorAsync(ct);
        int pages = 0, applied = 0;
        while (pages < options.Value.HistoryMaxPagesPerRun)
        {
            var json = await crm.GetOrderHistoryAsync(cursor.SinceId,
                cursor.StartDate is { } start ? crmTime.Format(start) : null, options.Value.HistoryPageLimit, ct);
            var page = OrderHistoryParser.Parse(json, crmTime.Zone);
            pages++;
            foreach (var entry in page.Rejected)
                await failures.RecordAsync(new MalformedHistoryEntryException(entry), SyncDirection.RetailCrmToBitrix, entry.RecordKey,
                    entry.ReplayMessage(clock.GetUtcNow()), 1);
            foreach (var change in page.StatusChanges)
                applied += await ApplyAsync(change, ct) ? 1 : 0;
            if (page.LastId is null) break;
            cursor = cursor with { SinceId = page.LastId };
            await states.SaveCursorAsync(cursor, ct);
            if (!page.HasMore) break;
        }
        if (applied > 0) log.LogInformation("History poll applied {Count} status change(s) up to history id {SinceId}", applied, cursor.SinceId);
        return new HistoryPollResult(pages, applied, cursor.SinceId);
    }

    /// <summary>First run: from the configured start date, else from now — older history is not replayed into Bitrix.</summary>
    private async Task<HistoryCursor> StartCursorAsync(CancellationToken ct)
    {
        var cursor = new HistoryCursor(null, options.Value.HistoryStartDate ?? clock.GetUtcNow());
        await states.SaveCursorAsync(cursor, ct);
        return cursor;
    }

    private async Task<bool> ApplyAsync(CrmStatusChange change, CancellationToken ct)
    {
        try
        {
            return await applier.ApplyAsync(change, null, ct) == StatusApplyOutcome.Applied;
        }
        catch (Exception ex) when (QueueFailures.IsPermanent(ex))
        {
            // A bad change (unknown status) must not hold the cursor, or every later change would wait behind it.
            await failures.RecordAsync(ex, SyncDirection.RetailCrmToBitrix, change.ExternalId!,
                StatusChangeMessage.From(change, clock.GetUtcNow()).ToJson(), 1);
            return false;
        }
    }
}
