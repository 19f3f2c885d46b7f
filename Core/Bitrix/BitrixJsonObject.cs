using System.Globalization;
using System.Text.Json;

namespace BitrixRetailCrm.Bitrix;

/// <summary>
/// Tolerant reads of one Bitrix REST JSON object. Bitrix serialises the same field as a number in one place and a string
/// in another, sends "" for unset text, "Y"/"N" for flags and [] instead of {} (or a keyed object instead of a list) for
/// PHP arrays, so every accessor accepts all of these and reports failures with the field's full path.
/// </summary>
internal readonly struct BitrixJsonObject
{
    private readonly JsonElement element;
    private readonly string path;

    public BitrixJsonObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            var field = path.Length == 0 ? "order" : path;
            throw new BitrixPayloadException(field, $"Bitrix field '{field}' is not an object ({element.ValueKind})");
        }
        this.element = element;
        this.path = path;
    }

    public string RequiredString(string name) =>
        String(name) ?? throw new BitrixPayloadException(PathOf(name), $"Bitrix field '{PathOf(name)}' is missing");

    /// <summary>Text, number or flag as a string; null when absent, null or empty.</summary>
    public string? String(string name) => Value(name) is { } value ? Text(value, name) : null;

    public decimal Decimal(string name) => OptionalDecimal(name) ?? 0m;

    public decimal? OptionalDecimal(string name) => String(name) is { } text ? ParseDecimal(text, name) : null;

    /// <summary>Absent or null flags read as false, which is Bitrix's default for every Y/N field.</summary>
    public bool Flag(string name) => String(name) switch
    {
        null or "N" or "0" => false,
        "Y" or "1" => true,
        var other => throw Malformed(name, "a Y/N flag", other),
    };

    public DateTimeOffset? Date(string name) => String(name) is { } text
        ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Malformed(name, "an ISO-8601 date", text)
        : null;

    public IReadOnlyList<T> List<T>(string name, Func<BitrixJsonObject, T> read)
    {
        var elements = Value(name) switch
        {
            null => [],
            { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().ToList(),
            { ValueKind: JsonValueKind.Object } keyed => keyed.EnumerateObject().Select(p => p.Value).ToList(),
            { } other => throw Malformed(name, "a list", other.ValueKind.ToString()),
        };
        var listPath = PathOf(name);
        return elements.Select((item, index) => read(new BitrixJsonObject(item, $"{listPath}[{index}]"))).ToList();
    }

    private JsonElement? Value(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private string? Text(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "Y",
        JsonValueKind.False => "N",
        JsonValueKind.Null => null,
        // Multiple-value order properties (e.g. checkbox groups) arrive as arrays of scalars.
        JsonValueKind.Array => JoinScalars(value, name),
        _ => throw Malformed(name, "a scalar", value.ValueKind.ToString()),
    };

    private string? JoinScalars(JsonElement array, string name)
    {
        var self = this;
        var parts = array.EnumerateArray().Select(item => self.Text(item, name)).OfType<string>().ToList();
        return parts.Count > 0 ? string.Join(", ", parts) : null;
    }

    private decimal ParseDecimal(string text, string name) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Malformed(name, "a number", text);

    private BitrixPayloadException Malformed(string name, string expected, string actual) =>
        new(PathOf(name), $"Bitrix field '{PathOf(name)}' is not {expected}: '{actual}'");

    private string PathOf(string name) => path.Length == 0 ? name : $"{path}.{name}";
}
