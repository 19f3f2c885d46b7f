namespace BitrixRetailCrm.Simulators.Common;

/// <summary>
/// Bitrix's limiter: every accepted request adds 1 to a counter that drains by a fixed amount per second;
/// once the counter has reached the burst threshold the next request is blocked.
/// </summary>
internal sealed class LeakyBucketRateLimiter(Func<int> burstLimit, Func<double> drainPerSecond)
{
    private readonly Lock gate = new();
    private double level;
    private DateTimeOffset lastDrain = DateTimeOffset.UtcNow;

    public bool TryAcquire()
    {
        double drain = drainPerSecond();
        if (drain <= 0)
            return true;
        lock (gate)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            level = Math.Max(0, level - (now - lastDrain).TotalSeconds * drain);
            lastDrain = now;
            if (level + 1 > burstLimit())
                return false;
            level += 1;
            return true;
        }
    }
}
