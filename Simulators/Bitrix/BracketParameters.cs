using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// PHP's parse_str for form and query parameters: filter[&gt;=dateUpdate]=x becomes {"filter":{"&gt;=dateUpdate":"x"}},
/// select[]=id appends to an array. Values stay strings, as PHP sees them.
/// </summary>
internal static class BracketParameters
{
    public static JsonObject Parse(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        JsonObject root = [];
        foreach ((string key, string value) in pairs)
            Assign(root, Segments(key), value);
        return root;
    }

    private static void Assign(JsonObject root, List<string> path, string value)
    {
        JsonNode container = root;
        for (int i = 0; i < path.Count; i++)
        {
            bool last = i == path.Count - 1;
            JsonNode child = last ? JsonValue.Create(value) : path[i + 1] == "" ? new JsonArray() : new JsonObject();
            container = container switch
            {
                JsonObject obj => Step(obj, path[i], child, last),
                JsonArray array => Append(array, child),
                _ => container,
            };
        }
    }

    private static JsonNode Step(JsonObject obj, string segment, JsonNode child, bool last)
    {
        JsonNode? existing = obj[segment];
        if (!last && existing is not null && existing.GetType() == child.GetType())
            return existing;
        obj[segment] = child;
        return child;
    }

    private static JsonNode Append(JsonArray array, JsonNode child)
    {
        array.Add(child);
        return child;
    }

    private static List<string> Segments(string key)
    {
        int open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0 || !key.EndsWith(']'))
            return [key];
        List<string> segments = [key[..open]];
        foreach (string part in key[(open + 1)..^1].Split("]["))
            segments.Add(part);
        return segments;
    }
}
