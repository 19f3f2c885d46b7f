using System.Text.Json;
using BitrixRetailCrm.Storage;
using Microsoft.AspNetCore.Mvc;

namespace BitrixRetailCrm.Operations;

/// <summary>GET /api/ops/status: the body, field names as documented in the README (Operations).</summary>
/// <param name="Queues">Keyed by <see cref="QueueStatusReader.OrdersQueue"/> and <see cref="QueueStatusReader.StatusQueue"/>.</param>
public sealed record OperationsStatus(DateTimeOffset CheckedAt, IReadOnlyDictionary<string, QueueStatus> Queues, DeadLetterCounts DeadLetters);

/// <summary>Records not yet replayed: in all, and per direction by reason code (every direction present, maybe empty).</summary>
public sealed record DeadLetterCounts(int Open, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByDirection);

/// <summary>Queue depths, oldest-message ages, poison counts and open dead letters: counts only, no order data.</summary>
public sealed class OperationsStatusHandler(QueueStatusReader queues, DeadLetterStore deadLetters, TimeProvider clock)
{
    /// <summary>Web defaults (camelCase), set here so the field names do not depend on how the host configures MVC.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IActionResult> HandleAsync(CancellationToken ct)
    {
        var checkedAt = clock.GetUtcNow();
        var letters = await deadLetters.OpenReasonsAsync(ct);
        var byDirection = SyncDirection.All.ToDictionary(d => d, IReadOnlyDictionary<string, int> (d) => letters
            .Where(l => l.Direction == d)
            .GroupBy(l => l.ReasonCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count()));
        var open = byDirection.Values.Sum(reasons => reasons.Values.Sum());
        var status = new OperationsStatus(checkedAt, await queues.ReadAsync(ct), new DeadLetterCounts(open, byDirection));
        return new JsonResult(status, Json);
    }
}
