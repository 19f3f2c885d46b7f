using System.Diagnostics;

namespace BitrixRetailCrm.Simulators.Common;

/// <summary>
/// RetailCRM's per-key limit (10 req/s per key in retailcrm/api-client-go rate.go): a request is refused when N or more
/// requests of its key arrived in the second before it. Every arrival counts, refused ones included, so a client that
/// retries into the limit keeps its own window full.
/// </summary>
internal sealed class SlidingWindowRateLimiter(Func<int> limitPerSecond)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, Queue<long>> arrivalsByKey = new(StringComparer.Ordinal);
    private int violations;

    /// <summary>Arrivals that found N or more earlier arrivals of their key within the preceding second.</summary>
    public int Violations => Volatile.Read(ref violations);

    /// <summary>Counts the arrival; false when it is over the limit.</summary>
    public bool TryAdmit(string key)
    {
        int limit = limitPerSecond();
        if (limit <= 0)
            return true;
        long now = Stopwatch.GetTimestamp();
        lock (arrivalsByKey)
        {
            if (!arrivalsByKey.TryGetValue(key, out Queue<long>? arrivals))
                arrivalsByKey[key] = arrivals = new Queue<long>();
            while (arrivals.Count > 0 && Stopwatch.GetElapsedTime(arrivals.Peek(), now) >= Window)
                arrivals.Dequeue();
            bool admitted = arrivals.Count < limit;
            arrivals.Enqueue(now);
            if (!admitted)
                violations++;
            return admitted;
        }
    }
}
