using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;

namespace BitrixRetailCrm.Operations;

/// <summary>What one replay did: the orders queued again, and those left alone with the reason why.</summary>
public sealed record ReplayReport(IReadOnlyList<DeadLetter> Replayed, IReadOnlyList<(string OrderId, string Problem)> Skipped);

/// <summary>
/// Sends dead-lettered orders (Bitrix → RetailCRM) through the orders queue again, typically after the mapping that
/// stopped them was added. The record is marked replayed before the message is queued: the push may fail again within
/// milliseconds and re-open the record, and that newer state must not be overwritten by the replay mark.
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterStore deadLetters, OrderQueue queue, TimeProvider clock)
{
    public const string ReplaySource = "replay";

    /// <summary>Replays the record of one order, open or already replayed; null when the order has no record.</summary>
    public async Task<ReplayReport?> ReplayOrderAsync(string orderId, CancellationToken ct)
    {
        var letter = await deadLetters.GetAsync(SyncDirection.BitrixToRetailCrm, orderId, ct);
        return letter is null ? null : await ReplayAsync([letter], ct);
    }

    /// <summary>Replays every open record whose reason code equals <paramref name="reasonCode"/> (e.g. unmapped-delivery).</summary>
    public async Task<ReplayReport> ReplayReasonAsync(string reasonCode, CancellationToken ct) =>
        await ReplayAsync((await OpenAsync(ct)).Where(l => l.ReasonCode == reasonCode).ToList(), ct);

    public async Task<ReplayReport> ReplayAllOpenAsync(CancellationToken ct) => await ReplayAsync(await OpenAsync(ct), ct);

    public Task<IReadOnlyList<DeadLetter>> OpenAsync(CancellationToken ct) =>
        deadLetters.ListOpenAsync(SyncDirection.BitrixToRetailCrm, ct);

    private async Task<ReplayReport> ReplayAsync(IReadOnlyList<DeadLetter> letters, CancellationToken ct)
    {
        var replayed = new List<DeadLetter>();
        var skipped = new List<(string, string)>();
        foreach (var letter in letters.OrderBy(l => l.FailedAt))
        {
            OrderMessage original;
            try
            {
                original = OrderMessage.FromJson(letter.Message);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
            {
                skipped.Add((letter.OrderId, $"the stored message cannot be read ({ex.Message}); nothing to replay"));
                continue;
            }
            var now = clock.GetUtcNow();
            await deadLetters.MarkReplayedAsync(letter, now, ct);
            try
            {
                await queue.EnqueueAsync(original with { Source = ReplaySource, ReceivedAt = now }, ct);
            }
            catch
            {
                // Not queued after all: open the record again (the replay count stays as an honest trace of the attempt).
                await deadLetters.RecordAsync(letter, CancellationToken.None);
                throw;
            }
            replayed.Add(letter with { ReplayCount = letter.ReplayCount + 1, ReplayedAt = now });
        }
        return new ReplayReport(replayed, skipped);
    }
}
