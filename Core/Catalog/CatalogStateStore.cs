using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Catalog;

/// <summary>One offer's value in one warehouse or price type: what Bitrix has now, or (Value null) that it is gone.</summary>
public sealed record OfferValue(long OfferId, string? Value);

/// <summary>
/// What was last pushed per offer, one partition per warehouse ("stock-main") or price type ("price-base"). RowKey is the
/// offer id zero-padded, so a partition reads back in numeric order and merges with a Bitrix scan in that order without
/// loading either side. The value itself is stored rather than a hash: an amount or a price is shorter than its hash.
/// </summary>
public sealed class CatalogStateStore(StorageClients storage, IOptions<CatalogOptions> options)
{
    private const int TransactionLimit = 100;

    public static string RowKey(long offerId) => offerId.ToString("D19", CultureInfo.InvariantCulture);

    public async IAsyncEnumerable<OfferValue> ReadAsync(string partition, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "Value"], cancellationToken: ct))
            yield return new OfferValue(long.Parse(entity.RowKey, CultureInfo.InvariantCulture), entity.GetString("Value"));
    }

    /// <summary>Upserts the pushed values and deletes the rows of offers that are gone, in transactions of 100.</summary>
    public async Task SaveAsync(string partition, IEnumerable<OfferValue> pushed, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        foreach (var chunk in pushed.Chunk(TransactionLimit))
            await table.SubmitTransactionAsync(chunk.Select(v => v.Value is null
                ? new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, RowKey(v.OfferId)))
                : new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(partition, RowKey(v.OfferId)) { ["Value"] = v.Value })), ct);
    }

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.StateTable, ct);
}
