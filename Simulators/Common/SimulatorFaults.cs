namespace BitrixRetailCrm.Simulators.Common;

/// <summary>Failures a test can switch on: error responses for a number of requests or a period, or a closed port.</summary>
public sealed class SimulatorFaults
{
    private readonly Lock gate = new();
    private readonly SimulatorHost host;
    private int failNextCount;
    private int failNextStatus;
    private DateTimeOffset failUntil;
    private int failForStatus;

    internal SimulatorFaults(SimulatorHost host) => this.host = host;

    public bool IsListening => host.IsListening;

    /// <summary>The next <paramref name="count"/> requests get <paramref name="statusCode"/> with the system's error body.</summary>
    public void FailNext(int count, int statusCode = 503)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (gate)
        {
            failNextCount = count;
            failNextStatus = statusCode;
        }
    }

    /// <summary>Every request during <paramref name="duration"/> (from now) gets <paramref name="statusCode"/>.</summary>
    public void FailFor(TimeSpan duration, int statusCode = 503)
    {
        lock (gate)
        {
            failUntil = DateTimeOffset.UtcNow + duration;
            failForStatus = statusCode;
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            failNextCount = 0;
            failUntil = default;
        }
    }

    /// <summary>Closes the listener: clients get "connection refused" until <see cref="ResumeListeningAsync"/>. State is kept.</summary>
    public Task StopListeningAsync(CancellationToken cancellationToken = default) => host.StopListeningAsync(cancellationToken);

    /// <summary>Listens again on the same port.</summary>
    public Task ResumeListeningAsync(CancellationToken cancellationToken = default) => host.ResumeListeningAsync(cancellationToken);

    internal bool TryTakeFault(out int statusCode)
    {
        lock (gate)
        {
            if (failNextCount > 0)
            {
                failNextCount--;
                statusCode = failNextStatus;
                return true;
            }
            statusCode = failForStatus;
            return DateTimeOffset.UtcNow < failUntil;
        }
    }
}
