using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// Dictionaries as GET reference/* returns them: objects keyed by code, except stores and price types (arrays); and
/// GET custom-fields, paged, filtered by entity.
/// </summary>
internal sealed class RetailCrmReferenceEndpoints(RetailCrmSimulatorOptions options)
{
    public void Map(RouteGroupBuilder v5, Func<Func<RetailCrmCall, RetailCrmReply>, RequestDelegate> handle)
    {
        v5.MapGet("reference/statuses", handle(_ => Keyed("statuses", options.Statuses, s => s.Code, Status)));
        v5.MapGet("reference/status-groups", handle(_ => StatusGroups()));
        v5.MapGet("reference/delivery-types", handle(_ => Keyed("deliveryTypes", options.DeliveryTypes, d => d.Code, DeliveryType)));
        v5.MapGet("reference/payment-types", handle(_ => Keyed("paymentTypes", options.PaymentTypes, p => p.Code, PaymentType)));
        v5.MapGet("reference/payment-statuses", handle(_ => Keyed("paymentStatuses", options.PaymentStatuses, p => p.Code, PaymentStatus)));
        v5.MapGet("reference/order-types", handle(_ => Keyed("orderTypes", options.OrderTypes, t => t.Code, OrderType)));
        v5.MapGet("reference/sites", handle(_ => Keyed("sites", options.Sites, code => code, Site)));
        v5.MapGet("reference/stores", handle(_ => RetailCrmReply.Ok(RetailCrmFormat.Success(("stores", new JsonArray([.. options.Stores.Select(Store)]))))));
        v5.MapGet("reference/price-types", handle(_ => RetailCrmReply.Ok(RetailCrmFormat.Success(("priceTypes", new JsonArray([.. options.PriceTypes.Select(PriceType)]))))));
        v5.MapGet("custom-fields", handle(CustomFields));
    }

    private RetailCrmReply CustomFields(RetailCrmCall call)
    {
        if (!call.TryReadPage(out int limit, out int page, out RetailCrmReply? refusal))
            return refusal!;
        RetailCrmCustomField[] matching = [.. options.CustomFields.ToArray().Where(f => call.Param("filter[entity]") is not { } entity || f.Entity == entity)];
        return RetailCrmReply.Page("customFields", matching, limit, page, CustomField);
    }

    private static JsonObject CustomField(RetailCrmCustomField field) => new()
    {
        ["name"] = field.Name,
        ["code"] = field.Code,
        ["required"] = false,
        ["inFilter"] = true,
        ["inList"] = true,
        ["inGroupActions"] = false,
        ["type"] = field.Type,
        ["entity"] = field.Entity,
        ["ordering"] = 50,
        ["displayArea"] = "customer",
        ["viewMode"] = "editable",
    };

    private JsonObject PriceType(RetailCrmPriceType type) => new()
    {
        ["id"] = options.PriceTypes.IndexOf(type) + 1,
        ["code"] = type.Code,
        ["name"] = type.Name,
        ["active"] = type.Active,
        ["default"] = type.Default,
        ["ordering"] = 990,
        ["promo"] = false,
    };

    private static RetailCrmReply Keyed<T>(string key, IEnumerable<T> entries, Func<T, string> code, Func<T, JsonObject> render)
    {
        JsonObject byCode = [];
        foreach (T entry in entries.ToArray())
            byCode[code(entry)] = render(entry);
        return RetailCrmReply.Ok(RetailCrmFormat.Success((key, byCode)));
    }

    private static JsonObject Status(RetailCrmStatus status) => new()
    {
        ["name"] = status.Name,
        ["code"] = status.Code,
        ["active"] = status.Active,
        ["ordering"] = status.Ordering,
        ["group"] = status.Group,
    };

    private RetailCrmReply StatusGroups()
    {
        JsonObject groups = [];
        foreach (IGrouping<string, RetailCrmStatus> group in options.Statuses.ToArray().GroupBy(s => s.Group))
        {
            groups[group.Key] = new JsonObject
            {
                ["name"] = group.Key,
                ["code"] = group.Key,
                ["active"] = true,
                ["ordering"] = group.Min(s => s.Ordering),
                ["process"] = false,
                ["statuses"] = new JsonArray([.. group.Select(s => JsonValue.Create(s.Code))]),
            };
        }
        return RetailCrmReply.Ok(RetailCrmFormat.Success(("statusGroups", groups)));
    }

    private JsonObject DeliveryType(RetailCrmDeliveryType delivery) => new()
    {
        ["isDynamicCostCalculation"] = false,
        ["isAutoCostCalculation"] = false,
        ["currency"] = "RUB",
        ["name"] = delivery.Name,
        ["code"] = delivery.Code,
        ["active"] = delivery.Active,
        ["defaultCost"] = delivery.DefaultCost,
        ["defaultNetCost"] = 0,
        ["description"] = "",
        ["paymentTypes"] = Codes(options.PaymentTypes.Select(p => p.Code)),
        ["deliveryServices"] = new JsonArray(),
        ["defaultForCrm"] = false,
        ["sites"] = new JsonArray(),
    };

    private JsonObject PaymentType(RetailCrmPaymentType payment) => new()
    {
        ["name"] = payment.Name,
        ["code"] = payment.Code,
        ["active"] = payment.Active,
        ["defaultForCrm"] = false,
        ["defaultForApi"] = false,
        ["description"] = "",
        ["deliveryTypes"] = Codes(options.DeliveryTypes.Select(d => d.Code)),
        ["paymentStatuses"] = Codes(options.PaymentStatuses.Select(s => s.Code)),
        ["sites"] = new JsonArray(),
    };

    private JsonObject PaymentStatus(RetailCrmPaymentStatus status) => new()
    {
        ["name"] = status.Name,
        ["code"] = status.Code,
        ["active"] = status.Active,
        ["defaultForCrm"] = false,
        ["defaultForApi"] = false,
        ["paymentComplete"] = status.PaymentComplete,
        ["ordering"] = status.Ordering,
        ["paymentTypes"] = Codes(options.PaymentTypes.Select(p => p.Code)),
    };

    private JsonObject OrderType(RetailCrmOrderType type) => new()
    {
        ["name"] = type.Name,
        ["code"] = type.Code,
        ["active"] = type.Active,
        ["defaultForCrm"] = options.OrderTypes.FirstOrDefault() == type,
        ["defaultForApi"] = options.OrderTypes.FirstOrDefault() == type,
        ["ordering"] = 990,
    };

    private JsonObject Site(string code) => new()
    {
        ["id"] = options.Sites.IndexOf(code) + 1,
        ["name"] = code,
        ["url"] = $"https://{code}.example.ru",
        ["code"] = code,
        ["description"] = "",
        ["defaultForCrm"] = options.Sites.IndexOf(code) == 0,
        ["loadFromYml"] = false,
        ["countryIso"] = "RU",
        ["currency"] = "RUB",
        ["ordering"] = 990,
    };

    private static JsonObject Store(RetailCrmStore store) => new()
    {
        ["type"] = "store-type-warehouse",
        ["inventoryType"] = "integer",
        ["address"] = new JsonObject(),
        ["active"] = store.Active,
        ["phone"] = new JsonObject(),
        ["code"] = store.Code,
        ["name"] = store.Name,
    };

    private static JsonArray Codes(IEnumerable<string> codes) => [.. codes.Select(c => JsonValue.Create(c))];
}
