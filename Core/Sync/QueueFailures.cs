using System.Runtime.ExceptionServices;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

/// <summary>
/// What a queue function does with a failure: a permanent one is dead-lettered and the message completed; a transient
/// one is rethrown for the queue to retry, and dead-lettered first on the last attempt, before the host poisons it.
/// </summary>
public sealed class QueueFailures(DeadLetterStore deadLetters, SyncMetrics metrics, IOptions<SyncOptions> sync, TimeProvider clock,
    ILogger<QueueFailures> log)
{
    /// <summary>Returns when the failure was dead-lettered for good; otherwise rethrows <paramref name="ex"/>.</summary>
    public async Task HandleAsync(Exception ex, string direction, string orderId, string messageJson, long dequeueCount)
    {
        var failure = FailureClassifier.Classify(ex);
        if (!failure.Permanent && dequeueCount < sync.Value.MaxDequeueCount)
        {
            log.LogWarning("Order {OrderId} {Direction} failed on attempt {Attempt} ({Reason}): {Error}; will retry",
                orderId, direction, dequeueCount, failure.ReasonCode, ex.Message);
            ExceptionDispatchInfo.Throw(ex);
        }
        await RecordAsync(ex, direction, orderId, messageJson, (int)dequeueCount);
        if (!failure.Permanent) ExceptionDispatchInfo.Throw(ex); // the host moves the message to the -poison queue
    }

    /// <summary>Writes the dead-letter record; for callers that are not queue functions (the history poll).</summary>
    public async Task RecordAsync(Exception ex, string direction, string orderId, string messageJson, int attempts)
    {
        var failure = FailureClassifier.Classify(ex);
        await deadLetters.RecordAsync(new DeadLetter(direction, orderId, failure.ReasonCode, ex.Message, failure.LastResponse,
            attempts, messageJson, clock.GetUtcNow()), CancellationToken.None);
        metrics.Failed(direction, failure.ReasonCode);
        log.LogError("Order {OrderId} dead-lettered after {Attempts} attempt(s), {Direction}, reason {Reason}: {Error}",
            orderId, attempts, direction, failure.ReasonCode, ex.Message);
    }

    public static bool IsPermanent(Exception ex) => FailureClassifier.Classify(ex).Permanent;
}
