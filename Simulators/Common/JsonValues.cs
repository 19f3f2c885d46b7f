using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.Common;

/// <summary>Lenient reads of JSON scalars, because PHP systems accept "5" where 5 is meant (form values are always strings).</summary>
internal static class JsonValues
{
    public static string? AsString(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => null,
    };

    public static decimal? AsDecimal(JsonNode? node)
    {
        // Covers parsed JSON and values created from int/double alike (GetValue<decimal> only handles the former).
        return decimal.TryParse(AsString(node), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal parsed) ? parsed : null;
    }

    public static int? AsInt(JsonNode? node)
    {
        decimal? number = AsDecimal(node);
        return number is { } n && n == decimal.Truncate(n) && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;
    }

    public static bool IsTruthy(JsonNode? node) => AsString(node) is "1" or "true" or "Y" or "y";

    /// <summary>
    /// A copy whose values behave like parsed JSON: nodes built in memory from int refuse (decimal)/(long) casts,
    /// which would surprise tests reading what the simulators hand out.
    /// </summary>
    public static JsonObject AsParsed(JsonObject source) => JsonNode.Parse(source.ToJsonString())!.AsObject();

    /// <summary>Copies <paramref name="changes"/> into <paramref name="target"/>: nested objects merge, everything else replaces.</summary>
    public static void MergeInto(JsonObject target, JsonObject changes)
    {
        foreach ((string key, JsonNode? value) in changes)
        {
            if (value is JsonObject nested && target[key] is JsonObject existing)
                MergeInto(existing, nested);
            else
                target[key] = value?.DeepClone();
        }
    }
}
