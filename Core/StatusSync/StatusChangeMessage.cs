using System.Text.Json;

namespace BitrixRetailCrm.StatusSync;

/// <summary>
/// A queued nudge from a RetailCRM trigger. The status it carries is only a hint: the handler re-reads the order, so a
/// late or repeated trigger applies the current status, never an old one.
/// </summary>
public sealed record StatusChangeMessage(string? ExternalId, long? CrmId, string? Site, string? Status, DateTimeOffset ReceivedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string OrderKey => ExternalId ?? $"crm-{CrmId}";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static StatusChangeMessage FromJson(string json) =>
        JsonSerializer.Deserialize<StatusChangeMessage>(json, Json) is { } m && (m.ExternalId is { Length: > 0 } || m.CrmId is not null)
            ? m
            : throw new JsonException("Status message names no order");

    public static StatusChangeMessage From(CrmStatusChange change, DateTimeOffset receivedAt) =>
        new(change.ExternalId, change.CrmId, change.Site, change.Status, receivedAt);
}
