using Azure;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// What was last pushed for an order: the RetailCRM id, hashes of the payloads, the status sent (to recognise our
/// own write when RetailCRM reports it back), when, and the Bitrix dateUpdate of the order version last handled: pushed,
/// found unchanged, or refused for good (the reconciliation skips an order listed with that dateUpdate).
/// </summary>
public sealed record OrderPushState(string OrderId, long? CrmId, string? OrderHash, string? CustomerHash,
    string? PushedStatus, DateTimeOffset? PushedAt, DateTimeOffset? PushedDateUpdate, ETag ETag);

/// <summary>
/// Where the reconciliation resumes: orders updated at or after <see cref="Since"/>, in id order after
/// <see cref="AfterId"/> when a scan is half done. <see cref="ScanStartedAt"/> is Bitrix's time when that scan began,
/// the start of the next scan.
/// </summary>
public sealed record ReconcileCursor(DateTimeOffset Since, long? AfterId, DateTimeOffset? ScanStartedAt);

/// <summary>
/// Per-order state in Table Storage. A short lease row-field, written with ETag concurrency, keeps two instances from
/// pushing the same order at once; within one instance <see cref="Sync.PushBatcher"/> already keeps an order in one batch at a time.
/// Lease times are the storage service's clock (the Date of the read), not the instance's: instances' clocks may
/// disagree, and the leases of an instance that crashed then expire on the same clock as its queue messages' leases.
/// </summary>
public sealed class OrderStateStore(StorageClients storage, IOptions<SyncOptions> options)
{
    private const string Partition = "order";
    private const string CursorPartition = "cursor";
    private const string ReconcileCursorRow = "order-reconcile";

    public async Task<OrderPushState?> GetAsync(string orderId, CancellationToken ct)
    {
        var entity = await FindAsync(orderId, ct);
        return entity is null ? null : ToState(entity);
    }

    /// <summary>The states of several orders with a query per 14; orders never pushed are absent.</summary>
    public async Task<IReadOnlyDictionary<string, OrderPushState>> GetAsync(IReadOnlyCollection<string> orderIds, CancellationToken ct)
    {
        if (orderIds.Count == 0) return new Dictionary<string, OrderPushState>();
        var (rows, _) = await ReadAsync(await TableAsync(ct), orderIds, ct);
        return rows.ToDictionary(r => r.Key, r => ToState(r.Value));
    }

    /// <summary>
    /// Takes the leases of a batch of orders with a few queries and one entity-group transaction (the rows share a
    /// partition), instead of a read and a write per order. Orders another instance holds, or takes meanwhile, are
    /// left out of the answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, OrderPushState>> AcquireAsync(IReadOnlyCollection<string> orderIds, string owner,
        TimeSpan duration, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var (rows, now) = await ReadAsync(table, orderIds, ct);
        var free = new List<TableEntity>();
        foreach (var id in orderIds.Distinct())
        {
            var entity = rows.GetValueOrDefault(id) ?? new TableEntity(Partition, id);
            if (entity.GetDateTimeOffset("LeaseUntil") > now && entity.GetString("LeaseOwner") != owner) continue;
            entity["LeaseUntil"] = now + duration;
            entity["LeaseOwner"] = owner;
            free.Add(entity);
        }
        var leased = await TakeAsync(table, free, ct);
        return leased.ToDictionary(e => e.RowKey, ToState);
    }

    /// <summary>Writes the leases; an order whose row changed since the read drops out and the rest are tried again.</summary>
    private static async Task<List<TableEntity>> TakeAsync(TableClient table, List<TableEntity> entities, CancellationToken ct)
    {
        while (entities.Count > 0)
        {
            try
            {
                var response = await table.SubmitTransactionAsync(entities.Select(e => e.ETag == default
                    ? new TableTransactionAction(TableTransactionActionType.Add, e)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, e.ETag)), ct);
                for (var i = 0; i < entities.Count; i++) entities[i].ETag = response.Value[i].Headers.ETag ?? default;
                return entities;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                if (ex.FailedTransactionActionIndex is { } failed) entities.RemoveAt(failed);
                else if (entities.Count == 1) return [];
                else return (await Task.WhenAll(entities.Select(e => TakeAsync(table, [e], ct)))).SelectMany(e => e).ToList();
            }
        }
        return entities;
    }

    private static Task<(Dictionary<string, TableEntity> Rows, DateTimeOffset Now)> ReadAsync(TableClient table,
        IReadOnlyCollection<string> orderIds, CancellationToken ct) => TableRows.ReadAsync(table, Partition, orderIds, ct);

    /// <summary>
    /// Records the pushes and gives back the other leases of a batch in one transaction. False when the transaction
    /// was refused (a lease lost to another instance, or storage failing): nothing was written, and the caller finishes
    /// each order alone to learn which one failed.
    /// </summary>
    public async Task<bool> FinishAsync(IReadOnlyList<(OrderPushState Lease, OrderPushState? Pushed)> orders, CancellationToken ct)
    {
        if (orders.Count == 0) return true;
        var table = await TableAsync(ct);
        try
        {
            await table.SubmitTransactionAsync(orders.Select(o => o.Pushed is { } pushed
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, Pushed(pushed), pushed.ETag)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, Released(o.Lease), o.Lease.ETag)), ct);
            return true;
        }
        catch (RequestFailedException)
        {
            return false;
        }
    }

    /// <summary>Records a push and releases the lease.</summary>
    public async Task SaveAsync(OrderPushState state, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        await table.UpdateEntityAsync(Pushed(state), state.ETag, TableUpdateMode.Replace, ct);
    }

    private static TableEntity Pushed(OrderPushState state) => new(Partition, state.OrderId)
    {
        ["CrmId"] = state.CrmId,
        ["OrderHash"] = state.OrderHash,
        ["CustomerHash"] = state.CustomerHash,
        ["PushedStatus"] = state.PushedStatus,
        ["PushedAt"] = state.PushedAt,
        ["PushedDateUpdate"] = state.PushedDateUpdate,
    };

    private static TableEntity Released(OrderPushState state) => new(Partition, state.OrderId) { ["LeaseUntil"] = DateTimeOffset.UnixEpoch };

    /// <summary>Gives the lease back without recording anything (the push failed or was not needed).</summary>
    public async Task ReleaseAsync(OrderPushState state, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        try { await table.UpdateEntityAsync(Released(state), state.ETag, TableUpdateMode.Merge, ct); }
        catch (RequestFailedException ex) when (ex.Status == 412) { } // lease expired and was taken over: nothing to give back
    }

    public async Task<ReconcileCursor?> GetReconcileCursorAsync(CancellationToken ct)
    {
        var e = await FindAsync(ReconcileCursorRow, ct, CursorPartition);
        return e?.GetDateTimeOffset("Since") is { } since
            ? new ReconcileCursor(since, e.GetInt64("AfterId"), e.GetDateTimeOffset("ScanStartedAt"))
            : null;
    }

    public async Task SaveReconcileCursorAsync(ReconcileCursor cursor, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        await table.UpsertEntityAsync(new TableEntity(CursorPartition, ReconcileCursorRow)
        {
            ["Since"] = cursor.Since,
            ["AfterId"] = cursor.AfterId,
            ["ScanStartedAt"] = cursor.ScanStartedAt,
        }, TableUpdateMode.Replace, ct);
    }

    private async Task<TableEntity?> FindAsync(string row, CancellationToken ct, string partition = Partition)
    {
        var table = await TableAsync(ct);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.OrderStateTable, ct);

    private static OrderPushState ToState(TableEntity e) => new(e.RowKey, e.GetInt64("CrmId"), e.GetString("OrderHash"),
        e.GetString("CustomerHash"), e.GetString("PushedStatus"), e.GetDateTimeOffset("PushedAt"),
        e.GetDateTimeOffset("PushedDateUpdate"), e.ETag);
}

public sealed class OrderBusyException(string orderId)
    : Exception($"Order {orderId} is being pushed by another instance; the message will be retried");
