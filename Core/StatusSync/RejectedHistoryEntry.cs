using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BitrixRetailCrm.Hooks;

namespace BitrixRetailCrm.StatusSync;

/// <summary>A history entry that cannot be read: why, and what it said, for its dead-letter record.</summary>
/// <param name="Id">Its id when it has a readable one.</param>
/// <param name="ExternalId">The order's externalId when readable; any text, since foreign orders are in the feed too.</param>
public sealed record RejectedHistoryEntry(long? Id, string? ExternalId, string? Site, string Reason, string Json)
{
    public static RejectedHistoryEntry Of(JsonElement entry, string reason)
    {
        var order = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.Object
            ? o
            : (JsonElement?)null;
        return new(
            entry.ValueKind == JsonValueKind.Object ? OrderHistoryParser.Int(entry, "id") : null,
            order is { } withId ? OrderHistoryParser.Text(withId, "externalId") : null,
            order is { } withSite ? OrderHistoryParser.Text(withSite, "site") : null,
            reason,
            entry.GetRawText());
    }

    /// <summary>The Bitrix order it is about, when its externalId can be one of ours.</summary>
    public string? OrderId => InboundValues.IsOrderId(ExternalId, out _) ? ExternalId : null;

    /// <summary>
    /// What names its dead-letter record: the Bitrix order, else the entry (a foreign externalId can hold anything and
    /// must not become a key).
    /// </summary>
    public string RecordKey => OrderId ?? (Id is { } id ? $"history-{id}"
        : $"history-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json)))[..12]}");

    /// <summary>
    /// What a replay sends: for an order of ours, a status message, so the replay re-reads the order from RetailCRM and
    /// applies what it shows then; otherwise the entry itself, which a replay reports as naming no order.
    /// </summary>
    public string ReplayMessage(DateTimeOffset now) =>
        OrderId is { } orderId ? new StatusChangeMessage(orderId, null, Site, null, now).ToJson() : Json;
}
