using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// Orders, customers and the order history of the simulated account. One lock guards everything, so concurrent
/// creates of one externalId produce exactly one order. Callers get copies, never the stored objects.
/// </summary>
internal sealed class RetailCrmState
{
    private readonly Lock gate = new();
    private readonly RetailCrmSimulatorOptions options;
    private readonly RetailCrmOrderRules rules;
    private readonly SortedDictionary<int, JsonObject> orders = [];
    private readonly Dictionary<(string Site, string ExternalId), int> orderIdsByExternalId = [];
    private readonly SortedDictionary<int, JsonObject> customers = [];
    private readonly Dictionary<(string Site, string ExternalId), int> customerIdsByExternalId = [];
    private readonly List<RetailCrmHistoryEntry> history = [];
    private Action<JsonObject>? nextEntryDamage;
    private readonly Dictionary<string, int> writesByExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetailCrmCustomerWrites> customerWritesByExternalId = new(StringComparer.Ordinal);
    // Distinct number ranges make a client that confuses CRM ids with externalIds fail loudly.
    private int nextOrderId = 7001;
    private int nextCustomerId = 4001;
    private int nextItemId = 11001;
    private int nextPaymentId = 4501;
    private int nextHistoryId = 1;
    private int totalWrites;

    public RetailCrmState(RetailCrmSimulatorOptions options)
    {
        this.options = options;
        rules = new RetailCrmOrderRules(options, FindCustomerReference);
    }

    public int TotalWrites
    {
        get { lock (gate) return totalWrites; }
    }

    public int OrderWriteCount(string externalId)
    {
        lock (gate) return writesByExternalId.GetValueOrDefault(externalId);
    }

    public RetailCrmCustomerWrites CustomerWrites(string externalId)
    {
        lock (gate) return customerWritesByExternalId.GetValueOrDefault(externalId) ?? RetailCrmCustomerWrites.None;
    }

    public string? StatusGroup(string? statusCode) => options.Statuses.Find(s => s.Code == statusCode)?.Group;

    public IReadOnlyList<JsonObject> AllOrders()
    {
        lock (gate) return orders.Values.Select(JsonValues.AsParsed).ToArray();
    }

    public IReadOnlyList<JsonObject> AllCustomers()
    {
        lock (gate) return customers.Values.Select(JsonValues.AsParsed).ToArray();
    }

    public JsonObject? FindOrder(string key, bool byId, string? site)
    {
        lock (gate) return LocateOrder(key, byId, site) is { } order ? JsonValues.AsParsed(order) : null;
    }

    public JsonObject? FindCustomer(string key, bool byId, string? site)
    {
        lock (gate) return LocateCustomer(key, byId, site) is { } customer ? JsonValues.AsParsed(customer) : null;
    }

    public RetailCrmWriteResult CreateOrder(JsonObject input, string site, string apiKey)
    {
        lock (gate)
        {
            string? externalId = JsonValues.AsString(input["externalId"]);
            if (externalId is not null && orderIdsByExternalId.ContainsKey((site, externalId)))
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.AlreadyExists);
            Dictionary<string, string> errors = rules.Check(input, site);
            if (errors.Count > 0)
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.Invalid, errors);
            JsonObject order = BuildNewOrder(input, site, externalId);
            orders[JsonValues.AsInt(order["id"])!.Value] = order;
            if (externalId is not null)
                orderIdsByExternalId[(site, externalId)] = JsonValues.AsInt(order["id"])!.Value;
            AddHistory(order, oldStatus: null, apiKey, userId: null, created: true);
            CountWrite(externalId);
            return RetailCrmWriteResult.Written(order.DeepClone().AsObject());
        }
    }

    public RetailCrmWriteResult EditOrder(string key, bool byId, string? site, JsonObject changes, string apiKey)
    {
        lock (gate)
        {
            JsonObject? order = LocateOrder(key, byId, site);
            if (order is null)
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.NotFound);
            string orderSite = JsonValues.AsString(order["site"])!;
            Dictionary<string, string> errors = rules.Check(changes, orderSite);
            string? newExternalId = JsonValues.AsString(changes["externalId"]);
            string? oldExternalId = JsonValues.AsString(order["externalId"]);
            if (newExternalId is not null && newExternalId != oldExternalId && orderIdsByExternalId.ContainsKey((orderSite, newExternalId)))
                errors["externalId"] = $"Order with externalId={newExternalId} already exists.";
            if (errors.Count > 0)
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.Invalid, errors);
            string oldStatus = JsonValues.AsString(order["status"])!;
            ApplyOrderChanges(order, changes, orderSite);
            ReindexExternalId(orderIdsByExternalId, orderSite, oldExternalId, newExternalId, JsonValues.AsInt(order["id"])!.Value);
            if (JsonValues.AsString(order["status"]) != oldStatus)
            {
                order["statusUpdatedAt"] = RetailCrmFormat.DateTime(ShopClock.Now());
                AddHistory(order, oldStatus, apiKey, userId: null, created: false);
            }
            CountWrite(JsonValues.AsString(order["externalId"]));
            return RetailCrmWriteResult.Written(order.DeepClone().AsObject());
        }
    }

    /// <summary>The next history entry is served through <paramref name="damage"/>, as broken upstream data would be.</summary>
    public void DamageNextHistoryEntry(Action<JsonObject> damage)
    {
        lock (gate) nextEntryDamage = damage;
    }

    /// <summary>A manager edits another field of the order in RetailCRM (its history entry is not modelled).</summary>
    public void ChangeFieldAsManager(string externalId, string field, JsonNode? value)
    {
        lock (gate)
        {
            JsonObject order = LocateOrder(externalId, byId: false, site: null)
                ?? throw new KeyNotFoundException($"No order with externalId={externalId}.");
            order[field] = value?.DeepClone();
        }
    }

    public void ChangeStatusAsManager(string externalId, string statusCode, string? site = null)
    {
        lock (gate)
        {
            JsonObject order = LocateOrder(externalId, byId: false, site)
                ?? throw new KeyNotFoundException($"No order with externalId={externalId}.");
            if (!options.Statuses.Exists(s => s.Code == statusCode))
                throw new ArgumentException($"Status \"{statusCode}\" is not in the dictionary.", nameof(statusCode));
            string oldStatus = JsonValues.AsString(order["status"])!;
            order["status"] = statusCode;
            order["statusUpdatedAt"] = RetailCrmFormat.DateTime(ShopClock.Now());
            AddHistory(order, oldStatus, apiKey: null, options.ManagerUserId, created: false);
        }
    }

    public RetailCrmWriteResult CreateCustomer(JsonObject input, string site)
    {
        lock (gate)
        {
            string? externalId = JsonValues.AsString(input["externalId"]);
            if (externalId is not null && customerIdsByExternalId.ContainsKey((site, externalId)))
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.AlreadyExists);
            JsonObject customer = StoreCustomer(input, site, nextCustomerId++);
            if (externalId is not null)
                CountCustomerWrite(externalId, w => w with { Creates = w.Creates + 1 });
            return RetailCrmWriteResult.Written(customer.DeepClone().AsObject());
        }
    }

    /// <summary>A customer that was in the account before: stored (replacing one with its externalId on the site), not counted as a write.</summary>
    public void PutCustomer(JsonObject input, string site)
    {
        lock (gate)
        {
            string? externalId = JsonValues.AsString(input["externalId"]);
            StoreCustomer(input, site, externalId is not null && customerIdsByExternalId.TryGetValue((site, externalId), out int id) ? id : nextCustomerId++);
        }
    }

    public RetailCrmWriteResult EditCustomer(string key, bool byId, string? site, JsonObject changes)
    {
        lock (gate)
        {
            JsonObject? customer = LocateCustomer(key, byId, site);
            if (customer is null)
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.NotFound);
            string customerSite = JsonValues.AsString(customer["site"])!;
            string? oldExternalId = JsonValues.AsString(customer["externalId"]);
            string? newExternalId = JsonValues.AsString(changes["externalId"]);
            if (newExternalId is not null && newExternalId != oldExternalId && customerIdsByExternalId.ContainsKey((customerSite, newExternalId)))
                return RetailCrmWriteResult.Refused(RetailCrmWriteFailure.Invalid,
                    new Dictionary<string, string> { ["externalId"] = $"Customer with externalId={newExternalId} already exists." });
            JsonObject editable = changes.DeepClone().AsObject();
            editable.Remove("id");
            editable.Remove("site");
            JsonValues.MergeInto(customer, editable);
            ReindexExternalId(customerIdsByExternalId, customerSite, oldExternalId, newExternalId, JsonValues.AsInt(customer["id"])!.Value);
            if (JsonValues.AsString(customer["externalId"]) is { } externalId)
                CountCustomerWrite(externalId, w => w with { Edits = w.Edits + 1 });
            return RetailCrmWriteResult.Written(customer.DeepClone().AsObject());
        }
    }

    public (IReadOnlyList<JsonObject> Page, int TotalCount) History(RetailCrmHistoryQuery query, string requestingKey)
    {
        lock (gate)
        {
            RetailCrmHistoryEntry[] matching = history.Where(query.Matches).ToArray();
            JsonObject[] page = matching.Skip((query.Page - 1) * query.Limit).Take(query.Limit)
                .Select(e => e.Render(requestingKey)).ToArray();
            return (page, matching.Length);
        }
    }

    private JsonObject? LocateOrder(string key, bool byId, string? site) =>
        Locate(orders, orderIdsByExternalId, key, byId, site);

    private JsonObject? LocateCustomer(string key, bool byId, string? site) =>
        Locate(customers, customerIdsByExternalId, key, byId, site);

    private static JsonObject? Locate(SortedDictionary<int, JsonObject> entities, Dictionary<(string Site, string ExternalId), int> index,
        string key, bool byId, string? site)
    {
        int? id = byId
            ? int.TryParse(key, out int parsed) ? parsed : null
            : index.Where(e => e.Key.ExternalId == key && (site is null || e.Key.Site == site)).Select(e => (int?)e.Value).FirstOrDefault();
        if (id is null || !entities.TryGetValue(id.Value, out JsonObject? entity))
            return null;
        return site is null || JsonValues.AsString(entity["site"]) == site ? entity : null;
    }

    private JsonObject? FindCustomerReference(JsonObject reference, string orderSite)
    {
        if (JsonValues.AsString(reference["externalId"]) is { } externalId)
            return LocateCustomer(externalId, byId: false, JsonValues.AsString(reference["site"]) ?? orderSite);
        return JsonValues.AsString(reference["id"]) is { } id ? LocateCustomer(id, byId: true, site: null) : null;
    }

    private JsonObject BuildNewOrder(JsonObject input, string site, string? externalId)
    {
        int id = nextOrderId++;
        string now = RetailCrmFormat.DateTime(ShopClock.Now());
        JsonObject order = new() { ["slug"] = id, ["id"] = id, ["number"] = JsonValues.AsString(input["number"]) ?? $"{id}A" };
        if (externalId is not null)
            order["externalId"] = externalId;
        order["orderType"] = options.OrderTypes.FirstOrDefault()?.Code;
        order["createdAt"] = now;
        order["statusUpdatedAt"] = now;
        order["site"] = site;
        order["status"] = "new";
        order["contragent"] = new JsonObject { ["contragentType"] = "individual" };
        order["delivery"] = new JsonObject { ["cost"] = 0, ["netCost"] = 0, ["address"] = new JsonObject() };
        order["items"] = new JsonArray();
        order["payments"] = new JsonArray();
        order["customFields"] = new JsonArray();
        order["fromApi"] = true;
        order["shipped"] = false;
        ApplyOrderChanges(order, input, site);
        return order;
    }

    private void ApplyOrderChanges(JsonObject order, JsonObject changes, string site)
    {
        foreach ((string field, JsonNode? value) in changes)
        {
            switch (field)
            {
                case "id" or "slug" or "site" when order.ContainsKey(field):
                    break;
                case "items":
                    order["items"] = MergeLines(order["items"] as JsonArray, (JsonArray)value!, NewItem, SameItem);
                    break;
                case "payments":
                    order["payments"] = MergeLines(order["payments"] as JsonArray, (JsonArray)value!, NewPayment, SamePayment);
                    break;
                case "customer":
                    order["customer"] = FindCustomerReference((JsonObject)value!, site)?.DeepClone();
                    break;
                case "customFields" when value is JsonObject custom && order["customFields"] is not JsonObject:
                    order["customFields"] = custom.DeepClone();
                    break;
                case var _ when value is JsonObject nested && order[field] is JsonObject existing:
                    JsonValues.MergeInto(existing, nested);
                    break;
                default:
                    order[field] = value?.DeepClone();
                    break;
            }
        }
        RecalculateTotals(order);
    }

    /// <summary>Sent lines replace the list; a sent line that matches a stored one keeps its CRM id and unsent fields.</summary>
    private static JsonArray MergeLines(JsonArray? stored, JsonArray sent, Func<JsonObject, JsonObject> create, Func<JsonObject, JsonObject, bool> same)
    {
        JsonArray merged = [];
        foreach (JsonObject line in sent.OfType<JsonObject>())
        {
            JsonObject? match = stored?.OfType<JsonObject>().FirstOrDefault(existing => same(existing, line));
            if (match is null)
            {
                merged.Add(create(line));
                continue;
            }
            JsonObject updated = match.DeepClone().AsObject();
            JsonValues.MergeInto(updated, line);
            updated["id"] = match["id"]?.DeepClone();
            merged.Add(updated);
        }
        return merged;
    }

    private JsonObject NewItem(JsonObject sent)
    {
        JsonObject item = new()
        {
            ["initialPrice"] = 0,
            ["discountTotal"] = 0,
            ["quantity"] = 1,
            ["status"] = "new",
            ["createdAt"] = RetailCrmFormat.DateTime(ShopClock.Now()),
            ["properties"] = new JsonArray(),
        };
        JsonValues.MergeInto(item, sent);
        item["id"] = nextItemId++;
        return item;
    }

    private JsonObject NewPayment(JsonObject sent)
    {
        JsonObject payment = sent.DeepClone().AsObject();
        payment["id"] = nextPaymentId++;
        return payment;
    }

    private static bool SameItem(JsonObject stored, JsonObject sent)
    {
        if (sent["id"] is { } id)
            return JsonValues.AsString(id) == JsonValues.AsString(stored["id"]);
        if (sent["externalIds"] is not JsonArray sentIds || stored["externalIds"] is not JsonArray storedIds)
            return false;
        return sentIds.Any(a => storedIds.Any(b =>
            JsonValues.AsString(a?["code"]) == JsonValues.AsString(b?["code"])
            && JsonValues.AsString(a?["value"]) == JsonValues.AsString(b?["value"])));
    }

    private static bool SamePayment(JsonObject stored, JsonObject sent) =>
        sent["id"] is { } id
            ? JsonValues.AsString(id) == JsonValues.AsString(stored["id"])
            : sent["externalId"] is { } externalId && JsonValues.AsString(externalId) == JsonValues.AsString(stored["externalId"]);

    private static void RecalculateTotals(JsonObject order)
    {
        decimal summ = 0;
        foreach (JsonNode? item in order["items"] as JsonArray ?? [])
        {
            decimal price = JsonValues.AsDecimal(item?["initialPrice"]) ?? 0;
            price -= JsonValues.AsDecimal(item?["discountManualAmount"]) ?? 0;
            price *= 1 - (JsonValues.AsDecimal(item?["discountManualPercent"]) ?? 0) / 100;
            summ += price * (JsonValues.AsDecimal(item?["quantity"]) ?? 1);
        }
        decimal delivery = JsonValues.AsDecimal(order["delivery"]?["cost"]) ?? 0;
        decimal discount = JsonValues.AsDecimal(order["discountManualAmount"]) ?? 0;
        order["summ"] = Math.Round(summ, 2);
        order["totalSumm"] = Math.Round(summ + delivery - discount, 2);
    }

    private JsonObject StoreCustomer(JsonObject input, string site, int id)
    {
        JsonObject customer = BuildCustomer(input, site, id);
        customers[id] = customer;
        if (JsonValues.AsString(input["externalId"]) is { } externalId)
            customerIdsByExternalId[(site, externalId)] = id;
        return customer;
    }

    private static JsonObject BuildCustomer(JsonObject input, string site, int id)
    {
        JsonObject customer = new()
        {
            ["type"] = "customer",
            ["id"] = id,
            ["isContact"] = false,
            ["createdAt"] = RetailCrmFormat.DateTime(ShopClock.Now()),
            ["vip"] = false,
            ["bad"] = false,
            ["site"] = site,
            ["contragent"] = new JsonObject { ["contragentType"] = "individual" },
            ["tags"] = new JsonArray(),
            ["customFields"] = new JsonArray(),
            ["personalDiscount"] = 0,
            ["phones"] = new JsonArray(),
        };
        JsonObject fields = input.DeepClone().AsObject();
        fields.Remove("id");
        fields.Remove("site");
        JsonValues.MergeInto(customer, fields);
        return customer;
    }

    private void AddHistory(JsonObject order, string? oldStatus, string? apiKey, int? userId, bool created)
    {
        // A creation entry carries the whole order, later ones a short snapshot, as in the real feed.
        JsonObject snapshot = created
            ? order.DeepClone().AsObject()
            : new JsonObject
            {
                ["id"] = order["id"]?.DeepClone(),
                ["externalId"] = order["externalId"]?.DeepClone(),
                ["site"] = order["site"]?.DeepClone(),
                ["status"] = order["status"]?.DeepClone(),
            };
        if (snapshot["externalId"] is null)
            snapshot.Remove("externalId");
        history.Add(new RetailCrmHistoryEntry(nextHistoryId++, ShopClock.Now(), apiKey, userId, created, oldStatus,
            JsonValues.AsString(order["status"])!, JsonValues.AsInt(order["id"])!.Value, JsonValues.AsString(order["externalId"]), snapshot,
            nextEntryDamage));
        nextEntryDamage = null;
    }

    private void CountCustomerWrite(string externalId, Func<RetailCrmCustomerWrites, RetailCrmCustomerWrites> add) =>
        customerWritesByExternalId[externalId] = add(customerWritesByExternalId.GetValueOrDefault(externalId) ?? RetailCrmCustomerWrites.None);

    private void CountWrite(string? externalId)
    {
        totalWrites++;
        if (externalId is not null)
            writesByExternalId[externalId] = writesByExternalId.GetValueOrDefault(externalId) + 1;
    }

    private static void ReindexExternalId(Dictionary<(string Site, string ExternalId), int> index, string site, string? oldId, string? newId, int id)
    {
        if (newId is null || newId == oldId)
            return;
        if (oldId is not null)
            index.Remove((site, oldId));
        index[(site, newId)] = id;
    }
}
