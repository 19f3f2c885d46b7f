using BitrixRetailCrm.Sync;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Queues the orders updated in Bitrix whose hook never came (Bitrix does not retry outbound webhooks).</summary>
public sealed class ReconcileOrdersFunction(OrderReconciler reconciler)
{
    [Function("ReconcileOrders")]
    public Task Run([TimerTrigger("%ReconcileSchedule%")] TimerInfo timer, CancellationToken ct) => reconciler.RunAsync(ct);
}
