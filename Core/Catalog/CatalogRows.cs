using System.Globalization;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// A catalog.product.list / catalog.product.offer.list row, read tolerantly: Bitrix sends numbers as numbers or strings,
/// "" or null for unset, and the SKU's parentId and every propertyNNN as {value, valueId} (a list when multiple).
/// </summary>
public sealed record CatalogElement(JsonObject Row)
{
    /// <summary>catalog product type 3: a product with variations, which is never sold itself (its SKUs are).</summary>
    public const int TypeWithVariations = 3;

    public long Id => Long(Row["id"]) ?? throw new FormatException("catalog row without id");
    public long? ParentId => Long(Row["parentId"] is JsonObject link ? link["value"] : Row["parentId"]);
    public long? SectionId => Long(Row["iblockSectionId"]);
    public string? Name => Text(Row["name"]);
    public string? Code => Text(Row["code"]);
    public string? XmlId => Text(Row["xmlId"]);
    public bool Active => Text(Row["active"]) != "N";
    public decimal Quantity => Decimal(Row["quantity"]) ?? 0;
    public decimal? PurchasePrice => Decimal(Row["purchasingPrice"]);
    public long? VatId => Long(Row["vatId"]);
    public long? MeasureId => Long(Row["measure"]);
    public decimal? Weight => Decimal(Row["weight"]);
    public decimal? Width => Decimal(Row["width"]);
    public decimal? Height => Decimal(Row["height"]);
    public decimal? Length => Decimal(Row["length"]);
    public string? Picture => Text((Row["detailPicture"] ?? Row["previewPicture"]) is JsonObject file ? file["url"] : null);

    /// <summary>Values of propertyNNN joined with ", " (multiple-value properties arrive as lists).</summary>
    public string? Property(long id) => Row[$"property{id}"] switch
    {
        JsonObject single => Text(single["value"]),
        JsonArray many => many.Select(v => Text(v is JsonObject o ? o["value"] : v)).OfType<string>().ToList() is { Count: > 0 } values
            ? string.Join(", ", values) : null,
        var scalar => Text(scalar),
    };

    internal static string? Text(JsonNode? node) => node is JsonValue value && value.ToString() is { Length: > 0 } text ? text : null;

    internal static long? Long(JsonNode? node) =>
        long.TryParse(Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    internal static decimal? Decimal(JsonNode? node) =>
        decimal.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>Small dictionaries read once per feed: VAT rates by id and units by measure id.</summary>
public sealed record CatalogReference(IReadOnlyDictionary<long, string> VatRates, IReadOnlyDictionary<long, IcmlUnit> Units);

public sealed record IcmlUnit(string Code, string Name, string Symbol);
