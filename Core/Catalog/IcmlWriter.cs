using System.Globalization;
using System.Text;
using System.Xml;

namespace BitrixRetailCrm.Catalog;

/// <summary>One &lt;offer&gt; of the ICML feed (retailcrm-api.md §10.1); optional elements are left out when null.</summary>
public sealed record IcmlOffer(
    long Id,
    long ProductId,
    decimal Quantity,
    string Name,
    string ProductName,
    bool Active,
    decimal? Price = null,
    decimal? PurchasePrice = null,
    long? CategoryId = null,
    string? Url = null,
    string? Picture = null,
    string? XmlId = null,
    string? Vendor = null,
    string? Barcode = null,
    string? VatRate = null,
    decimal? WeightKg = null,
    string? Dimensions = null,
    IcmlUnit? Unit = null,
    IReadOnlyList<(string Name, string Value)>? Params = null);

/// <summary>
/// Streams yml_catalog/shop with XmlWriter: UTF-8 without BOM, text escaped by the writer, characters XML 1.0 forbids
/// (control characters pasted into Bitrix descriptions) dropped rather than failing the whole feed.
/// </summary>
public sealed class IcmlWriter : IAsyncDisposable
{
    private readonly XmlWriter _xml;

    private IcmlWriter(XmlWriter xml) => _xml = xml;

    public static async Task<IcmlWriter> StartAsync(Stream output, string shopName, string? company, DateTimeOffset date)
    {
        var xml = XmlWriter.Create(output, new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false), CloseOutput = false });
        var writer = new IcmlWriter(xml);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "yml_catalog", null);
        await xml.WriteAttributeStringAsync(null, "date", null, date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        await xml.WriteStartElementAsync(null, "shop", null);
        await writer.ElementAsync("name", shopName);
        await writer.ElementAsync("company", company ?? shopName);
        await xml.WriteStartElementAsync(null, "categories", null);
        return writer;
    }

    public async Task CategoryAsync(long id, long? parentId, string name)
    {
        await _xml.WriteStartElementAsync(null, "category", null);
        await _xml.WriteAttributeStringAsync(null, "id", null, Number(id));
        if (parentId is { } parent) await _xml.WriteAttributeStringAsync(null, "parentId", null, Number(parent));
        await _xml.WriteStringAsync(Clean(name));
        await _xml.WriteEndElementAsync();
    }

    /// <summary>Closes &lt;categories&gt; and opens &lt;offers&gt;; call once, after the last category.</summary>
    public async Task BeginOffersAsync()
    {
        await _xml.WriteEndElementAsync();
        await _xml.WriteStartElementAsync(null, "offers", null);
    }

    public async Task OfferAsync(IcmlOffer offer)
    {
        await _xml.WriteStartElementAsync(null, "offer", null);
        await _xml.WriteAttributeStringAsync(null, "id", null, Number(offer.Id));
        await _xml.WriteAttributeStringAsync(null, "productId", null, Number(offer.ProductId));
        await _xml.WriteAttributeStringAsync(null, "quantity", null, Number(offer.Quantity));
        await ElementAsync("url", offer.Url);
        await ElementAsync("price", Money(offer.Price));
        await ElementAsync("purchasePrice", Money(offer.PurchasePrice));
        await ElementAsync("categoryId", offer.CategoryId is { } c ? Number(c) : null);
        await ElementAsync("picture", offer.Picture);
        await ElementAsync("name", offer.Name);
        await ElementAsync("productName", offer.ProductName);
        await ElementAsync("xmlId", offer.XmlId);
        await ElementAsync("productActivity", offer.Active ? "Y" : "N");
        await ElementAsync("vendor", offer.Vendor);
        await ElementAsync("barcode", offer.Barcode);
        await ElementAsync("vatRate", offer.VatRate);
        await ElementAsync("weight", offer.WeightKg is { } w ? w.ToString("0.###", CultureInfo.InvariantCulture) : null);
        await ElementAsync("dimensions", offer.Dimensions);
        if (offer.Unit is { } unit) await UnitAsync(unit);
        foreach (var (name, value) in offer.Params ?? [])
        {
            await _xml.WriteStartElementAsync(null, "param", null);
            await _xml.WriteAttributeStringAsync(null, "name", null, Clean(name));
            await _xml.WriteStringAsync(Clean(value));
            await _xml.WriteEndElementAsync();
        }
        await _xml.WriteEndElementAsync();
    }

    /// <summary>Closes the document and flushes; without it the output is incomplete and must not be published.</summary>
    public async Task FinishAsync()
    {
        await _xml.WriteEndDocumentAsync(); // closes offers, shop, yml_catalog
        await _xml.FlushAsync();
    }

    public ValueTask DisposeAsync()
    {
        _xml.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task UnitAsync(IcmlUnit unit)
    {
        await _xml.WriteStartElementAsync(null, "unit", null);
        await _xml.WriteAttributeStringAsync(null, "code", null, Clean(unit.Code));
        await _xml.WriteAttributeStringAsync(null, "name", null, Clean(unit.Name));
        await _xml.WriteAttributeStringAsync(null, "sym", null, Clean(unit.Symbol));
        await _xml.WriteEndElementAsync();
    }

    private async Task ElementAsync(string name, string? value)
    {
        if (value is null) return;
        await _xml.WriteElementStringAsync(null, name, null, Clean(value));
    }

    private static string? Money(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Clean(string text)
    {
        StringBuilder? kept = null; // started at the first character XML forbids, so a clean text (nearly all) is not copied
        for (var i = 0; i < text.Length; i++)
        {
            var pair = i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]); // emoji etc.
            if (pair || XmlConvert.IsXmlChar(text[i]))
            {
                kept?.Append(text, i, pair ? 2 : 1);
                if (pair) i++;
            }
            else kept ??= new StringBuilder(text.Length).Append(text, 0, i);
        }
        return kept?.ToString() ?? text;
    }
}
