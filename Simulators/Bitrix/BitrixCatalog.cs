using System.Globalization;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>A catalogue section (iblock section) of the product iblock.</summary>
public sealed record CatalogSection(long Id, string Name, long? ParentId = null);

/// <summary>
/// A product (type 1 simple, 3 with variations) or, with <see cref="ParentId"/>, a variation (type 4) of the SKU iblock,
/// in the fields catalog.product.list / catalog.product.offer.list answer. Weight in grams, sizes in millimetres.
/// </summary>
public sealed record CatalogProduct(
    long Id,
    string Name,
    long? SectionId = null,
    long? ParentId = null,
    int Type = 1,
    bool Active = true,
    decimal Quantity = 0,
    decimal? PurchasingPrice = null,
    string? XmlId = null,
    string? Code = null,
    int? VatId = 4,
    decimal? Weight = null,
    decimal? Width = null,
    decimal? Height = null,
    decimal? Length = null,
    int Measure = 5,
    string? PictureUrl = null,
    IReadOnlyDictionary<long, string>? Properties = null);

public sealed record CatalogPrice(long ProductId, int CatalogGroupId, decimal Price, string Currency = "RUB");

public sealed record CatalogStock(long ProductId, int StoreId, decimal Amount);

/// <summary>
/// The simulated catalogue: iblock 23 (products) with SKU iblock 24, sections, prices and store stocks. Kept as compact
/// records in id order and rendered to JSON only for the page asked for, so 100,000 offers stay cheap to serve.
/// </summary>
public sealed class BitrixCatalog
{
    public const int ProductIblockId = 23;
    public const int OfferIblockId = 24;

    private readonly object gate = new();
    private readonly CatalogTable<CatalogSection> sections = new(s => s.Id, (a, b) => a.Id.CompareTo(b.Id));
    private readonly CatalogTable<CatalogProduct> products = new(p => p.Id, (a, b) => a.Id.CompareTo(b.Id));
    private readonly CatalogTable<CatalogProduct> offers = new(p => p.Id, (a, b) => a.Id.CompareTo(b.Id));
    private readonly CatalogTable<CatalogPrice> prices = new(p => p.ProductId, (a, b) => (a.ProductId, a.CatalogGroupId).CompareTo((b.ProductId, b.CatalogGroupId)));
    private readonly CatalogTable<CatalogStock> stocks = new(s => s.ProductId, (a, b) => (a.ProductId, a.StoreId).CompareTo((b.ProductId, b.StoreId)));

    public void PutSection(CatalogSection section) => Locked(() => sections.Put(section));

    /// <summary>Stores a product, or a variation when it has a ParentId.</summary>
    public void PutProduct(CatalogProduct product) => Locked(() => (product.ParentId is null ? products : offers).Put(product));

    public void PutPrice(CatalogPrice price) => Locked(() => prices.Put(price));

    public void PutStock(CatalogStock stock) => Locked(() => stocks.Put(stock));

    /// <summary>Deletes the element with its prices and stocks, as deleting it in the Bitrix admin does.</summary>
    public void Delete(long id) => Locked(() =>
    {
        products.Remove(id);
        offers.Remove(id);
        prices.Remove(id);
        stocks.Remove(id);
    });

    public int OfferCount => Locked(() => offers.Count + products.Count);

    /// <summary>
    /// A catalogue of <paramref name="offers"/> variations, <paramref name="perProduct"/> per parent product, in 20 sections;
    /// every variation has a base price (type 1) and a stock in store 1. Ids: parents from 1, variations after them.
    /// </summary>
    public void Generate(int offers, int perProduct = 4)
    {
        int parents = (offers + perProduct - 1) / perProduct;
        Locked(() =>
        {
            for (int s = 1; s <= 20; s++)
                sections.Put(new CatalogSection(s, $"Раздел {s}", s > 5 ? (s % 5) + 1 : null));
            for (int p = 1; p <= parents; p++)
                products.Put(new CatalogProduct(p, $"Товар {p}", SectionId: (p % 20) + 1, Type: 3, Code: $"tovar-{p}",
                    PictureUrl: $"/upload/iblock/{p % 1000:D3}/{p}.jpg", Properties: new Dictionary<long, string> { [260] = $"Бренд {p % 50}" }));
            for (int i = 0; i < offers; i++)
            {
                long id = parents + 1 + i, parent = (i / perProduct) + 1;
                this.offers.Put(new CatalogProduct(id, $"Товар {parent}, вариант {(i % perProduct) + 1}", ParentId: parent, Type: 4,
                    Quantity: i % 17, PurchasingPrice: 100 + (i % 500), XmlId: $"sku-{id}", Weight: 250, Width: 100, Height: 50, Length: 200,
                    Properties: new Dictionary<long, string> { [261] = $"Размер {(i % perProduct) + 40}" }));
                prices.Put(new CatalogPrice(id, 1, 199 + (i % 1000)));
                stocks.Put(new CatalogStock(id, 1, i % 17));
            }
        });
    }

    internal void Register(BitrixMethods methods)
    {
        methods.Register("catalog.catalog.list", p => new BitrixListQuery(p, "id").Run(CatalogRows(), "catalogs"));
        methods.Register("catalog.vat.list", p => new BitrixListQuery(p, "id").Run(VatRows(), "vats"));
        methods.Register("catalog.measure.list", p => new BitrixListQuery(p, "id").Run(MeasureRows(), "measures"));
        methods.Register("catalog.section.list", p => Page(p, sections, SectionRow, "sections", requireIblock: true));
        methods.Register("catalog.product.list", p => Page(p, products, ProductRow, "products", requireIblock: true));
        methods.Register("catalog.product.offer.list", p => Page(p, offers, ProductRow, "offers", requireIblock: true));
        methods.Register("catalog.price.list", p => Page(p, prices, PriceRow, "prices", requireIblock: false, key: "productId"));
        methods.Register("catalog.storeproduct.list", p => Page(p, stocks, StockRow, "storeProducts", requireIblock: false, key: "productId"));
    }

    private BitrixOutcome Page<T>(JsonObject parameters, CatalogTable<T> table, Func<T, JsonObject> render, string resultKey, bool requireIblock, string key = "id")
    {
        // catalog.product.list and catalog.section.list refuse to run without filter.iblockId (bitrix-api.md §5.1).
        if (requireIblock && (parameters["filter"] as JsonObject)?["iblockId"] is null)
            return BitrixOutcome.Fail(400, 200040300010, "Required filter field iblockId is missing");
        BitrixListQuery query = new(parameters, key);
        return Locked(() => query.RunPresorted(key, (ids, after) => table.Select(ids, after).Select(render), resultKey));
    }

    private static IEnumerable<JsonObject> CatalogRows() =>
    [
        new JsonObject { ["id"] = ProductIblockId, ["iblockId"] = ProductIblockId, ["name"] = "Каталог товаров", ["productIblockId"] = null, ["skuPropertyId"] = null },
        new JsonObject { ["id"] = OfferIblockId, ["iblockId"] = OfferIblockId, ["name"] = "Торговые предложения", ["productIblockId"] = ProductIblockId, ["skuPropertyId"] = 100 },
    ];

    private static IEnumerable<JsonObject> VatRows() =>
    [
        new JsonObject { ["id"] = 1, ["name"] = "Без НДС", ["rate"] = null, ["active"] = "Y" },
        new JsonObject { ["id"] = 2, ["name"] = "НДС 0%", ["rate"] = 0, ["active"] = "Y" },
        new JsonObject { ["id"] = 3, ["name"] = "НДС 10%", ["rate"] = 10, ["active"] = "Y" },
        new JsonObject { ["id"] = 4, ["name"] = "НДС 20%", ["rate"] = 20, ["active"] = "Y" },
    ];

    private static IEnumerable<JsonObject> MeasureRows() =>
    [
        new JsonObject { ["id"] = 5, ["code"] = "796", ["measureTitle"] = "Штука", ["symbol"] = "шт", ["symbolIntl"] = "pc. 1", ["isDefault"] = "Y" },
        new JsonObject { ["id"] = 3, ["code"] = "166", ["measureTitle"] = "Килограмм", ["symbol"] = "кг", ["symbolIntl"] = "kg", ["isDefault"] = "N" },
    ];

    private static JsonObject SectionRow(CatalogSection s) => new()
    {
        ["id"] = s.Id,
        ["iblockId"] = ProductIblockId,
        ["iblockSectionId"] = s.ParentId,
        ["name"] = s.Name,
        ["code"] = $"section-{s.Id}",
        ["active"] = "Y",
        ["sort"] = 500,
        ["xmlId"] = s.Id.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The shape of samples/bitrix/catalog.product(.offer).list: parentId and properties as {value, valueId}.</summary>
    private static JsonObject ProductRow(CatalogProduct p)
    {
        JsonObject row = new()
        {
            ["active"] = p.Active ? "Y" : "N",
            ["available"] = p.Quantity > 0 ? "Y" : "N",
            ["code"] = p.Code,
            ["detailPicture"] = p.PictureUrl is null ? null : new JsonObject { ["id"] = (p.Id + 6000).ToString(CultureInfo.InvariantCulture), ["url"] = p.PictureUrl, ["urlMachine"] = p.PictureUrl },
            ["height"] = p.Height,
            ["iblockId"] = p.ParentId is null ? ProductIblockId : OfferIblockId,
            ["iblockSectionId"] = p.SectionId,
            ["id"] = p.Id,
            ["length"] = p.Length,
            ["measure"] = p.Measure,
            ["name"] = p.Name,
            ["previewPicture"] = null,
            ["purchasingCurrency"] = p.PurchasingPrice is null ? null : "RUB",
            ["purchasingPrice"] = p.PurchasingPrice,
            ["quantity"] = p.Quantity,
            ["quantityReserved"] = 0,
            ["type"] = p.Type,
            ["vatId"] = p.VatId,
            ["vatIncluded"] = "Y",
            ["weight"] = p.Weight,
            ["width"] = p.Width,
            ["xmlId"] = p.XmlId ?? p.Id.ToString(CultureInfo.InvariantCulture),
        };
        if (p.ParentId is { } parent)
            row["parentId"] = new JsonObject { ["value"] = parent.ToString(CultureInfo.InvariantCulture), ["valueId"] = (parent + 9000).ToString(CultureInfo.InvariantCulture) };
        foreach ((long id, string value) in p.Properties ?? new Dictionary<long, string>())
            row[$"property{id}"] = new JsonObject { ["value"] = value, ["valueId"] = (p.Id * 1000 + id).ToString(CultureInfo.InvariantCulture) };
        return row;
    }

    private static JsonObject PriceRow(CatalogPrice p) => new()
    {
        ["catalogGroupId"] = p.CatalogGroupId,
        ["currency"] = p.Currency,
        ["id"] = (p.ProductId * 100) + p.CatalogGroupId,
        ["price"] = p.Price,
        ["productId"] = p.ProductId,
    };

    private static JsonObject StockRow(CatalogStock s) => new()
    {
        ["amount"] = s.Amount,
        ["id"] = (s.ProductId * 100) + s.StoreId,
        ["productId"] = s.ProductId,
        ["storeId"] = s.StoreId,
    };

    private void Locked(Action action)
    {
        lock (gate)
            action();
    }

    private TResult Locked<TResult>(Func<TResult> func)
    {
        lock (gate)
            return func();
    }
}

/// <summary>Rows kept sorted (by key, then tie-break), with range and point lookups by key.</summary>
internal sealed class CatalogTable<T>(Func<T, long> key, Comparison<T> order)
{
    private readonly List<T> rows = [];
    private readonly Comparer<T> comparer = Comparer<T>.Create(order);

    public int Count => rows.Count;

    public void Put(T row)
    {
        int index = rows.Count > 0 && order(rows[^1], row) < 0 ? ~rows.Count : rows.BinarySearch(row, comparer);
        if (index >= 0)
            rows[index] = row;
        else
            rows.Insert(~index, row);
    }

    public void Remove(long id) => rows.RemoveAll(r => key(r) == id);

    /// <summary>Rows with key in <paramref name="ids"/> (sorted), else with key above <paramref name="after"/>, else all; materialised under the caller's lock.</summary>
    public IEnumerable<T> Select(IReadOnlyList<long>? ids, long? after)
    {
        if (ids is not null)
            return ids.SelectMany(id => From(id - 1).TakeWhile(r => key(r) == id)).ToList();
        return From(after ?? long.MinValue);
    }

    private IEnumerable<T> From(long exclusiveKey)
    {
        int low = 0, high = rows.Count;
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (key(rows[mid]) <= exclusiveKey) low = mid + 1;
            else high = mid;
        }
        for (int i = low; i < rows.Count; i++)
            yield return rows[i];
    }
}
