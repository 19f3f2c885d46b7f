namespace BitrixRetailCrm.Tests.Infrastructure;

/// <summary>
/// Runs every continuation posted to it on the test's own thread when the test says so, so that code built on async
/// continuations and a fake clock can be stepped through deterministically: act, <see cref="Drain"/>, check.
/// </summary>
public sealed class StepSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_posted) _posted.Enqueue((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    /// <summary>Runs what was posted, and what that posts, until nothing is left.</summary>
    public void Drain()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) next;
            lock (_posted)
            {
                if (!_posted.TryDequeue(out next)) return;
            }
            next.Callback(next.State);
        }
    }

    /// <summary>Installs a context on this thread for the duration of the returned scope.</summary>
    public static Scope Install(out StepSynchronizationContext context)
    {
        var previous = Current;
        context = new StepSynchronizationContext();
        SetSynchronizationContext(context);
        return new Scope(previous);
    }

    public readonly struct Scope(SynchronizationContext? previous) : IDisposable
    {
        public void Dispose() => SetSynchronizationContext(previous);
    }
}
