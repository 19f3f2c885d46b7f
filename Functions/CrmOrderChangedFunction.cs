using BitrixRetailCrm.StatusSync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>The RetailCRM trigger ("HTTP request" action) calls this when an order's status changes.</summary>
public sealed class CrmOrderChangedFunction(CrmWebhookHandler handler)
{
    [Function("CrmOrderChanged")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "retailcrm/order-changed")] HttpRequest request,
        CancellationToken ct) =>
        handler.HandleAsync(request, ct);
}
