using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace BitrixRetailCrm.Hooks;

/// <summary>
/// A hook whose syntax was readable. <see cref="Problem"/> is set when its content is not acceptable; the caller checks
/// the token first so that unauthenticated callers learn nothing about what we accept.
/// </summary>
public sealed record ParsedHook(string? Token, string? Domain, IReadOnlyList<long> OrderIds, string? SiteId, string Source,
    string? Problem = null);

public sealed class HookRejectedException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>
/// Reads the two hook bodies we accept: Bitrix's outbound-webhook form (bitrix-api.md §4.3, keys such as
/// data[FIELDS][ID] and auth[application_token]) and the JSON posted by bitrix/OnSaleOrderSaved.php.
/// </summary>
public static class OrderHookParser
{
    public const string TokenHeader = "X-Application-Token";
    public const int MaxOrderIdsPerHook = 100;

    private static readonly HashSet<string> OrderEvents = new(StringComparer.OrdinalIgnoreCase)
        { "ONSALEORDERSAVED", "ONORDERENTITYSAVED" };

    public static ParsedHook Parse(string? contentType, string body, string? headerToken)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/x-www-form-urlencoded" => ParseForm(body),
            "application/json" => ParseJson(body, headerToken),
            _ => throw new HookRejectedException(415, "Unsupported media type",
                "Send application/x-www-form-urlencoded (Bitrix outbound webhook) or application/json (PHP handler)."),
        };
    }

    private static ParsedHook ParseForm(string body)
    {
        var form = QueryHelpers.ParseQuery(body);
        var token = Single(form, "auth[application_token]");
        var domain = Single(form, "auth[domain]");
        var source = "bitrix-webhook";
        var eventName = Single(form, "event");
        if (eventName is null || !OrderEvents.Contains(eventName))
            return new ParsedHook(token, domain, [], null, source,
                $"Field 'event' must be ONSALEORDERSAVED or ONORDERENTITYSAVED, got '{InboundValues.Shown(eventName)}'.");
        var id = Single(form, "data[FIELDS][ID]");
        return TryOrderId(id, out var orderId)
            ? new ParsedHook(token, domain, [orderId], null, source)
            : new ParsedHook(token, domain, [], null, source, $"Field 'data[FIELDS][ID]' must be a positive order ID, got '{InboundValues.Shown(id)}'.");
    }

    private static ParsedHook ParseJson(string body, string? headerToken)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new HookRejectedException(400, "Malformed JSON", $"The body is not valid JSON: {ex.Message}");
        }
        const string source = "php-handler";
        if (root.ValueKind != JsonValueKind.Object)
            return new ParsedHook(headerToken, null, [], null, source, "The body must be a JSON object.");
        var siteId = root.TryGetProperty("siteId", out var site) && site.ValueKind == JsonValueKind.String ? site.GetString() : null;
        if (siteId is not null && !InboundValues.IsSiteCode(siteId))
            return new ParsedHook(headerToken, null, [], null, source,
                $"Field 'siteId' must be a Bitrix site id (letters, digits, '_' or '-', at most 32), got '{InboundValues.Shown(siteId)}'.");
        var (ids, problem) = ReadJsonOrderIds(root);
        return new ParsedHook(headerToken, null, ids, siteId, source, problem);
    }

    private static (IReadOnlyList<long> Ids, string? Problem) ReadJsonOrderIds(JsonElement root)
    {
        IEnumerable<JsonElement> raw = root.TryGetProperty("orderIds", out var many) && many.ValueKind == JsonValueKind.Array
            ? many.EnumerateArray().ToList()
            : root.TryGetProperty("orderId", out var one) ? [one] : [];
        var values = raw.ToList();
        if (values.Count == 0) return ([], "Field 'orderId' is required.");
        if (values.Count > MaxOrderIdsPerHook) return ([], $"At most {MaxOrderIdsPerHook} order IDs per hook.");
        var ids = new List<long>();
        foreach (var value in values)
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            if (!TryOrderId(text, out var id)) return ([], $"Field 'orderId' must be a positive order ID, got '{InboundValues.Shown(text)}'.");
            ids.Add(id);
        }
        return (ids.Distinct().ToList(), null);
    }

    private static bool TryOrderId(string? text, out long id) => InboundValues.IsOrderId(text, out id);

    private static string? Single(Dictionary<string, StringValues> form, string key) =>
        form.TryGetValue(key, out var values) ? values.ToString() : null;
}
