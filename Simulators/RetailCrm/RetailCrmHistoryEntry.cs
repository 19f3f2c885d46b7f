using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>A status change as the history feed reports it; apiKey.current depends on who asks, so it is rendered per request.</summary>
internal sealed record RetailCrmHistoryEntry(
    int Id,
    DateTimeOffset CreatedAt,
    string? ApiKey,
    int? UserId,
    bool Created,
    string? OldStatus,
    string NewStatus,
    int OrderId,
    string? OrderExternalId,
    JsonObject OrderSnapshot,
    Action<JsonObject>? Damage = null)
{
    public JsonObject Render(string requestingKey)
    {
        JsonObject entry = new()
        {
            ["id"] = Id,
            ["createdAt"] = RetailCrmFormat.DateTime(CreatedAt),
        };
        if (Created)
            entry["created"] = true;
        if (ApiKey is null)
        {
            entry["source"] = "user";
            entry["user"] = new JsonObject { ["id"] = UserId };
        }
        else
        {
            entry["source"] = "api";
            entry["apiKey"] = new JsonObject { ["current"] = ApiKey == requestingKey };
        }
        entry["field"] = "status";
        entry["oldValue"] = OldStatus is null ? null : new JsonObject { ["code"] = OldStatus };
        entry["newValue"] = new JsonObject { ["code"] = NewStatus };
        entry["order"] = OrderSnapshot.DeepClone();
        Damage?.Invoke(entry);
        return entry;
    }
}
