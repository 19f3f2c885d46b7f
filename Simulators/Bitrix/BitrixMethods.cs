using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>The REST methods of the simulated store, by lower-case name. Counts every call, including those inside batch.</summary>
internal sealed class BitrixMethods
{
    private readonly Dictionary<string, Func<JsonObject, BitrixOutcome>> methods;
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.OrdinalIgnoreCase);
    private readonly BitrixSimulatorOptions options;
    private readonly BitrixOrderStore orders;
    private readonly Action<int, string> orderSaved;

    public BitrixMethods(BitrixSimulatorOptions options, BitrixOrderStore orders, Action<int, string> orderSaved)
    {
        this.options = options;
        this.orders = orders;
        this.orderSaved = orderSaved;
        methods = new Dictionary<string, Func<JsonObject, BitrixOutcome>>
        {
            ["sale.order.get"] = OrderGet,
            ["sale.order.list"] = p => new BitrixListQuery(p, "id").Run(orders.FlatRows(), "orders"),
            ["sale.order.update"] = OrderUpdate,
            ["sale.status.list"] = p => new BitrixListQuery(p, "sort").Run(StatusRows(), "statuses"),
            ["sale.statuslang.list"] = p => new BitrixListQuery(p, "statusId").Run(StatusLangRows(), "statusLangs"),
            ["sale.delivery.getlist"] = p => BitrixOutcome.Ok(new BitrixListQuery(p, "ID", "SELECT", "FILTER", "ORDER").RunUnpaged(DeliveryRows())),
            ["sale.paysystem.list"] = p => BitrixOutcome.Ok(new BitrixListQuery(p, "ID", "SELECT", "FILTER", "ORDER").RunUnpaged(PaySystemRows())),
            ["catalog.store.list"] = p => new BitrixListQuery(p, "id").Run(StoreRows(), "stores"),
            ["sale.persontype.list"] = p => new BitrixListQuery(p, "id").Run(PersonTypeRows(), "personTypes"),
            ["sale.property.list"] = p => new BitrixListQuery(p, "id").Run(PropertyRows(), "properties"),
            ["catalog.pricetype.list"] = p => new BitrixListQuery(p, "id").Run(PriceTypeRows(), "priceTypes"),
        };
    }

    /// <summary>For methods built on top of this table (batch).</summary>
    public void Register(string method, Func<JsonObject, BitrixOutcome> handler) => methods[method] = handler;

    public int CallCount(string method) => calls.GetValueOrDefault(BitrixFormat.MethodName(method));

    public bool Exists(string method) => methods.ContainsKey(method);

    public BitrixOutcome Invoke(string method, JsonObject parameters)
    {
        calls.AddOrUpdate(method, 1, (_, count) => count + 1);
        return methods[method](parameters);
    }

    private BitrixOutcome OrderGet(JsonObject parameters)
    {
        if (parameters["id"] is null)
            return BitrixOutcome.MissingParameter("id");
        JsonObject? order = JsonValues.AsInt(parameters["id"]) is { } id ? orders.Get(id) : null;
        return order is null ? BitrixOutcome.OrderNotFound() : BitrixOutcome.Ok(new JsonObject { ["order"] = order });
    }

    private BitrixOutcome OrderUpdate(JsonObject parameters)
    {
        if (parameters["id"] is null)
            return BitrixOutcome.MissingParameter("id");
        if (parameters["fields"] is not JsonObject fields)
            return BitrixOutcome.MissingParameter("fields");
        if (fields.ContainsKey("statusId") && !options.Statuses.Exists(s => s.Type == "O" && s.Id == JsonValues.AsString(fields["statusId"])))
            return BitrixOutcome.Fail(400, 0, $"Status \"{JsonValues.AsString(fields["statusId"])}\" not found");
        if (fields.ContainsKey("canceled") && JsonValues.AsString(fields["canceled"]) is not ("Y" or "N"))
            return BitrixOutcome.Fail(400, 0, "canceled must be Y or N");
        int? id = JsonValues.AsInt(parameters["id"]);
        JsonObject? updated = id is null ? null : orders.Update(id.Value, fields, options.UserId);
        if (updated is null)
            return BitrixOutcome.OrderNotFound();
        orderSaved(id!.Value, JsonValues.AsString(updated["xmlId"]) ?? "");
        return BitrixOutcome.Ok(new JsonObject { ["order"] = updated });
    }

    private IEnumerable<JsonObject> StatusRows() => options.Statuses.ToArray().Select(s => new JsonObject
    {
        ["color"] = s.Color,
        ["id"] = s.Id,
        ["notify"] = "Y",
        ["sort"] = s.Sort,
        ["type"] = s.Type,
        ["xmlId"] = null,
    });

    private IEnumerable<JsonObject> StatusLangRows() => options.Statuses.ToArray().Select(s => new JsonObject
    {
        ["description"] = "",
        ["lid"] = "ru",
        ["name"] = s.Name,
        ["statusId"] = s.Id,
    });

    private IEnumerable<JsonObject> DeliveryRows() => options.Deliveries.ToArray().Select(d => new JsonObject
    {
        ["ID"] = d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NAME"] = d.Name,
        ["ACTIVE"] = d.Active ? "Y" : "N",
        ["DESCRIPTION"] = "",
        ["CURRENCY"] = "RUB",
        ["PARENT_ID"] = "0",
        ["SORT"] = (d.Id * 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private IEnumerable<JsonObject> PaySystemRows() => options.PaySystems.ToArray().Select(p => new JsonObject
    {
        ["ID"] = p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["NAME"] = p.Name,
        ["ACTIVE"] = p.Active ? "Y" : "N",
        ["XML_ID"] = $"bx_ps_{p.Id}",
        ["IS_CASH"] = p.IsCash ? "Y" : "N",
        ["PERSON_TYPE_ID"] = "1",
        ["ACTION_FILE"] = p.IsCash ? "cash" : "bill",
    });

    private IEnumerable<JsonObject> StoreRows() => options.Stores.ToArray().Select(s => new JsonObject
    {
        ["id"] = s.Id,
        ["title"] = s.Title,
        ["active"] = s.Active ? "Y" : "N",
        ["address"] = "",
        ["code"] = null,
        ["xmlId"] = $"bx_store_{s.Id}",
        ["sort"] = s.Id * 100,
    });

    private IEnumerable<JsonObject> PersonTypeRows() => options.PersonTypes.ToArray().Select(t => new JsonObject
    {
        ["active"] = t.Active ? "Y" : "N",
        ["code"] = null,
        ["id"] = t.Id,
        ["lid"] = "s1",
        ["name"] = t.Name,
        ["sort"] = t.Id * 100,
        ["xmlId"] = $"bx_pt_{t.Id}",
    });

    private IEnumerable<JsonObject> PropertyRows() => options.OrderProperties.ToArray().Select(p => new JsonObject
    {
        ["active"] = p.Active ? "Y" : "N",
        ["code"] = p.Code,
        ["id"] = p.Id,
        ["name"] = p.Name,
        ["personTypeId"] = p.PersonTypeId,
        ["propsGroupId"] = 1,
        ["required"] = "N",
        ["sort"] = p.Id * 100,
        ["type"] = "STRING",
        ["xmlId"] = $"bx_prop_{p.Code.ToLowerInvariant()}",
    });

    private IEnumerable<JsonObject> PriceTypeRows() => options.PriceTypes.ToArray().Select(t => new JsonObject
    {
        ["base"] = t.Base ? "Y" : "N",
        ["id"] = t.Id,
        ["name"] = t.Name,
        ["sort"] = t.Id * 100,
        ["xmlId"] = $"bx_price_{t.Id}",
    });
}
