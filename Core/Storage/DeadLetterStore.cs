using Azure;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

public static class SyncDirection
{
    public const string BitrixToRetailCrm = "bitrix-to-retailcrm";
    public const string RetailCrmToBitrix = "retailcrm-to-bitrix";
}

/// <summary>An order that could not be delivered, with everything needed to understand and replay it.</summary>
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
    DateTimeOffset? ReplayedAt = null);

public sealed class DeadLetterStore(StorageClients storage, IOptions<SyncOptions> options)
{
    /// <summary>One record per order and direction; a later failure overwrites the reason but keeps the replay history.</summary>
    public async Task RecordAsync(DeadLetter letter, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entity = new TableEntity(letter.Direction, letter.OrderId)
        {
            ["OrderId"] = letter.OrderId,
            ["ReasonCode"] = letter.ReasonCode,
            ["Reason"] = letter.Reason,
            ["LastResponse"] = letter.LastResponse,
            ["Attempts"] = letter.Attempts,
            ["Message"] = letter.Message,
            ["FailedAt"] = letter.FailedAt,
            ["Open"] = true,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct);
    }

    public async Task<DeadLetter?> GetAsync(string direction, string orderId, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(direction, orderId, cancellationToken: ct);
        return response.HasValue ? ToDeadLetter(response.Value!) : null;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListOpenAsync(string direction, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var letters = new List<DeadLetter>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == direction && e.GetBoolean("Open") == true, cancellationToken: ct))
            letters.Add(ToDeadLetter(e));
        return letters;
    }

    /// <summary>Marks the record as replayed; it stays for the audit trail until the order fails again.</summary>
    public async Task MarkReplayedAsync(DeadLetter letter, DateTimeOffset at, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entity = new TableEntity(letter.Direction, letter.OrderId)
        {
            ["Open"] = false,
            ["ReplayCount"] = letter.ReplayCount + 1,
            ["ReplayedAt"] = at,
        };
        await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, ct);
    }

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.DeadLetterTable, ct);

    private static DeadLetter ToDeadLetter(TableEntity e) => new(
        e.PartitionKey, e.RowKey, e.GetString("ReasonCode") ?? "", e.GetString("Reason") ?? "", e.GetString("LastResponse"),
        e.GetInt32("Attempts") ?? 0, e.GetString("Message") ?? "", e.GetDateTimeOffset("FailedAt") ?? default,
        e.GetInt32("ReplayCount") ?? 0, e.GetDateTimeOffset("ReplayedAt"));
}
