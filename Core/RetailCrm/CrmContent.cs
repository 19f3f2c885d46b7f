using System.Globalization;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.RetailCrm;

/// <summary>Compares what RetailCRM answers for an entity with what we would send it.</summary>
public static class CrmContent
{
    /// <summary>
    /// True when <paramref name="held"/> (RetailCRM's entity) already has every value of <paramref name="sent"/> (our
    /// payload); fields RetailCRM adds on its own (id, createdAt, site, ...) do not count.
    /// </summary>
    public static bool Holds(JsonNode? held, JsonNode? sent) => sent switch
    {
        null => true,
        JsonObject fields => held is JsonObject heldFields && fields.All(f => Holds(heldFields[f.Key], f.Value)),
        JsonArray items => held is JsonArray heldItems && heldItems.Count == items.Count
            && items.Select((item, i) => Holds(heldItems[i], item)).All(same => same),
        JsonValue value => held is JsonValue heldValue && Same(heldValue, value),
        _ => false,
    };

    public static bool Holds<T>(JsonNode? held, T sent) => Holds(held, JsonNode.Parse(CrmJson.Serialize(sent)));

    private static bool Same(JsonValue held, JsonValue sent) =>
        Number(held) is { } a && Number(sent) is { } b ? a == b : Text(held) == Text(sent);

    private static decimal? Number(JsonValue value) =>
        value.TryGetValue<decimal>(out var number) ? number
        : value.TryGetValue<string>(out var text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out number) ? number
        : null;

    private static string Text(JsonValue value) => value.TryGetValue<string>(out var text) ? text : value.ToJsonString();
}
