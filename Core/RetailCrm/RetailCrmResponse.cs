using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.RetailCrm;

/// <summary>
/// The v5 envelope: {"success":true,…} or {"success":false,"errorMsg":…,"errors":{…}|[…]}; `errors` comes as an object
/// or an array and is normalised to a dictionary (array items keyed by index, as the Go client does).
/// </summary>
public sealed record RetailCrmResponse(int StatusCode, bool Success, JsonObject? Body, string? ErrorMsg,
    IReadOnlyDictionary<string, string> Errors, string RawBody)
{
    public static RetailCrmResponse Parse(int statusCode, string body)
    {
        JsonObject? json = null;
        try { json = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { } // e.g. nginx's HTML 405 page for an unknown account
        var success = statusCode < 400 && json?["success"]?.GetValueKind() == JsonValueKind.True;
        return new RetailCrmResponse(statusCode, success, json, json?["errorMsg"]?.ToString(), ReadErrors(json?["errors"]), body);
    }

    public string Describe() =>
        Errors.Count == 0
            ? $"HTTP {StatusCode} {ErrorMsg}"
            : $"HTTP {StatusCode} {ErrorMsg} ({string.Join("; ", Errors.Select(e => $"{e.Key}: {e.Value}"))})";

    private static Dictionary<string, string> ReadErrors(JsonNode? errors) => errors switch
    {
        JsonObject map => map.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? ""),
        JsonArray list => list.Select((e, i) => (Key: i.ToString(), Value: e?.ToString() ?? "")).ToDictionary(e => e.Key, e => e.Value),
        _ => [],
    };
}
