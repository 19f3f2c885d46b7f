using System.Globalization;
using System.Text;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// Maps a Bitrix element (and, for a SKU, its parent product) to an ICML offer. Shared fields a SKU leaves empty (section,
/// picture, vendor) come from the parent, as in the official module's xmlofferbuilder. Bitrix keeps weight in grams and
/// dimensions in millimetres; ICML wants kilograms and "length/width/height" in centimetres. One instance per feed build,
/// used by one thread.
/// </summary>
internal sealed class IcmlOfferBuilder(CatalogOptions options, CatalogReference reference)
{
    private readonly (string Field, string Name)[] _params = [.. options.ParamMap.Select(p => (CatalogElement.PropertyField(p.Key), p.Value))];
    private readonly string? _vendorField = options.VendorPropertyId is { } vendor ? CatalogElement.PropertyField(vendor) : null;
    private readonly string? _barcodeField = options.BarcodePropertyId is { } barcode ? CatalogElement.PropertyField(barcode) : null;
    private readonly Uri? _shop = options.ShopUrl is { Length: > 0 } shop ? new Uri(shop) : null;
    private readonly StringBuilder _url = new();

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
            Vendor: Property(_vendorField, element, product),
            Barcode: Property(_barcodeField, element, product),
            VatRate: (element.VatId ?? product.VatId) is { } vat ? reference.VatRates.GetValueOrDefault(vat) : null,
            WeightKg: element.Weight is > 0 ? element.Weight / 1000 : null,
            Dimensions: Dimensions(element),
            Unit: element.MeasureId is { } measure ? reference.Units.GetValueOrDefault(measure) : null,
            Params: Params(element, product));
    }

    private List<(string Name, string Value)>? Params(CatalogElement element, CatalogElement product)
    {
        List<(string Name, string Value)>? values = null;
        foreach (var (field, name) in _params)
            if (Property(field, element, product) is { } value) (values ??= []).Add((name, value));
        return values;
    }

    private static string? Property(string? field, CatalogElement element, CatalogElement product) =>
        field is null ? null : element.Property(field) ?? product.Property(field);

    /// <summary>Filled in a reused builder: three string.Replace calls made two throw-away copies of the URL per offer.</summary>
    private string? Url(CatalogElement element, CatalogElement product) =>
        options.ProductUrlTemplate is { Length: > 0 } template
            ? _url.Clear().Append(template)
                .Replace("{id}", element.Id.ToString(CultureInfo.InvariantCulture))
                .Replace("{code}", Uri.EscapeDataString(element.Code ?? ""))
                .Replace("{parentCode}", Uri.EscapeDataString(product.Code ?? element.Code ?? ""))
                .ToString()
            : null;

    /// <summary>Relative file URLs are made absolute against the shop; without a shop URL there is nothing RetailCRM could fetch.</summary>
    private string? Picture(string? url) =>
        url is null ? null
        : url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? url
        : _shop is not null ? new Uri(_shop, url).ToString()
        : null;

    private static string? Dimensions(CatalogElement e) =>
        e is { Length: > 0, Width: > 0, Height: > 0 }
            ? string.Create(CultureInfo.InvariantCulture, $"{e.Length.Value / 10:0.##}/{e.Width.Value / 10:0.##}/{e.Height.Value / 10:0.##}")
            : null;
}
