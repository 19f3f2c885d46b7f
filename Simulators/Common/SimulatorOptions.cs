namespace BitrixRetailCrm.Simulators.Common;

/// <summary>Settings both simulators share. Latency can be changed while requests are in flight.</summary>
public abstract class SimulatorOptions
{
    private long minLatencyTicks;
    private long maxLatencyTicks;

    /// <summary>Port on 127.0.0.1; 0 picks a free one (read the actual port from the simulator's URL).</summary>
    public int Port { get; init; }

    public TimeSpan MinLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref minLatencyTicks));
        set => Interlocked.Exchange(ref minLatencyTicks, value.Ticks);
    }

    public TimeSpan MaxLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref maxLatencyTicks));
        set => Interlocked.Exchange(ref maxLatencyTicks, value.Ticks);
    }

    /// <summary>Sets both bounds at once, e.g. from a "3-5" command-line value.</summary>
    public void SetLatency(TimeSpan min, TimeSpan max)
    {
        MinLatency = min;
        MaxLatency = max;
    }

    internal TimeSpan NextLatency()
    {
        long min = Interlocked.Read(ref minLatencyTicks);
        long max = Interlocked.Read(ref maxLatencyTicks);
        if (max <= min)
            return TimeSpan.FromTicks(Math.Max(min, 0));
        return TimeSpan.FromTicks(Random.Shared.NextInt64(min, max + 1));
    }
}
