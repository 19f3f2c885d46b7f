using System.Text.Json;

namespace BitrixRetailCrm.StatusSync;

/// <param name="StatusChanges">At most one change per order (its newest), oldest first.</param>
/// <param name="LastId">The highest entry id on the page, skipped and rejected entries included: the next
/// <c>filter[sinceId]</c>. Null for an empty page (keep the cursor).</param>
/// <param name="HasMore">Request again from <see cref="LastId"/>, not the next page number, as the official modules do
/// (retailcrm/bitrix-module RetailCrmHistory_v5).</param>
/// <param name="Rejected">Entries that cannot be read: each is dead-lettered on its own and the cursor moves past it.</param>
public sealed record OrderHistoryPage(IReadOnlyList<CrmStatusChange> StatusChanges, long? LastId, bool HasMore,
    IReadOnlyList<RejectedHistoryEntry> Rejected);

/// <summary>
/// Reads a <c>GET orders/history</c> response (retailcrm-api.md §8) down to the status changes to apply in Bitrix.
/// Skipped: entries of other fields, orders without an externalId (created in the CRM, not linked to Bitrix yet), and
/// orders whose newest status entry on the page was written by our own API key (<c>source=api</c> with
/// <c>apiKey.current=true</c>). The own-key rule is applied after collapsing to the newest entry, as the official
/// modules' filterHistory does: an own write newer than a manager's change means Bitrix already has the newer status,
/// and applying the manager's older one would start the status ping-pong.
/// </summary>
public static class OrderHistoryParser
{
    private const string StatusField = "status";

    /// <summary>
    /// A malformed entry (no id, an unreadable time) is rejected on its own, so one bad entry never holds the cursor and
    /// the good ones of its page are applied; <c>"history": null</c> reads as an empty page.
    /// </summary>
    /// <exception cref="FormatException">The body is not a history response.</exception>
    public static OrderHistoryPage Parse(string json, TimeZoneInfo crmTimeZone)
    {
        using var document = Document(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("history", out var history)
            || history.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
            throw new FormatException("An orders/history response needs a \"history\" array");
        var entries = new List<Entry>();
        var rejected = new List<RejectedHistoryEntry>();
        if (history.ValueKind == JsonValueKind.Array)
            foreach (var element in history.EnumerateArray())
            {
                try { entries.Add(Entry.Read(element, crmTimeZone)); }
                catch (FormatException ex) { rejected.Add(RejectedHistoryEntry.Of(element, ex.Message)); }
            }
        var changes = entries
            .Where(entry => entry.StatusChange is not null)
            .GroupBy(entry => (entry.StatusChange!.Site, entry.StatusChange.ExternalId))
            .Select(order => order.MaxBy(entry => entry.Id)!)
            .Where(newest => !newest.OwnWrite)
            .Select(newest => newest.StatusChange!)
            .OrderBy(change => change.HistoryId)
            .ToList();
        var ids = entries.Select(entry => entry.Id).Concat(rejected.Select(entry => entry.Id).OfType<long>()).ToList();
        return new OrderHistoryPage(changes, ids.Count > 0 ? ids.Max() : null, HasMore(root), rejected);
    }

    private static JsonDocument Document(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The orders/history response is not valid JSON: {ex.Message}", ex);
        }
    }

    private static bool HasMore(JsonElement root) =>
        root.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object
        && Int(pagination, "currentPage") is { } current && Int(pagination, "totalPageCount") is { } total
        && current < total;

    internal static long? Int(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    internal static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    /// <param name="StatusChange">Null unless the entry is a status change of an order linked to Bitrix.</param>
    private sealed record Entry(long Id, CrmStatusChange? StatusChange, bool OwnWrite)
    {
        public static Entry Read(JsonElement entry, TimeZoneInfo zone)
        {
            if (entry.ValueKind != JsonValueKind.Object || Int(entry, "id") is not { } id)
                throw new FormatException("Every history entry needs a numeric \"id\"");
            return new Entry(id, ReadStatusChange(entry, id, zone), IsOwnWrite(entry));
        }

        private static CrmStatusChange? ReadStatusChange(JsonElement entry, long id, TimeZoneInfo zone) =>
            Text(entry, "field") == StatusField
            && entry.TryGetProperty("newValue", out var newValue) && newValue.ValueKind == JsonValueKind.Object
            && Text(newValue, "code") is { } status
            && entry.TryGetProperty("order", out var order) && order.ValueKind == JsonValueKind.Object
            && Text(order, "externalId") is { } externalId
                ? new CrmStatusChange(externalId, Int(order, "id"), status, Text(order, "site"), id, ChangedAt(entry, zone),
                    CrmStatusChange.HistorySource)
                : null;

        private static DateTimeOffset? ChangedAt(JsonElement entry, TimeZoneInfo zone) => Text(entry, "createdAt") switch
        {
            null => null,
            var text when CrmDateTime.TryParse(text, zone, out var moment) => moment,
            var text => throw new FormatException($"History entry createdAt '{text}' is not a Y-m-d H:i:s date-time"),
        };

        private static bool IsOwnWrite(JsonElement entry) =>
            Text(entry, "source") == "api"
            && entry.TryGetProperty("apiKey", out var apiKey) && apiKey.ValueKind == JsonValueKind.Object
            && apiKey.TryGetProperty("current", out var current) && current.ValueKind == JsonValueKind.True;
    }
}
