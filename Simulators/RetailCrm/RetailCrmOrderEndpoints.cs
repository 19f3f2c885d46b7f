using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitrixRetailCrm.Simulators.RetailCrm;

internal sealed class RetailCrmOrderEndpoints(RetailCrmState state, RetailCrmUploadErrorShapes uploadShapes)
{
    public void Map(RouteGroupBuilder v5, Func<Func<RetailCrmCall, RetailCrmReply>, RequestDelegate> handle)
    {
        v5.MapGet("orders", handle(List));
        v5.MapGet("orders/history", handle(History));
        v5.MapGet("orders/statuses", handle(Statuses));
        v5.MapPost("orders/create", handle(Create));
        v5.MapPost("orders/upload", handle(Upload));
        v5.MapGet("orders/{externalId}", handle(Get));
        v5.MapPost("orders/{externalId}/edit", handle(Edit));
    }

    private RetailCrmReply Get(RetailCrmCall call)
    {
        if (!call.TryReadById(out bool byId, out RetailCrmReply? refusal)
            || !call.TryResolveSite(null, required: false, out string? site, out refusal))
            return refusal!;
        JsonObject? order = state.FindOrder(call.Route("externalId"), byId, site);
        return order is null
            ? RetailCrmReply.NotFound()
            : RetailCrmReply.Ok(RetailCrmFormat.Success(("order", RetailCrmFormat.WithPaymentsKeyedById(order))));
    }

    private RetailCrmReply Create(RetailCrmCall call)
    {
        if (!call.TryReadEntity("order", out JsonObject input, out RetailCrmReply? refusal)
            || !call.TryResolveSite(input, required: true, out string? site, out refusal))
            return refusal!;
        RetailCrmWriteResult result = state.CreateOrder(input, site!, call.ApiKey);
        return result.Failure switch
        {
            RetailCrmWriteFailure.AlreadyExists => RetailCrmReply.BadRequest("Order already exists."),
            RetailCrmWriteFailure.Invalid => NotLoaded(result),
            _ => new RetailCrmReply(201, RetailCrmFormat.Success(("id", result.Entity!["id"]!.DeepClone()), ("order", result.Entity))),
        };
    }

    private RetailCrmReply Edit(RetailCrmCall call)
    {
        if (!call.TryReadEntity("order", out JsonObject changes, out RetailCrmReply? refusal)
            || !call.TryReadById(out bool byId, out refusal)
            || !call.TryResolveSite(null, required: false, out string? site, out refusal))
            return refusal!;
        RetailCrmWriteResult result = state.EditOrder(call.Route("externalId"), byId, site, changes, call.ApiKey);
        return result.Failure switch
        {
            RetailCrmWriteFailure.NotFound => RetailCrmReply.NotFound(),
            RetailCrmWriteFailure.Invalid => NotLoaded(result),
            _ => RetailCrmReply.Ok(RetailCrmFormat.Success(
                ("id", result.Entity!["id"]!.DeepClone()), ("order", RetailCrmFormat.WithPaymentsKeyedById(result.Entity)))),
        };
    }

    private RetailCrmReply Upload(RetailCrmCall call) =>
        RetailCrmUpload.Orders.Run(call, uploadShapes, (order, site) => state.CreateOrder(order, site, call.ApiKey), order => order);

    private RetailCrmReply List(RetailCrmCall call)
    {
        if (!call.TryReadPage(out int limit, out int page, out RetailCrmReply? refusal))
            return refusal!;
        RetailCrmEntityFilter filter = new(call);
        return RetailCrmReply.Page("orders", [.. state.AllOrders().Where(filter.Matches)], limit, page, RetailCrmFormat.WithPaymentsKeyedById);
    }

    private RetailCrmReply History(RetailCrmCall call)
    {
        if (!call.TryReadPage(out int limit, out int page, out RetailCrmReply? refusal)
            || !TryReadHistoryQuery(call, limit, page, out RetailCrmHistoryQuery? query, out refusal))
            return refusal!;
        (IReadOnlyList<JsonObject> entries, int total) = state.History(query!, call.ApiKey);
        return RetailCrmReply.Ok(RetailCrmFormat.Success(
            ("generatedAt", RetailCrmFormat.DateTime(ShopClock.Now())),
            ("history", new JsonArray([.. entries])),
            ("pagination", RetailCrmFormat.Pagination(limit, total, page))));
    }

    private RetailCrmReply Statuses(RetailCrmCall call)
    {
        HashSet<string> ids = [.. call.Values("ids")];
        HashSet<string> externalIds = [.. call.Values("externalIds")];
        if (ids.Count + externalIds.Count > 500)
            return RetailCrmReply.InvalidParameters("externalIds", "This collection should contain 500 elements or less.");
        JsonArray rows = [.. state.AllOrders()
            .Where(o => ids.Contains(JsonValues.AsString(o["id"])!) || externalIds.Contains(JsonValues.AsString(o["externalId"]) ?? ""))
            .Select(o => new JsonObject
            {
                ["id"] = o["id"]?.DeepClone(),
                ["externalId"] = o["externalId"]?.DeepClone(),
                ["status"] = o["status"]?.DeepClone(),
                ["group"] = state.StatusGroup(JsonValues.AsString(o["status"])),
            })];
        return RetailCrmReply.Ok(RetailCrmFormat.Success(("orders", rows)));
    }

    private static bool TryReadHistoryQuery(RetailCrmCall call, int limit, int page, out RetailCrmHistoryQuery? query, out RetailCrmReply? refusal)
    {
        query = null;
        refusal = null;
        if (!TryReadInt(call, "filter[sinceId]", out int? sinceId, ref refusal)
            || !TryReadInt(call, "filter[orderId]", out int? orderId, ref refusal)
            || !TryReadDate(call, "startDate", out DateTimeOffset? startDate, ref refusal)
            || !TryReadDate(call, "endDate", out DateTimeOffset? endDate, ref refusal))
            return false;
        query = new RetailCrmHistoryQuery(sinceId, startDate, endDate, orderId, call.Param("filter[orderExternalId]"), limit, page);
        return true;
    }

    private static bool TryReadInt(RetailCrmCall call, string name, out int? value, ref RetailCrmReply? refusal)
    {
        value = null;
        if (call.Param(name) is not { } raw)
            return true;
        if (int.TryParse(raw, out int parsed) && parsed >= 0)
        {
            value = parsed;
            return true;
        }
        refusal = RetailCrmReply.InvalidParameters(name.Replace("filter[", "children[", StringComparison.Ordinal), "This value is not valid.");
        return false;
    }

    private static bool TryReadDate(RetailCrmCall call, string name, out DateTimeOffset? value, ref RetailCrmReply? refusal)
    {
        value = null;
        if (call.Param($"filter[{name}]") is not { } raw)
            return true;
        if (RetailCrmFormat.TryParseDateTime(raw, out DateTimeOffset parsed))
        {
            value = parsed;
            return true;
        }
        refusal = RetailCrmReply.InvalidParameters($"children[{name}]", "This value is not valid.");
        return false;
    }

    private static RetailCrmReply NotLoaded(RetailCrmWriteResult result) =>
        RetailCrmReply.BadRequest("Order is not loaded", RetailCrmFormat.ErrorMap(result.Errors!));
}
