using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>Orders in the sale.order.get shape, keyed by id. One lock; callers get copies.</summary>
internal sealed class BitrixOrderStore
{
    /// <summary>The collections sale.order.get embeds and list/update leave out.</summary>
    public static readonly string[] Collections = ["basketItems", "propertyValues", "payments", "shipments", "clients", "requisiteLink", "tradeBindings"];

    /// <summary>Fields sale.order.update writes; anything else in "fields" is dropped, as the REST internalizer does.</summary>
    public static readonly HashSet<string> UpdatableFields =
    [
        "price", "discountValue", "statusId", "empStatusId", "dateInsert", "marked", "empMarkedId", "reasonMarked", "userDescription",
        "additionalInfo", "comments", "responsibleId", "recurringId", "lockedBy", "recountFlag", "affiliateId", "updated1c", "orderTopic",
        "xmlId", "id1c", "version1c", "externalOrder", "canceled", "empCanceledId", "reasonCanceled",
    ];

    private readonly Lock gate = new();
    private readonly SortedDictionary<int, JsonObject> orders = [];

    public void Put(JsonObject order)
    {
        int id = JsonValues.AsInt(order["id"]) ?? throw new ArgumentException("The order needs a numeric \"id\".", nameof(order));
        JsonObject stored = JsonValues.AsParsed(order);
        lock (gate) orders[id] = stored;
    }

    /// <summary>
    /// Stores an order the way the shop saves it: a new or changed order gets dateUpdate = now and its next version, and
    /// dateStatus = now when its statusId changed, as Order::save does; saving the same content again changes nothing.
    /// </summary>
    public void Save(JsonObject order)
    {
        int id = JsonValues.AsInt(order["id"]) ?? throw new ArgumentException("The order needs a numeric \"id\".", nameof(order));
        JsonObject saved = JsonValues.AsParsed(order);
        lock (gate)
        {
            if (orders.TryGetValue(id, out JsonObject? stored) && JsonNode.DeepEquals(WithoutStamps(stored), WithoutStamps(saved)))
                return;
            saved["dateUpdate"] = BitrixFormat.Date(ShopClock.Now());
            if (stored is not null && JsonValues.AsString(stored["statusId"]) != JsonValues.AsString(saved["statusId"]))
                saved["dateStatus"] = saved["dateUpdate"]!.DeepClone();
            saved["version"] = (JsonValues.AsInt(stored?["version"]) ?? 0) + 1;
            orders[id] = saved;
        }
    }

    private static JsonObject WithoutStamps(JsonObject order)
    {
        JsonObject copy = order.DeepClone().AsObject();
        copy.Remove("dateUpdate");
        copy.Remove("version");
        return copy;
    }

    public JsonObject? Get(int id)
    {
        lock (gate) return orders.TryGetValue(id, out JsonObject? order) ? JsonValues.AsParsed(order) : null;
    }

    public IReadOnlyList<JsonObject> FlatRows()
    {
        lock (gate) return orders.Values.Select(Flat).ToArray();
    }

    /// <summary>Applies the writable fields the way Order::save does (status and cancel dates, version); null when there is no such order.</summary>
    public JsonObject? Update(int id, JsonObject fields, int userId)
    {
        lock (gate)
        {
            if (!orders.TryGetValue(id, out JsonObject? order))
                return null;
            string now = BitrixFormat.Date(ShopClock.Now());
            foreach ((string field, JsonNode? value) in fields.Where(f => UpdatableFields.Contains(f.Key)))
                order[field] = field is "price" or "discountValue" && JsonValues.AsDecimal(value) is { } number ? number : value?.DeepClone();
            if (fields.ContainsKey("statusId"))
            {
                order["dateStatus"] = now;
                if (!fields.ContainsKey("empStatusId"))
                    order["empStatusId"] = userId;
            }
            if (fields.ContainsKey("canceled"))
            {
                bool canceled = JsonValues.AsString(fields["canceled"]) == "Y";
                order["dateCanceled"] = canceled ? now : null;
                order["empCanceledId"] = canceled ? userId : null;
            }
            order["dateUpdate"] = now;
            order["version"] = (JsonValues.AsInt(order["version"]) ?? 0) + 1;
            return Flat(order);
        }
    }

    public static JsonObject Flat(JsonObject order)
    {
        JsonObject flat = order.DeepClone().AsObject();
        foreach (string collection in Collections)
            flat.Remove(collection);
        return flat;
    }
}
