namespace BitrixRetailCrm.Simulators.Common;

/// <summary>At most N accepted requests per key in any 1-second window (RetailCRM's per-key limit).</summary>
internal sealed class SlidingWindowRateLimiter(Func<int> limitPerSecond)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> acceptedByKey = new(StringComparer.Ordinal);

    public bool TryAcquire(string key)
    {
        int limit = limitPerSecond();
        if (limit <= 0)
            return true;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        lock (acceptedByKey)
        {
            if (!acceptedByKey.TryGetValue(key, out Queue<DateTimeOffset>? accepted))
                acceptedByKey[key] = accepted = new Queue<DateTimeOffset>();
            while (accepted.Count > 0 && now - accepted.Peek() >= Window)
                accepted.Dequeue();
            if (accepted.Count >= limit)
                return false;
            accepted.Enqueue(now);
            return true;
        }
    }
}
