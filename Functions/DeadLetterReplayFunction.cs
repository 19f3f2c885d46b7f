using BitrixRetailCrm.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Queues dead-lettered messages again (one order, a reason code, or all). Admin level: the host master key.</summary>
public sealed class DeadLetterReplayFunction(DeadLetterOperationsHandler handler)
{
    [Function("DeadLetterReplay")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/dead-letters/replay")] HttpRequest request, CancellationToken ct) =>
        handler.ReplayAsync(request, ct);
}
