using Azure;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// What was last pushed for an order: the RetailCRM id, hashes of the payloads, the status sent (to recognise our
/// own write when RetailCRM reports it back), when, and the Bitrix dateUpdate of the order version it was read from
/// (the reconciliation skips an order listed with that dateUpdate).
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
public sealed class OrderStateStore(StorageClients storage, IOptions<SyncOptions> options, TimeProvider clock)
{
    private const string Partition = "order";
    private const string CursorPartition = "cursor";
    private const string ReconcileCursorRow = "order-reconcile";

    public async Task<OrderPushState?> GetAsync(string orderId, CancellationToken ct)
    {
        var entity = await FindAsync(orderId, ct);
        return entity is null ? null : ToState(entity);
    }

    /// <summary>Takes the order's lease or throws <see cref="OrderBusyException"/> when another instance holds it.</summary>
    public async Task<OrderPushState> AcquireAsync(string orderId, string owner, TimeSpan duration, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var read = await table.GetEntityIfExistsAsync<TableEntity>(Partition, orderId, cancellationToken: ct);
        var now = read.GetRawResponse().Headers.Date ?? clock.GetUtcNow();
        var entity = read.HasValue ? read.Value! : new TableEntity(Partition, orderId);
        if (entity.GetDateTimeOffset("LeaseUntil") > now && entity.GetString("LeaseOwner") != owner)
            throw new OrderBusyException(orderId);
        entity["LeaseUntil"] = now + duration;
        entity["LeaseOwner"] = owner;
        try
        {
            var response = entity.ETag == default
                ? await table.AddEntityAsync(entity, ct)
                : await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
            entity.ETag = response.Headers.ETag ?? default;
            return ToState(entity);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new OrderBusyException(orderId);
        }
    }

    /// <summary>Records a push and releases the lease.</summary>
    public async Task SaveAsync(OrderPushState state, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entity = new TableEntity(Partition, state.OrderId)
        {
            ["CrmId"] = state.CrmId,
            ["OrderHash"] = state.OrderHash,
            ["CustomerHash"] = state.CustomerHash,
            ["PushedStatus"] = state.PushedStatus,
            ["PushedAt"] = state.PushedAt,
            ["PushedDateUpdate"] = state.PushedDateUpdate,
        };
        await table.UpdateEntityAsync(entity, state.ETag, TableUpdateMode.Replace, ct);
    }

    /// <summary>Gives the lease back without recording anything (the push failed or was not needed).</summary>
    public async Task ReleaseAsync(OrderPushState state, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entity = new TableEntity(Partition, state.OrderId) { ["LeaseUntil"] = DateTimeOffset.UnixEpoch };
        try { await table.UpdateEntityAsync(entity, state.ETag, TableUpdateMode.Merge, ct); }
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
