using System.Diagnostics;

namespace BitrixRetailCrm.Simulators.Common;

/// <summary>
/// Bitrix's limit as https://apidocs.bitrix24.com/limits.html describes it: each incoming request (a batch of up to 50
/// calls is one) adds 1 to a counter, the counter drops by Y every second, and once it exceeds X each following request
/// is blocked. Blocked requests are incoming requests too, so they add to the counter as well. The drop is spread evenly
/// over the second, so what a burst gets does not depend on where a second boundary happens to fall.
/// </summary>
internal sealed class LeakyBucketRateLimiter(Func<int> burstLimit, Func<int> drainPerSecond)
{
    private readonly Lock gate = new();
    private double level;
    private long lastDrain = Stopwatch.GetTimestamp();
    private int violations;

    /// <summary>Requests blocked because the counter exceeded the burst threshold when they arrived.</summary>
    public int Violations => Volatile.Read(ref violations);

    /// <summary>Counts the arrival; false when it is blocked.</summary>
    public bool TryAdmit()
    {
        int drain = drainPerSecond();
        if (drain <= 0)
            return true;
        lock (gate)
        {
            long now = Stopwatch.GetTimestamp();
            level = Math.Max(0, level - Stopwatch.GetElapsedTime(lastDrain, now).TotalSeconds * drain);
            lastDrain = now;
            bool admitted = level <= burstLimit();
            level++;
            if (!admitted)
                violations++;
            return admitted;
        }
    }
}
