namespace BitrixRetailCrm.Sync;

/// <summary>The result of one order of a batch: its outcome, or the exception its own message should fail with.</summary>
public sealed record PushResult(PushOutcome Outcome, Exception? Error = null)
{
    public static PushResult Failed(Exception error) => new(PushOutcome.DeadLettered, error);
}
