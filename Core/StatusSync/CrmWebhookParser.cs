using System.Globalization;
using System.Text.Json;
using BitrixRetailCrm.Hooks;
using Microsoft.AspNetCore.WebUtilities;

namespace BitrixRetailCrm.StatusSync;

/// <summary>
/// A trigger call whose syntax was readable. <see cref="Problem"/> is set (and <see cref="Changes"/> empty) when its
/// content is not acceptable; the caller checks the secret first so unauthenticated callers learn nothing.
/// </summary>
/// <param name="Secret">Null when the body does not carry it; the handler then reads it from the query string.</param>
public sealed record ParsedCrmWebhook(string? Secret, IReadOnlyList<CrmStatusChange> Changes, string? Problem = null);

/// <summary>
/// Reads RetailCRM trigger calls ("HTTP request" action, retailcrm-api.md §9.1): the form POST the trigger sends, one
/// order per request, or a JSON body <c>{"secret":…,"orders":[{"externalId":…,"id":…,"status":…}]}</c> (a single flat
/// order object is read the same way). Parameter names come from <see cref="CrmWebhookFields"/>.
/// </summary>
public static class CrmWebhookParser
{
    public const int MaxChangesPerWebhook = 100;

    private const string OrdersProperty = "orders";

    // What a trigger sends when a template does not resolve: the template text itself (misconfigured parameter).
    private const string TemplateMarker = "{{";

    public static ParsedCrmWebhook Parse(string? contentType, string body, CrmWebhookFields fields, TimeZoneInfo crmTimeZone)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        var reader = new ChangeReader(fields, crmTimeZone);
        return mediaType switch
        {
            "application/x-www-form-urlencoded" => ParseForm(body, reader),
            "application/json" => ParseJson(body, reader),
            _ => throw new HookRejectedException(415, "Unsupported media type",
                "Send application/x-www-form-urlencoded (trigger HTTP request) or application/json."),
        };
    }

    private static ParsedCrmWebhook ParseForm(string body, ChangeReader reader)
    {
        var form = QueryHelpers.ParseQuery(body);
        string? Value(string name) => form.TryGetValue(name, out var values) ? values.ToString() : null;
        var secret = Value(reader.Fields.Secret);
        var (change, problem) = reader.Read(Value);
        return change is null ? new(secret, [], problem) : new(secret, [change]);
    }

    private static ParsedCrmWebhook ParseJson(string body, ChangeReader reader)
    {
        var root = JsonRoot(body);
        if (root.ValueKind != JsonValueKind.Object) return new(null, [], "The body must be a JSON object.");
        var secret = root.TryGetProperty(reader.Fields.Secret, out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()
            : null;
        if (!root.TryGetProperty(OrdersProperty, out var orders)) return Single(secret, reader.ReadJson(root, ""));
        if (orders.ValueKind != JsonValueKind.Array || orders.GetArrayLength() == 0)
            return new(secret, [], $"Field '{OrdersProperty}' must be a non-empty array of orders.");
        if (orders.GetArrayLength() > MaxChangesPerWebhook)
            return new(secret, [], $"At most {MaxChangesPerWebhook} orders per request.");
        var changes = new List<CrmStatusChange>();
        foreach (var (order, index) in orders.EnumerateArray().Select((order, index) => (order, index)))
        {
            var (change, problem) = reader.ReadJson(order, $"{OrdersProperty}[{index}]: ");
            if (change is null) return new(secret, [], problem);
            changes.Add(change);
        }
        return new(secret, changes);
    }

    private static ParsedCrmWebhook Single(string? secret, (CrmStatusChange? Change, string? Problem) read) =>
        read.Change is null ? new(secret, [], read.Problem) : new(secret, [read.Change]);

    private static JsonElement JsonRoot(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new HookRejectedException(400, "Malformed JSON", $"The body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Turns one order's named parameters into a change, or into the problem that prevents it.</summary>
    private sealed class ChangeReader(CrmWebhookFields fields, TimeZoneInfo crmTimeZone)
    {
        public CrmWebhookFields Fields => fields;

        public (CrmStatusChange? Change, string? Problem) ReadJson(JsonElement order, string prefix)
        {
            if (order.ValueKind != JsonValueKind.Object) return (null, $"{prefix}Each order must be a JSON object.");
            var badKind = OrderFields.FirstOrDefault(name => order.TryGetProperty(name, out var value) && !IsScalar(value));
            if (badKind is not null) return (null, $"{prefix}Field '{badKind}' must be a string or a number.");
            var (change, problem) = Read(name => order.TryGetProperty(name, out var value) ? Scalar(value) : null);
            return (change, problem is null ? null : prefix + problem);
        }

        public (CrmStatusChange? Change, string? Problem) Read(Func<string, string?> parameter)
        {
            var values = OrderFields.ToDictionary(name => name, name => parameter(name)?.Trim() is { Length: > 0 } v ? v : null);
            var unrendered = values.FirstOrDefault(pair => pair.Value?.Contains(TemplateMarker, StringComparison.Ordinal) == true);
            if (unrendered.Key is not null)
                return (null, $"Field '{unrendered.Key}' holds the unrendered template '{unrendered.Value}'; check the trigger's parameters.");
            var externalId = values[fields.ExternalId];
            var idText = values[fields.Id];
            if (externalId is null && idText is null)
                return (null, $"Field '{fields.ExternalId}' or '{fields.Id}' is required.");
            // Only a Bitrix order id can be ours; anything else would end up in a request path or a table key.
            if (externalId is not null && !InboundValues.IsOrderId(externalId, out _))
                return (null, $"Field '{fields.ExternalId}' must be a Bitrix order id (digits), got '{InboundValues.Shown(externalId)}'.");
            long? crmId = null;
            if (idText is not null)
            {
                if (!InboundValues.IsOrderId(idText, out var id)) return (null, $"Field '{fields.Id}' must be a positive order id, got '{InboundValues.Shown(idText)}'.");
                crmId = id;
            }
            if (values[fields.Status] is not { } status) return (null, $"Field '{fields.Status}' is required.");
            DateTimeOffset? changedAt = null;
            if (values[fields.ChangedAt] is { } changedText)
            {
                if (!CrmDateTime.TryParse(changedText, crmTimeZone, out var moment))
                    return (null, $"Field '{fields.ChangedAt}' must be a date-time as Y-m-d H:i:s or ISO-8601, got '{InboundValues.Shown(changedText)}'.");
                changedAt = moment;
            }
            return (new CrmStatusChange(externalId, crmId, status, values[fields.Site], null, changedAt,
                CrmStatusChange.TriggerSource), null);
        }

        // Distinct: an operator may point two fields at one parameter (e.g. id and externalId both "order_id").
        private IEnumerable<string> OrderFields =>
            new[] { fields.ExternalId, fields.Id, fields.Status, fields.Site, fields.ChangedAt }.Distinct();

        private static bool IsScalar(JsonElement value) =>
            value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null;

        private static string? Scalar(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
