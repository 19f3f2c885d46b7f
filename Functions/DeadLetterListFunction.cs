using BitrixRetailCrm.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>
/// Dead-letter records with their stored messages and RetailCRM answers. Admin level (the host master key); the route
/// is not under admin/, which the Functions host reserves for itself.
/// </summary>
public sealed class DeadLetterListFunction(DeadLetterOperationsHandler handler)
{
    [Function("DeadLetterList")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/dead-letters")] HttpRequest request, CancellationToken ct) =>
        handler.ListAsync(request, ct);
}
