using BitrixRetailCrm.StatusSync;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;

namespace BitrixRetailCrm.Operations;

public sealed record SkippedReplay(string OrderId, string Problem);

/// <summary>What one replay did: the orders queued again, and those left alone with the reason why.</summary>
public sealed record ReplayReport(IReadOnlyList<DeadLetter> Replayed, IReadOnlyList<SkippedReplay> Skipped);

/// <summary>
/// Sends dead-lettered messages through their queue again, typically after the mapping that stopped them was added:
/// Bitrix → RetailCRM records (an <see cref="OrderMessage"/>) go to the orders queue, RetailCRM → Bitrix records (a
/// <see cref="StatusChangeMessage"/>) to the status queue. The record is marked replayed before the message is queued:
/// the handler may fail again within milliseconds and re-open the record, and that newer state must not be overwritten
/// by the replay mark.
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterStore deadLetters, OrderQueue orderQueue, StatusQueue statusQueue, TimeProvider clock)
{
    public const string ReplaySource = "replay";

    /// <summary>
    /// Replays the record of one order (open or already replayed) when <paramref name="orderId"/> is given, else every
    /// open record with <paramref name="reasonCode"/> (e.g. unmapped-delivery), else every open record; the callers
    /// (CLI, HTTP) check that at most one is given. Null when the order has no record.
    /// </summary>
    /// <param name="direction">A <see cref="SyncDirection"/> value.</param>
    /// <param name="orderId">For RetailCRM → Bitrix, the key the record was written under: the externalId, or crm-{id}.</param>
    public async Task<ReplayReport?> ReplayAsync(string direction, string? orderId, string? reasonCode, CancellationToken ct)
    {
        if (orderId is null)
            return await ReplayAsync(await deadLetters.FindAsync(new DeadLetterFilter(direction, ReasonCode: reasonCode), ct), ct);
        var letter = await deadLetters.GetAsync(direction, orderId, ct);
        return letter is null ? null : await ReplayAsync([letter], ct);
    }

    /// <param name="letters">Oldest failure first, as <see cref="DeadLetterStore.FindAsync"/> lists them.</param>
    private async Task<ReplayReport> ReplayAsync(IReadOnlyList<DeadLetter> letters, CancellationToken ct)
    {
        var replayed = new List<DeadLetter>();
        var skipped = new List<SkippedReplay>();
        foreach (var letter in letters)
        {
            var now = clock.GetUtcNow();
            Func<CancellationToken, Task> resend;
            try
            {
                resend = Resend(letter, now);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
            {
                skipped.Add(new(letter.OrderId, $"the stored message cannot be read ({ex.Message}); nothing to replay"));
                continue;
            }
            await deadLetters.MarkReplayedAsync(letter, now, ct);
            try
            {
                await resend(ct);
            }
            catch
            {
                // Not queued after all: open the record again (the replay count stays as an honest trace of the attempt).
                await deadLetters.RecordAsync(letter, CancellationToken.None);
                throw;
            }
            replayed.Add(letter with { ReplayCount = letter.ReplayCount + 1, ReplayedAt = now, Open = false });
        }
        return new ReplayReport(replayed, skipped);
    }

    /// <summary>The queue write that sends the stored message again; parsed first, so an unreadable one changes nothing.</summary>
    private Func<CancellationToken, Task> Resend(DeadLetter letter, DateTimeOffset now)
    {
        if (letter.Direction == SyncDirection.RetailCrmToBitrix)
        {
            // The status handler re-reads the order from RetailCRM, so the replay applies the current status.
            var change = StatusChangeMessage.FromJson(letter.Message) with { ReceivedAt = now };
            return ct => statusQueue.EnqueueAsync(change, ct);
        }
        var order = OrderMessage.FromJson(letter.Message) with { Source = ReplaySource, ReceivedAt = now };
        return ct => orderQueue.EnqueueAsync(order, ct);
    }
}
