using Azure;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.StatusSync;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

/// <summary>The newest RetailCRM status applied to a Bitrix order, and which change it came from.</summary>
/// <param name="SyncedStatus">The RetailCRM status of what Bitrix showed after the change was applied (or found
/// newer): with many-to-one maps it may differ from <paramref name="CrmStatus"/>, and the push must not send it back.</param>
public sealed record AppliedStatus(string OrderId, string CrmStatus, LastAppliedChange Change, DateTimeOffset AppliedAt,
    string? SyncedStatus = null);

/// <summary>Where the history poll resumes: after <see cref="SinceId"/>, or from <see cref="StartDate"/> before any entry was seen.</summary>
public sealed record HistoryCursor(long? SinceId, DateTimeOffset? StartDate);

/// <summary>State of the RetailCRM → Bitrix direction: one row per order plus the history cursor.</summary>
public sealed class StatusStateStore(StorageClients storage, IOptions<StatusSyncOptions> options)
{
    private const string OrderPartition = "order";
    private const string CursorPartition = "cursor";
    private const string HistoryCursorRow = "orders-history";

    public async Task<AppliedStatus?> GetAsync(string orderId, CancellationToken ct)
    {
        var e = await FindAsync(OrderPartition, orderId, ct);
        return e is null ? null : ToStatus(e);
    }

    /// <summary>The applied statuses of several orders, a query per 14; orders never changed in RetailCRM are absent.</summary>
    public async Task<IReadOnlyDictionary<string, AppliedStatus>> GetAsync(IReadOnlyCollection<string> orderIds, CancellationToken ct)
    {
        if (orderIds.Count == 0) return new Dictionary<string, AppliedStatus>();
        var (rows, _) = await TableRows.ReadAsync(await TableAsync(ct), OrderPartition, orderIds, ct);
        return rows.ToDictionary(r => r.Key, r => ToStatus(r.Value));
    }

    private static AppliedStatus ToStatus(TableEntity e) => new(e.RowKey, e.GetString("CrmStatus") ?? "",
        new LastAppliedChange(e.GetInt64("LastHistoryId"), e.GetDateTimeOffset("LastChangedAt")),
        e.GetDateTimeOffset("AppliedAt") ?? default, e.GetString("SyncedStatus"));

    public async Task SaveAsync(AppliedStatus status, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        await table.UpsertEntityAsync(new TableEntity(OrderPartition, status.OrderId)
        {
            ["CrmStatus"] = status.CrmStatus,
            ["LastHistoryId"] = status.Change.HistoryId,
            ["LastChangedAt"] = status.Change.ChangedAt,
            ["AppliedAt"] = status.AppliedAt,
            ["SyncedStatus"] = status.SyncedStatus,
        }, TableUpdateMode.Replace, ct);
    }

    public async Task<HistoryCursor?> GetCursorAsync(CancellationToken ct)
    {
        var e = await FindAsync(CursorPartition, HistoryCursorRow, ct);
        return e is null ? null : new HistoryCursor(e.GetInt64("SinceId"), e.GetDateTimeOffset("StartDate"));
    }

    public async Task SaveCursorAsync(HistoryCursor cursor, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        await table.UpsertEntityAsync(new TableEntity(CursorPartition, HistoryCursorRow)
        {
            ["SinceId"] = cursor.SinceId,
            ["StartDate"] = cursor.StartDate,
        }, TableUpdateMode.Replace, ct);
    }

    private async Task<TableEntity?> FindAsync(string partition, string row, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.StatusStateTable, ct);
}
