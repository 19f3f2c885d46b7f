using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Mapping;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static BitrixRetailCrm.Bitrix.BitrixListRequest;

namespace BitrixRetailCrm.Catalog;

public sealed record CatalogPushResult(int Sent, int Removed, int NotFound)
{
    public static readonly CatalogPushResult None = new(0, 0, 0);

    public static CatalogPushResult operator +(CatalogPushResult a, CatalogPushResult b) =>
        new(a.Sent + b.Sent, a.Removed + b.Removed, a.NotFound + b.NotFound);
}

/// <summary>
/// One kind of push: the mapping rows that name its RetailCRM codes, the Bitrix list of the stores or price types they
/// are keyed by, the Bitrix list of one target's values per offer (keyed by productId), and the upload of a chunk.
/// </summary>
public sealed record CatalogPushKind(
    MappingKind Kind,
    string PartitionPrefix,
    BitrixListRequest Targets,
    Func<long, BitrixListRequest> Values,
    string ValueField,
    Func<IReadOnlyList<OfferValue>, string, CancellationToken, Task<StoreUploadResult>> Upload);

/// <summary>
/// Sends only what changed: the Bitrix values of one warehouse or price type, in offer-id order, are merged with what was
/// last pushed (same order, from <see cref="CatalogStateStore"/>); new and changed values, and offers that disappeared,
/// go to RetailCRM 250 at a time, and each accepted chunk is recorded. Offers RetailCRM does not know (notFoundOffers) are
/// logged, counted and recorded like the rest, so they are sent again only when their value changes, not on every run.
/// </summary>
public sealed class CatalogPush(CatalogStateStore state, BitrixCatalogClient bitrix, MappingStore mappings, ILogger<CatalogPush> log)
{
    private static readonly Meter Meter = new("BitrixRetailCrm.Catalog");
    private static readonly Counter<int> NotFoundCounter = Meter.CreateCounter<int>("catalog.offers.not_found",
        description: "Offers RetailCRM reported as notFoundOffers in stock and price uploads");

    /// <summary>
    /// Pushes every Bitrix store or price type of <paramref name="kind"/> that has a plain mapping row: per-site rows
    /// ({siteId}:{code}) are for orders, and the catalogue has no site. Codes without a row are skipped with a warning (a
    /// shop has stores RetailCRM does not track); a kind without rows is one the shop does not push, and Bitrix is not
    /// even asked. Two Bitrix codes mapped to one RetailCRM code would overwrite each other's values there on every run,
    /// so only the lowest is pushed.
    /// </summary>
    public async Task<CatalogPushResult> RunAsync(CatalogPushKind kind, CancellationToken ct)
    {
        var total = CatalogPushResult.None;
        foreach (var (id, code) in await MappedTargetsAsync(kind, ct))
            total += await PushAsync($"{kind.PartitionPrefix}-{code}", ValuesAsync(kind.Values(id), kind.ValueField, ct),
                (chunk, token) => kind.Upload(chunk, code, token), ct);
        return total;
    }

    private async Task<IReadOnlyList<(long BitrixId, string CrmCode)>> MappedTargetsAsync(CatalogPushKind push, CancellationToken ct)
    {
        var kind = push.Kind.ToKey();
        var set = await mappings.GetAsync(ct);
        if (!set.Uses(push.Kind))
        {
            log.LogInformation("No {Kind} mapping rows: nothing to push", kind);
            return [];
        }
        var mapped = new SortedDictionary<long, string>();
        var unmapped = new List<long>();
        await foreach (var window in bitrix.ScanAsync(push.Targets, ct))
            foreach (var row in window)
                if (CatalogElement.Long(CatalogElement.Field(row, "id")) is { } id)
                {
                    if (set.TryMap(push.Kind, id.ToString(CultureInfo.InvariantCulture), out var code)) mapped[id] = code;
                    else unmapped.Add(id);
                }
        if (unmapped.Count > 0)
            log.LogWarning("Bitrix {Kind} codes {Codes} have no mapping row and are not pushed", kind, string.Join(", ", unmapped));
        var targets = new List<(long, string)>();
        foreach (var sharing in mapped.GroupBy(m => m.Value))
        {
            var (id, code) = sharing.First();
            if (sharing.Count() > 1)
                log.LogWarning("RetailCRM {Kind} {CrmCode} is mapped from Bitrix {Codes}; only {Pushed} is pushed",
                    kind, code, string.Join(", ", sharing.Select(t => t.Key)), id);
            targets.Add((id, code));
        }
        return targets;
    }

    private async Task<CatalogPushResult> PushAsync(string partition, IAsyncEnumerable<OfferValue> current,
        Func<IReadOnlyList<OfferValue>, CancellationToken, Task<StoreUploadResult>> upload, CancellationToken ct)
    {
        int sent = 0, removed = 0, notFound = 0;
        var chunk = new List<OfferValue>(RetailCrmStoreClient.MaxOffersPerCall);
        async Task FlushAsync()
        {
            var result = await upload(chunk, ct);
            if (result.NotFound.Count > 0)
            {
                notFound += result.NotFound.Count;
                NotFoundCounter.Add(result.NotFound.Count, new KeyValuePair<string, object?>("partition", partition));
                log.LogWarning("{Partition}: RetailCRM does not know {Count} offer(s), e.g. {Sample}; they are sent again when they change",
                    partition, result.NotFound.Count, string.Join(", ", result.NotFound.Take(10)));
            }
            await state.SaveAsync(partition, chunk, ct);
            sent += chunk.Count;
            removed += chunk.Count(c => c.Value is null);
            chunk.Clear();
        }
        await foreach (var change in ChangesAsync(current, state.ReadAsync(partition, ct), ct))
        {
            chunk.Add(change);
            if (chunk.Count == RetailCrmStoreClient.MaxOffersPerCall) await FlushAsync();
        }
        if (chunk.Count > 0) await FlushAsync();
        if (sent > 0) log.LogInformation("{Partition}: pushed {Sent} changed offer(s), {Removed} gone, {NotFound} unknown to RetailCRM", partition, sent, removed, notFound);
        return new CatalogPushResult(sent, removed, notFound);
    }

    /// <summary>A scan keyed by productId as (offer, value) pairs in ascending offer order.</summary>
    private async IAsyncEnumerable<OfferValue> ValuesAsync(BitrixListRequest request, string field, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var window in bitrix.ScanAsync(request, ct))
            foreach (var row in window)
                if (CatalogElement.Long(CatalogElement.Field(row, "productId")) is { } id)
                    yield return new OfferValue(id, (CatalogElement.Decimal(CatalogElement.Field(row, field)) ?? 0).ToString("0.############", CultureInfo.InvariantCulture));
    }

    /// <summary>Merge of two ascending streams: values that are new or differ, and pushed offers Bitrix no longer has (Value null).</summary>
    private static async IAsyncEnumerable<OfferValue> ChangesAsync(IAsyncEnumerable<OfferValue> current, IAsyncEnumerable<OfferValue> pushed,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var now = current.GetAsyncEnumerator(ct);
        await using var before = pushed.GetAsyncEnumerator(ct);
        bool hasNow = await now.MoveNextAsync(), hasBefore = await before.MoveNextAsync();
        while (hasNow || hasBefore)
        {
            var order = !hasBefore ? -1 : !hasNow ? 1 : now.Current.OfferId.CompareTo(before.Current.OfferId);
            if (order < 0 || (order == 0 && now.Current.Value != before.Current.Value)) yield return now.Current;
            else if (order > 0) yield return before.Current with { Value = null };
            if (order <= 0) hasNow = await now.MoveNextAsync();
            if (order >= 0) hasBefore = await before.MoveNextAsync();
        }
    }
}

/// <summary>Stocks per mapped warehouse → store/inventories/upload; an offer gone from Bitrix is sent as available 0.</summary>
public sealed class StockPusher(RetailCrmStoreClient crm, CatalogPush push, IOptions<CatalogOptions> options)
{
    public Task<CatalogPushResult> RunAsync(CancellationToken ct) => push.RunAsync(new CatalogPushKind(MappingKind.Warehouse, "stock",
        Targets: new("catalog.store.list", "stores", "id", [P("select[]", "id")]),
        Values: storeId => new("catalog.storeproduct.list", "storeProducts", "productId",
            [P("filter[storeId]", storeId), P("select[]", "productId"), P("select[]", "amount")]),
        ValueField: "amount",
        Upload: (chunk, code, token) => crm.UploadInventoriesAsync(Inventories(chunk, code), options.Value.Site, token)), ct);

    private static JsonArray Inventories(IEnumerable<OfferValue> chunk, string code) => [.. chunk.Select(c => new JsonObject
    {
        ["externalId"] = c.OfferId.ToString(CultureInfo.InvariantCulture),
        ["stores"] = new JsonArray(new JsonObject { ["code"] = code, ["available"] = c.Value is null ? 0 : decimal.Parse(c.Value, CultureInfo.InvariantCulture) }),
    })];
}

/// <summary>Prices per mapped price type → store/prices/upload; a price gone from Bitrix is sent as remove:true.</summary>
public sealed class PricePusher(RetailCrmStoreClient crm, CatalogPush push, IOptions<CatalogOptions> options)
{
    // Keyed by productId, so of quantity-range prices (several rows per offer and type) only the first is pushed.
    public Task<CatalogPushResult> RunAsync(CancellationToken ct) => push.RunAsync(new CatalogPushKind(MappingKind.PriceType, "price",
        Targets: new("catalog.priceType.list", "priceTypes", "id", [P("select[]", "id")]),
        Values: priceTypeId => new("catalog.price.list", "prices", "productId",
            [P("filter[catalogGroupId]", priceTypeId), P("select[]", "productId"), P("select[]", "price")]),
        ValueField: "price",
        Upload: (chunk, code, token) => crm.UploadPricesAsync(Prices(chunk, code), token)), ct);

    private JsonArray Prices(IEnumerable<OfferValue> chunk, string code) => [.. chunk.Select(c =>
    {
        var entry = new JsonObject { ["externalId"] = c.OfferId.ToString(CultureInfo.InvariantCulture) };
        if (options.Value.Site is { } site) entry["site"] = site;
        entry["prices"] = new JsonArray(c.Value is null
            ? new JsonObject { ["code"] = code, ["remove"] = true }
            : new JsonObject { ["code"] = code, ["price"] = decimal.Parse(c.Value, CultureInfo.InvariantCulture) });
        return entry;
    })];
}
