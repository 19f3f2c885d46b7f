using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs.Specialized;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static BitrixRetailCrm.Bitrix.BitrixListRequest;

namespace BitrixRetailCrm.Catalog;

public sealed record IcmlFeedResult(int Categories, int Offers, long Bytes, int BitrixRequests, TimeSpan Elapsed);

/// <summary>
/// Builds the ICML feed from the Bitrix catalogue into the feed blob. Offers are simple products (every type but 3) and
/// SKUs, each written with offer@id = its element ID, the ID order items carry as offer.externalId, and productId = the
/// parent product for SKUs. Memory stays flat: the catalogue is read window by window (2,500 elements per request), and a
/// window's parents and prices are fetched by ID for that window only.
/// </summary>
public sealed class IcmlFeedBuilder(
    BitrixCatalogClient bitrix,
    StorageClients storage,
    IOptions<CatalogOptions> options,
    TimeProvider clock,
    ILogger<IcmlFeedBuilder> log)
{
    private static readonly string[] ElementFields =
    [
        "id", "iblockId", "iblockSectionId", "name", "code", "xmlId", "active", "quantity", "purchasingPrice", "vatId",
        "weight", "width", "height", "length", "measure", "type", "detailPicture", "previewPicture",
    ];

    private readonly OneRunAtATime _single = new();

    public Task<IcmlFeedResult> BuildAsync(CancellationToken ct) => _single.RunAsync(BuildOnceAsync, ct);

    private async Task<IcmlFeedResult> BuildOnceAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var requestsBefore = bitrix.Requests;
        var o = options.Value;
        var (productIblock, offerIblock) = await ResolveIblocksAsync(ct);
        var reference = await ReadReferenceAsync(ct);
        var container = await storage.ContainerAsync(o.Container, ct);
        var stream = new StagedBlobStream(container.GetBlockBlobClient(o.BlobName));
        int categories = 0, offers = 0;
        await using (var icml = await IcmlWriter.StartAsync(stream, o.ShopName, o.CompanyName, clock.GetLocalNow()))
        {
            categories = await WriteCategoriesAsync(icml, productIblock, ct);
            await icml.BeginOffersAsync();
            var offerBuilder = new IcmlOfferBuilder(o, reference);
            offers += await WriteSimpleProductsAsync(icml, offerBuilder, productIblock, ct);
            if (offerIblock is { } skus) offers += await WriteSkusAsync(icml, offerBuilder, productIblock, skus, ct);
            await icml.FinishAsync();
        }
        await stream.CommitAsync("application/xml; charset=utf-8", ct);
        var result = new IcmlFeedResult(categories, offers, stream.Length, bitrix.Requests - requestsBefore, Stopwatch.GetElapsedTime(started));
        log.LogInformation("ICML feed: {Categories} categories, {Offers} offers, {Bytes} bytes, {Requests} Bitrix requests in {Elapsed}",
            result.Categories, result.Offers, result.Bytes, result.BitrixRequests, result.Elapsed);
        return result;
    }

    /// <summary>The product iblock (configured, or the first catalogue without a parent) and the SKU iblock pointing at it.</summary>
    private async Task<(long Products, long? Offers)> ResolveIblocksAsync(CancellationToken ct)
    {
        var catalogs = await AllAsync(new("catalog.catalog.list", "catalogs", "id", [P("select[]", "iblockId"), P("select[]", "productIblockId"), P("select[]", "id")]), ct);
        long? Iblock(JsonElement c) => CatalogElement.Long(CatalogElement.Field(c, "iblockId"));
        long? ProductIblock(JsonElement c) => CatalogElement.Long(CatalogElement.Field(c, "productIblockId"));
        var products = options.Value.IblockId ?? catalogs.Where(c => ProductIblock(c) is null).Select(Iblock).FirstOrDefault()
            ?? throw new InvalidOperationException("Bitrix has no product catalogue (catalog.catalog.list is empty); set Catalog__IblockId");
        var offers = catalogs.Where(c => ProductIblock(c) == products).Select(Iblock).FirstOrDefault();
        return (products, offers);
    }

    private async Task<CatalogReference> ReadReferenceAsync(CancellationToken ct)
    {
        var vats = await AllAsync(new("catalog.vat.list", "vats", "id", []), ct);
        var measures = await AllAsync(new("catalog.measure.list", "measures", "id", []), ct);
        static long? Id(JsonElement row) => CatalogElement.Long(CatalogElement.Field(row, "id"));
        static string Text(JsonElement row, string field) => CatalogElement.Text(CatalogElement.Field(row, field)) ?? "";
        return new CatalogReference(
            vats.Where(v => Id(v) is not null).ToDictionary(v => Id(v)!.Value,
                v => CatalogElement.Decimal(CatalogElement.Field(v, "rate")) is { } rate ? rate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "none"),
            measures.Where(m => Id(m) is not null).ToDictionary(m => Id(m)!.Value,
                m => new IcmlUnit(Text(m, "code"), Text(m, "measureTitle"), Text(m, "symbol"))));
    }

    private async Task<int> WriteCategoriesAsync(IcmlWriter icml, long iblock, CancellationToken ct)
    {
        var count = 0;
        var request = new BitrixListRequest("catalog.section.list", "sections", "id",
            [P("filter[iblockId]", iblock), P("select[]", "id"), P("select[]", "name"), P("select[]", "iblockSectionId")]);
        await foreach (var window in bitrix.ScanAsync(request, ct))
            foreach (var section in window)
            {
                var category = new CatalogElement(section);
                await icml.CategoryAsync(category.Id, category.SectionId, category.Name ?? "");
                count++;
            }
        return count;
    }

    private async Task<int> WriteSimpleProductsAsync(IcmlWriter icml, IcmlOfferBuilder builder, long iblock, CancellationToken ct)
    {
        var request = ElementsRequest("catalog.product.list", iblock, [P("filter[!type]", CatalogElement.TypeWithVariations)]);
        var count = 0;
        var guard = new AscendingGuard();
        await foreach (var window in bitrix.ScanAsync(request, ct))
        {
            var products = window.Select(r => new CatalogElement(r)).Where(p => guard.IsNew(p.Id)).ToList();
            var prices = await PricesAsync(products, ct);
            foreach (var product in products)
                await icml.OfferAsync(builder.Build(product, product, PriceOf(prices, product.Id)));
            count += products.Count;
        }
        return count;
    }

    private async Task<int> WriteSkusAsync(IcmlWriter icml, IcmlOfferBuilder builder, long productIblock, long offerIblock, CancellationToken ct)
    {
        var request = ElementsRequest("catalog.product.offer.list", offerIblock, [P("select[]", "parentId")]);
        var parentsRequest = ElementsRequest("catalog.product.list", productIblock, []);
        var count = 0;
        var guard = new AscendingGuard();
        await foreach (var window in bitrix.ScanAsync(request, ct))
        {
            var skus = window.Select(r => new CatalogElement(r)).Where(s => guard.IsNew(s.Id)).ToList();
            var parents = new Dictionary<long, CatalogElement>();
            await foreach (var row in bitrix.ByIdsAsync(parentsRequest, "id", skus.Select(s => s.ParentId).OfType<long>(), ct))
            {
                var parent = new CatalogElement(row.Clone()); // valid only until the rows of its batch are enumerated
                parents[parent.Id] = parent;
            }
            var prices = await PricesAsync(skus, ct);
            foreach (var sku in skus)
                await icml.OfferAsync(builder.Build(sku, sku.ParentId is { } p ? parents.GetValueOrDefault(p) ?? sku : sku, PriceOf(prices, sku.Id)));
            count += skus.Count;
        }
        return count;
    }

    /// <summary>The base price of each element (the first row per element: quantity-range prices beyond it are not ICML's).</summary>
    private async Task<Dictionary<long, decimal>> PricesAsync(IReadOnlyList<CatalogElement> elements, CancellationToken ct)
    {
        var prices = new Dictionary<long, decimal>(elements.Count);
        var request = new BitrixListRequest("catalog.price.list", "prices", "id",
            [P("filter[catalogGroupId]", options.Value.BasePriceTypeId), P("select[]", "productId"), P("select[]", "price")]);
        await foreach (var row in bitrix.ByIdsAsync(request, "productId", elements.Select(e => e.Id), ct))
            if (CatalogElement.Long(CatalogElement.Field(row, "productId")) is { } id && CatalogElement.Decimal(CatalogElement.Field(row, "price")) is { } price)
                prices.TryAdd(id, price);
        return prices;
    }

    private static decimal? PriceOf(Dictionary<long, decimal> prices, long id) => prices.TryGetValue(id, out var price) ? price : null;

    private BitrixListRequest ElementsRequest(string method, long iblock, IEnumerable<KeyValuePair<string, string>> extra)
    {
        var o = options.Value;
        int?[] single = [o.VendorPropertyId, o.BarcodePropertyId];
        var properties = o.ParamMap.Keys.Concat(single.OfType<int>().Select(i => (long)i)).Distinct();
        List<KeyValuePair<string, string>> parameters =
            [P("filter[iblockId]", iblock), .. ElementFields.Select(f => P("select[]", f)), .. properties.Select(p => P("select[]", $"property{p}")), .. extra];
        return new BitrixListRequest(method, method.EndsWith("offer.list", StringComparison.Ordinal) ? "offers" : "products", "id", parameters);
    }

    /// <summary>A small list (catalogues, VAT rates, units) kept whole: its rows are cloned out of their batch documents.</summary>
    private async Task<List<JsonElement>> AllAsync(BitrixListRequest request, CancellationToken ct)
    {
        var rows = new List<JsonElement>();
        await foreach (var window in bitrix.ScanAsync(request, ct)) rows.AddRange(window.Select(r => r.Clone()));
        return rows;
    }

    /// <summary>Pages are read in ascending id, so an id at or below the last one is a repeat (a page boundary read twice).</summary>
    private sealed class AscendingGuard
    {
        private long _last = long.MinValue;

        public bool IsNew(long id)
        {
            if (id <= _last) return false;
            _last = id;
            return true;
        }
    }
}
