using System.Collections;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BitrixRetailCrm.RetailCrm;

/// <summary>
/// The one JSON shape sent to RetailCRM. Output is deterministic because the push handler hashes it to skip unchanged
/// orders: properties in declaration order, decimals without trailing zeros, and nulls and empty lists left out.
/// </summary>
public static class CrmJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // The JSON travels inside a form field, never into HTML, so Cyrillic and quotes need no \u escapes.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new CanonicalDecimalConverter() },
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyLists } },
        };
        options.MakeReadOnly();
        return options;
    }

    // An empty "items" or "payments" on orders/edit would wipe what RetailCRM already holds.
    private static void OmitEmptyLists(JsonTypeInfo type)
    {
        foreach (var property in type.Properties.Where(p => p.PropertyType != typeof(string)
                     && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)))
            property.ShouldSerialize = (_, value) => value is IEnumerable list && list.GetEnumerator().MoveNext();
    }

    /// <summary>Writes 980.00m and 980m the same, so a price's textual form in Bitrix does not change the hash.</summary>
    private sealed class CanonicalDecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.ToString("0.############################", CultureInfo.InvariantCulture));
    }
}
