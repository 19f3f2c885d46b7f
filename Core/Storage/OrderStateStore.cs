using Azure;
using System.Text.Json;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// What was last pushed for an order: the RetailCRM id, hashes of the payloads, when, and the Bitrix dateUpdate of the
/// order version last handled: pushed, found unchanged, or refused for good (the reconciliation skips an order listed
/// with that dateUpdate).
/// </summary>
/// <param name="PushedStatus">The RetailCRM status of Bitrix's status at the last push, sent or found unchanged.</param>
/// <param name="FieldHashes">A hash per top-level field of the order as Bitrix had it at the last push: a push sends
/// only the fields whose hash changed, so what a manager changed in RetailCRM is not written over.</param>
/// <param name="StatusSyncedAt">When <paramref name="PushedStatus"/> was recorded.</param>
/// <param name="StatusSentAt">When a push last wrote the status to RetailCRM.</param>
public sealed record OrderPushState(string OrderId, long? CrmId, string? OrderHash, string? CustomerHash,
    string? PushedStatus, DateTimeOffset? PushedAt, DateTimeOffset? PushedDateUpdate, ETag ETag,
    IReadOnlyDictionary<string, string>? FieldHashes = null, DateTimeOffset? StatusSyncedAt = null, DateTimeOffset? StatusSentAt = null);

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

    /// <summary>
    /// Most orders one lease or finish transaction takes: an entity-group transaction holds at most 100 operations, and
    /// each order has its row and its lease marker.
    /// </summary>
    public const int MaxOrdersPerTransaction = 50;
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
    /// left out of the answer. Each lease also gets a marker row in the same transaction (see
    /// <see cref="GetAbandonedAsync"/>), so that the orders of an instance that dies mid-push are found without
    /// scanning every order.
    /// </summary>
    /// <param name="orders">Order id → Bitrix site id (the marker keeps it, to queue the order again).</param>
    public async Task<IReadOnlyDictionary<string, OrderPushState>> AcquireAsync(IReadOnlyDictionary<string, string> orders,
        string owner, TimeSpan duration, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var (rows, now) = await ReadAsync(table, orders.Keys.ToList(), ct);
        var free = new List<(TableEntity Order, TableEntity Marker)>();
        foreach (var (id, site) in orders)
        {
            var entity = rows.GetValueOrDefault(id) ?? new TableEntity(Partition, id);
            if (entity.GetDateTimeOffset("LeaseUntil") > now && entity.GetString("LeaseOwner") != owner) continue;
            entity["LeaseUntil"] = now + duration;
            entity["LeaseOwner"] = owner;
            free.Add((entity, new TableEntity(Partition, MarkerKey(id))
            {
                ["SiteId"] = site,
                ["LeaseOwner"] = owner,
                ["LeasedAt"] = now,
                ["LeaseUntil"] = now + duration,
            }));
        }
        var leased = await TakeAsync(table, free, ct);
        return leased.ToDictionary(e => e.RowKey, ToState);
    }

    /// <summary>Writes the leases; an order whose row changed since the read drops out and the rest are tried again.</summary>
    private static async Task<List<TableEntity>> TakeAsync(TableClient table, List<(TableEntity Order, TableEntity Marker)> leases,
        CancellationToken ct)
    {
        while (leases.Count > 0)
        {
            try
            {
                var response = await table.SubmitTransactionAsync(leases.SelectMany(l => new[]
                {
                    l.Order.ETag == default
                        ? new TableTransactionAction(TableTransactionActionType.Add, l.Order)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, l.Order, l.Order.ETag),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, l.Marker),
                }), ct);
                for (var i = 0; i < leases.Count; i++) leases[i].Order.ETag = response.Value[2 * i].Headers.ETag ?? default;
                return leases.Select(l => l.Order).ToList();
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                if (ex.FailedTransactionActionIndex is { } failed) leases.RemoveAt(failed / 2);
                else if (leases.Count == 1) return [];
                else return (await Task.WhenAll(leases.Select(l => TakeAsync(table, [l], ct)))).SelectMany(e => e).ToList();
            }
        }
        return [];
    }

    /// <summary>Markers sort after every order id (digits) and before "~lease~~", so one range query finds them all.</summary>
    private const string MarkerPrefix = "~lease~";

    private static string MarkerKey(string orderId) => MarkerPrefix + orderId;

    /// <summary>
    /// Leases whose time ran out while their marker is still there: the push that took them never finished, because
    /// its instance died (a live push gives its markers back even when it fails). Read by the storage service's clock.
    /// </summary>
    public async Task<(IReadOnlyList<AbandonedLease> Leases, DateTimeOffset Now)> GetAbandonedAsync(CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and RowKey ge {MarkerPrefix} and RowKey lt {MarkerPrefix + "~"}");
        var leases = new List<AbandonedLease>();
        DateTimeOffset? now = null;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).AsPages())
        {
            now ??= page.GetRawResponse().Headers.Date;
            leases.AddRange(page.Values.Select(m => new AbandonedLease(m.RowKey[MarkerPrefix.Length..], m.GetString("SiteId") ?? "",
                m.GetString("LeaseOwner") ?? "", m.GetDateTimeOffset("LeasedAt") ?? default, m.GetDateTimeOffset("LeaseUntil") ?? default, m.ETag)));
        }
        var at = now ?? DateTimeOffset.UtcNow;
        return (leases.Where(l => l.LeaseUntil <= at).ToList(), at);
    }

    /// <summary>
    /// Marks an abandoned lease as queued again until <paramref name="until"/>, so that the next check does not queue
    /// it once more while that message waits; false when its push took the lease meanwhile.
    /// </summary>
    public async Task<bool> RequeuedAsync(AbandonedLease lease, DateTimeOffset until, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(Partition, MarkerKey(lease.OrderId))
            {
                ["LeaseOwner"] = "requeued",
                ["LeaseUntil"] = until,
            }, lease.ETag, TableUpdateMode.Merge, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
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
            await table.SubmitTransactionAsync(orders.SelectMany(o => new[]
            {
                o.Pushed is { } pushed
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, Pushed(pushed), pushed.ETag)
                    : new TableTransactionAction(TableTransactionActionType.UpdateMerge, Released(o.Lease), o.Lease.ETag),
                new TableTransactionAction(TableTransactionActionType.Delete, Marker(o.Lease.OrderId), ETag.All),
            }), ct);
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
        await DeleteMarkerAsync(table, state.OrderId);
    }

    private static TableEntity Marker(string orderId) => new(Partition, MarkerKey(orderId));

    private static async Task DeleteMarkerAsync(TableClient table, string orderId)
    {
        // Not cancellable: a marker left behind would queue the order again later (harmless, but a wasted push).
        try { await table.DeleteEntityAsync(Partition, MarkerKey(orderId), ETag.All, CancellationToken.None); }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }

    private static TableEntity Pushed(OrderPushState state) => new(Partition, state.OrderId)
    {
        ["CrmId"] = state.CrmId,
        ["OrderHash"] = state.OrderHash,
        ["CustomerHash"] = state.CustomerHash,
        ["PushedStatus"] = state.PushedStatus,
        ["PushedAt"] = state.PushedAt,
        ["PushedDateUpdate"] = state.PushedDateUpdate,
        ["FieldHashes"] = state.FieldHashes is { } hashes ? JsonSerializer.Serialize(hashes) : null,
        ["StatusSyncedAt"] = state.StatusSyncedAt,
        ["StatusSentAt"] = state.StatusSentAt,
    };

    private static TableEntity Released(OrderPushState state) => new(Partition, state.OrderId) { ["LeaseUntil"] = DateTimeOffset.UnixEpoch };

    /// <summary>Gives the lease back without recording anything (the push failed or was not needed).</summary>
    public async Task ReleaseAsync(OrderPushState state, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        try
        {
            await table.UpdateEntityAsync(Released(state), state.ETag, TableUpdateMode.Merge, ct);
            await DeleteMarkerAsync(table, state.OrderId);
        }
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
        e.GetDateTimeOffset("PushedDateUpdate"), e.ETag,
        e.GetString("FieldHashes") is { } hashes ? JsonSerializer.Deserialize<Dictionary<string, string>>(hashes) : null,
        e.GetDateTimeOffset("StatusSyncedAt"), e.GetDateTimeOffset("StatusSentAt"));
}

public sealed class OrderBusyException(string orderId)
    : Exception($"Order {orderId} is being pushed by another instance; the message will be retried");
