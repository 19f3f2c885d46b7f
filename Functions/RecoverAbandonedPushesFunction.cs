using BitrixRetailCrm.Sync;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Queues again the orders whose push died with its instance, instead of waiting out the queue's 10-minute lease.</summary>
public sealed class RecoverAbandonedPushesFunction(AbandonedPushRecovery recovery)
{
    [Function("RecoverAbandonedPushes")]
    public Task Run([TimerTrigger("%RecoverySchedule%")] TimerInfo timer, CancellationToken ct) => recovery.RunAsync(ct);
}
