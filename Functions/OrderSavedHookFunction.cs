using BitrixRetailCrm.Hooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>The Bitrix outbound webhook (or the PHP OnSaleOrderSaved handler) calls this when an order is saved.</summary>
public sealed class OrderSavedHookFunction(OrderHookHandler handler)
{
    [Function("OrderSavedHook")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "bitrix/order-saved")] HttpRequest request,
        CancellationToken ct) =>
        handler.HandleAsync(request, ct);
}
