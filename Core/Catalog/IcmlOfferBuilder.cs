using System.Globalization;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// Maps a Bitrix element (and, for a SKU, its parent product) to an ICML offer. Shared fields a SKU leaves empty (section,
/// picture, vendor) come from the parent, as in the official module's xmlofferbuilder. Bitrix keeps weight in grams and
/// dimensions in millimetres; ICML wants kilograms and "length/width/height" in centimetres.
/// </summary>
internal sealed class IcmlOfferBuilder(CatalogOptions options, CatalogReference reference)
{
    private readonly IReadOnlyDictionary<long, string> _params = options.ParamMap;

    public IcmlOffer Build(CatalogElement element, CatalogElement product, decimal? price)
    {
        var name = element.Name ?? product.Name ?? element.Id.ToString(CultureInfo.InvariantCulture);
        return new IcmlOffer(
            Id: element.Id,
            ProductId: product.Id,
            Quantity: element.Quantity,
            Name: name,
            ProductName: product.Name ?? name,
            // An inactive element (or an inactive parent) stays in the feed as productActivity N, so RetailCRM keeps the
            // offer that existing orders point to but stops offering it.
            Active: element.Active && product.Active,
            Price: price,
            PurchasePrice: element.PurchasePrice ?? product.PurchasePrice ?? 0,
            CategoryId: element.SectionId ?? product.SectionId,
            Url: Url(element, product),
            Picture: Picture(element.Picture ?? product.Picture),
            XmlId: element.XmlId,
            Vendor: Property(options.VendorPropertyId, element, product),
            Barcode: Property(options.BarcodePropertyId, element, product),
            VatRate: (element.VatId ?? product.VatId) is { } vat ? reference.VatRates.GetValueOrDefault(vat) : null,
            WeightKg: element.Weight is > 0 ? element.Weight / 1000 : null,
            Dimensions: Dimensions(element),
            Unit: element.MeasureId is { } measure ? reference.Units.GetValueOrDefault(measure) : null,
            Params: _params.Select(p => (p.Value, Value: element.Property(p.Key) ?? product.Property(p.Key)))
                .Where(p => p.Value is not null).Select(p => (p.Item1, p.Value!)).ToList());
    }

    private static string? Property(int? id, CatalogElement element, CatalogElement product) =>
        id is { } p ? element.Property(p) ?? product.Property(p) : null;

    private string? Url(CatalogElement element, CatalogElement product) =>
        options.ProductUrlTemplate is { Length: > 0 } template
            ? template.Replace("{id}", element.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{code}", Uri.EscapeDataString(element.Code ?? ""), StringComparison.Ordinal)
                .Replace("{parentCode}", Uri.EscapeDataString(product.Code ?? element.Code ?? ""), StringComparison.Ordinal)
            : null;

    /// <summary>Relative file URLs are made absolute against the shop; without a shop URL there is nothing RetailCRM could fetch.</summary>
    private string? Picture(string? url) =>
        url is null ? null
        : Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal) ? url
        : options.ShopUrl is { Length: > 0 } shop ? new Uri(new Uri(shop), url).ToString()
        : null;

    private static string? Dimensions(CatalogElement e) =>
        e is { Length: > 0, Width: > 0, Height: > 0 }
            ? string.Join('/', new[] { e.Length, e.Width, e.Height }.Select(mm => (mm!.Value / 10).ToString("0.##", CultureInfo.InvariantCulture)))
            : null;
}
