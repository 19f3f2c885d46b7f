using BitrixRetailCrm.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>
/// Queue depths, oldest-message ages, poison counts and open dead letters. Function level: it shows counts only, so a
/// monitoring probe can poll it with a function key instead of the host master key.
/// </summary>
public sealed class OpsStatusFunction(OperationsStatusHandler handler)
{
    [Function("OpsStatus")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/status")] HttpRequest request, CancellationToken ct) =>
        handler.HandleAsync(ct);
}
