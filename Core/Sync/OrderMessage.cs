using System.Text.Json;

namespace BitrixRetailCrm.Sync;

/// <summary>One queued order: only the ID travels; the push always re-reads the current order from Bitrix.</summary>
public sealed record OrderMessage(string OrderId, string? SiteId, string Source, DateTimeOffset ReceivedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static OrderMessage FromJson(string json) =>
        JsonSerializer.Deserialize<OrderMessage>(json, Json) is { OrderId.Length: > 0 } message
            ? message
            : throw new JsonException("Queue message has no orderId");
}
