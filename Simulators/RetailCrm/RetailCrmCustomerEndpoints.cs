using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitrixRetailCrm.Simulators.RetailCrm;

internal sealed class RetailCrmCustomerEndpoints(RetailCrmState state, RetailCrmUploadErrorShapes uploadShapes)
{
    public void Map(RouteGroupBuilder v5, Func<Func<RetailCrmCall, RetailCrmReply>, RequestDelegate> handle)
    {
        v5.MapGet("customers", handle(List));
        v5.MapPost("customers/create", handle(Create));
        v5.MapPost("customers/upload", handle(Upload));
        v5.MapGet("customers/{externalId}", handle(Get));
        v5.MapPost("customers/{externalId}/edit", handle(Edit));
    }

    /// <summary>
    /// GET customers: the entity filters, and the plain site parameter (a site the key may not see is refused, as for get),
    /// full customer objects, oldest first.
    /// </summary>
    private RetailCrmReply List(RetailCrmCall call)
    {
        if (!call.TryReadPage(out int limit, out int page, out RetailCrmReply? refusal)
            || !call.TryResolveSite(null, required: false, out string? site, out refusal))
            return refusal!;
        RetailCrmEntityFilter filter = new(call);
        JsonObject[] matching = [.. state.AllCustomers().Where(c => filter.Matches(c) && (site is null || JsonValues.AsString(c["site"]) == site))];
        return RetailCrmReply.Page("customers", matching, limit, page, c => c);
    }

    private RetailCrmReply Get(RetailCrmCall call)
    {
        if (!call.TryReadById(out bool byId, out RetailCrmReply? refusal)
            || !call.TryResolveSite(null, required: false, out string? site, out refusal))
            return refusal!;
        JsonObject? customer = state.FindCustomer(call.Route("externalId"), byId, site);
        return customer is null ? RetailCrmReply.NotFound() : RetailCrmReply.Ok(RetailCrmFormat.Success(("customer", customer)));
    }

    private RetailCrmReply Create(RetailCrmCall call)
    {
        if (!call.TryReadEntity("customer", out JsonObject input, out RetailCrmReply? refusal)
            || !call.TryResolveSite(input, required: true, out string? site, out refusal))
            return refusal!;
        RetailCrmWriteResult result = state.CreateCustomer(input, site!);
        return result.Failure == RetailCrmWriteFailure.AlreadyExists
            ? RetailCrmReply.BadRequest("Customer already exists.")
            : new RetailCrmReply(201, RetailCrmFormat.Success(("id", result.Entity!["id"]!.DeepClone())));
    }

    private RetailCrmReply Edit(RetailCrmCall call)
    {
        if (!call.TryReadEntity("customer", out JsonObject changes, out RetailCrmReply? refusal)
            || !call.TryReadById(out bool byId, out refusal)
            || !call.TryResolveSite(null, required: false, out string? site, out refusal))
            return refusal!;
        RetailCrmWriteResult result = state.EditCustomer(call.Route("externalId"), byId, site, changes);
        return result.Failure switch
        {
            RetailCrmWriteFailure.NotFound => RetailCrmReply.NotFound(),
            RetailCrmWriteFailure.Invalid => RetailCrmReply.BadRequest("Customer is not loaded", RetailCrmFormat.ErrorMap(result.Errors!)),
            _ => RetailCrmReply.Ok(RetailCrmFormat.Success(("id", result.Entity!["id"]!.DeepClone()))),
        };
    }

    private RetailCrmReply Upload(RetailCrmCall call) =>
        RetailCrmUpload.Customers.Run(call, uploadShapes, state.CreateCustomer, renderCreated: null);
}
