using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// A catalog.product.list / catalog.product.offer.list row, read tolerantly: Bitrix sends numbers as numbers or strings,
/// "" or null for unset, and the SKU's parentId and every propertyNNN as {value, valueId} (a list when multiple).
/// </summary>
public sealed record CatalogElement(JsonElement Row)
{
    /// <summary>catalog product type 3: a product with variations, which is never sold itself (its SKUs are).</summary>
    public const int TypeWithVariations = 3;

    public long Id => Long(Field(Row, "id")) ?? throw new FormatException("catalog row without id");
    public long? ParentId => Long(Value(Field(Row, "parentId")));
    public long? SectionId => Long(Field(Row, "iblockSectionId"));
    public string? Name => Text(Field(Row, "name"));
    public string? Code => Text(Field(Row, "code"));
    public string? XmlId => Text(Field(Row, "xmlId"));
    public bool Active => Text(Field(Row, "active")) != "N";
    public decimal Quantity => Decimal(Field(Row, "quantity")) ?? 0;
    public decimal? PurchasePrice => Decimal(Field(Row, "purchasingPrice"));
    public long? VatId => Long(Field(Row, "vatId"));
    public long? MeasureId => Long(Field(Row, "measure"));
    public decimal? Weight => Decimal(Field(Row, "weight"));
    public decimal? Width => Decimal(Field(Row, "width"));
    public decimal? Height => Decimal(Field(Row, "height"));
    public decimal? Length => Decimal(Field(Row, "length"));
    public string? Picture => Text(File("detailPicture") ?? File("previewPicture"));

    /// <summary>The row field of a property id ("property261"); build it once per feed, not per row.</summary>
    public static string PropertyField(long id) => $"property{id}";

    /// <summary>Values of a property (<see cref="PropertyField"/>) joined with ", " (multiple-value properties arrive as lists).</summary>
    public string? Property(string field) => Field(Row, field) switch
    {
        { ValueKind: JsonValueKind.Array } many => many.EnumerateArray().Select(v => Text(Value(v))).OfType<string>().ToList() is { Count: > 0 } values
            ? string.Join(", ", values) : null,
        var single => Text(Value(single)),
    };

    /// <summary>The member of an object row; null when the row is not an object, lacks it, or it is JSON null.</summary>
    internal static JsonElement? Field(JsonElement? row, string name) =>
        row is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    internal static string? Text(JsonElement? node) => node switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() is { Length: > 0 } text ? text : null,
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        _ => null,
    };

    // Numbers are read from the document's UTF-8 bytes: going through a string cost one allocation per field and row.
    internal static long? Long(JsonElement? node) => node switch
    {
        { ValueKind: JsonValueKind.Number } n => n.TryGetInt64(out var value) ? value : null,
        { ValueKind: JsonValueKind.String } s => long.TryParse(Unquoted(s), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null,
        _ => null,
    };

    internal static decimal? Decimal(JsonElement? node) => node switch
    {
        { ValueKind: JsonValueKind.Number } n => n.TryGetDecimal(out var value) ? value : null,
        { ValueKind: JsonValueKind.String } s => decimal.TryParse(Unquoted(s), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null,
        _ => null,
    };

    /// <summary>A string value's UTF-8 bytes without the quotes; escapes, never part of a number, make it fail to parse.</summary>
    private static ReadOnlySpan<byte> Unquoted(JsonElement text) => JsonMarshal.GetRawUtf8Value(text)[1..^1];

    /// <summary>parentId and propertyNNN arrive as {value, valueId}; a bare scalar is accepted as the value itself.</summary>
    private static JsonElement? Value(JsonElement? node) => node is { ValueKind: JsonValueKind.Object } link ? Field(link, "value") : node;

    private JsonElement? File(string name) => Field(Row, name) is { ValueKind: JsonValueKind.Object } file ? Field(file, "url") : null;
}

/// <summary>Small dictionaries read once per feed: VAT rates by id and units by measure id.</summary>
public sealed record CatalogReference(IReadOnlyDictionary<long, string> VatRates, IReadOnlyDictionary<long, IcmlUnit> Units);

public sealed record IcmlUnit(string Code, string Name, string Symbol);
