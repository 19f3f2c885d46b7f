using Azure;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

public static class SyncDirection
{
    public const string BitrixToRetailCrm = "bitrix-to-retailcrm";
    public const string RetailCrmToBitrix = "retailcrm-to-bitrix";

    public static readonly IReadOnlyList<string> All = [BitrixToRetailCrm, RetailCrmToBitrix];

    /// <summary>Why <paramref name="direction"/> is not one; null when it is.</summary>
    public static string? Problem(string direction) =>
        All.Contains(direction) ? null : $"Unknown direction \"{direction}\" (known: {string.Join(", ", All)}).";
}

/// <summary>
/// An order that could not be delivered, with everything needed to understand and replay it. <see cref="Open"/> is
/// false once the record was replayed, until the order fails again.
/// </summary>
public sealed record DeadLetter(
    string Direction,
    string OrderId,
    string ReasonCode,
    string Reason,
    string? LastResponse,
    int Attempts,
    string Message,
    DateTimeOffset FailedAt,
    int ReplayCount = 0,
    DateTimeOffset? ReplayedAt = null,
    bool Open = true);

/// <summary>Which records to list; every criterion left null matches all. Replayed records only when asked for.</summary>
public sealed record DeadLetterFilter(string? Direction = null, string? OrderId = null, string? ReasonCode = null,
    bool IncludeReplayed = false);

public sealed class DeadLetterStore(StorageClients storage, IOptions<SyncOptions> options)
{
    /// <summary>
    /// Most characters a record keeps of a text (reason, last response, message): a Table property holds 64 KiB, and a
    /// record must always be writable, whatever upstream sent.
    /// </summary>
    public const int MaxTextLength = 8_000;

    /// <summary>Most characters of an order id kept in the record's key.</summary>
    private const int MaxKeyLength = 200;

    /// <summary>
    /// One record per order and direction; a later failure overwrites the reason, keeps the replay history and opens
    /// the record again (whatever <see cref="DeadLetter.Open"/> says).
    /// </summary>
    public async Task RecordAsync(DeadLetter letter, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entity = new TableEntity(letter.Direction, Key(letter.OrderId))
        {
            ["OrderId"] = Cap(letter.OrderId),
            ["ReasonCode"] = letter.ReasonCode,
            ["Reason"] = Cap(letter.Reason),
            ["LastResponse"] = letter.LastResponse is { } response ? Cap(response) : null,
            ["Attempts"] = letter.Attempts,
            ["Message"] = Cap(letter.Message),
            ["FailedAt"] = letter.FailedAt,
            ["Open"] = true,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct);
    }

    public async Task<DeadLetter?> GetAsync(string direction, string orderId, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(direction, Key(orderId), cancellationToken: ct);
        return response.HasValue ? ToDeadLetter(response.Value!) : null;
    }

    public Task<IReadOnlyList<DeadLetter>> ListOpenAsync(string direction, CancellationToken ct) =>
        FindAsync(new DeadLetterFilter(direction), ct);

    /// <summary>The matching records, oldest failure first; the criteria go to the table service as one query.</summary>
    public async Task<IReadOnlyList<DeadLetter>> FindAsync(DeadLetterFilter filter, CancellationToken ct)
    {
        var conditions = new List<FormattableString>();
        if (filter.Direction is { } direction) conditions.Add($"PartitionKey eq {direction}");
        if (filter.OrderId is { } orderId) conditions.Add($"RowKey eq {Key(orderId)}");
        if (filter.ReasonCode is { } reasonCode) conditions.Add($"ReasonCode eq {reasonCode}");
        if (!filter.IncludeReplayed) conditions.Add($"Open eq {true}");
        var query = conditions.Count == 0 ? null : string.Join(" and ", conditions.Select(TableClient.CreateQueryFilter));
        var table = await TableAsync(ct);
        var letters = new List<DeadLetter>();
        await foreach (var e in table.QueryAsync<TableEntity>(query, cancellationToken: ct))
            letters.Add(ToDeadLetter(e));
        return letters.OrderBy(l => l.FailedAt).ToList();
    }

    /// <summary>(direction, reason code) of every open record: only those two columns leave the table, for counting.</summary>
    public async Task<IReadOnlyList<(string Direction, string ReasonCode)>> OpenReasonsAsync(CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var reasons = new List<(string, string)>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Open eq {true}"),
            select: ["PartitionKey", "ReasonCode"], cancellationToken: ct))
            reasons.Add((e.PartitionKey, e.GetString("ReasonCode") ?? ""));
        return reasons;
    }

    /// <summary>Marks the record as replayed; it stays for the audit trail until the order fails again.</summary>
    public async Task MarkReplayedAsync(DeadLetter letter, DateTimeOffset at, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entity = new TableEntity(letter.Direction, Key(letter.OrderId))
        {
            ["Open"] = false,
            ["ReplayCount"] = letter.ReplayCount + 1,
            ["ReplayedAt"] = at,
        };
        await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, ct);
    }

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.DeadLetterTable, ct);

    /// <summary>
    /// Table keys may not hold '/', '\', '#', '?' or control characters, and an id from upstream can hold anything:
    /// escaped (a Bitrix order id, digits only, stays as it is) and capped.
    /// </summary>
    private static string Key(string orderId)
    {
        var key = Uri.EscapeDataString(orderId);
        return key.Length <= MaxKeyLength ? key : key[..MaxKeyLength];
    }

    private static string Cap(string text) =>
        text.Length <= MaxTextLength ? text : text[..MaxTextLength] + $"… [{text.Length - MaxTextLength} more characters]";

    private static DeadLetter ToDeadLetter(TableEntity e) => new(
        e.PartitionKey, e.GetString("OrderId") ?? Uri.UnescapeDataString(e.RowKey), e.GetString("ReasonCode") ?? "", e.GetString("Reason") ?? "", e.GetString("LastResponse"),
        e.GetInt32("Attempts") ?? 0, e.GetString("Message") ?? "", e.GetDateTimeOffset("FailedAt") ?? default,
        e.GetInt32("ReplayCount") ?? 0, e.GetDateTimeOffset("ReplayedAt"), e.GetBoolean("Open") ?? true);
}
