namespace BitrixRetailCrm.Sync;

/// <summary>How <see cref="PushBatcher"/> gathers and bounds batches.</summary>
/// <param name="MaxBatch">Most distinct orders in one batch.</param>
/// <param name="Window">How long the oldest waiting order waits for company before its batch starts with a free lane.</param>
/// <param name="MaxConcurrent">Batches running at once (lanes).</param>
/// <param name="Deadline">A batch's work is cancelled, and its lane released, this long after it starts.</param>
public sealed record PushBatchLimits(int MaxBatch, TimeSpan Window, int MaxConcurrent, TimeSpan Deadline)
{
    /// <summary>
    /// The longest an invocation waits: blocked at most one deadline behind a running batch of its order, at most one more
    /// for a lane, then its own batch. Past it the invocation fails and its message comes back.
    /// </summary>
    public TimeSpan MaxWait => Window + 3 * Deadline;
}
