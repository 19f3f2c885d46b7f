using System.Threading.RateLimiting;

namespace BitrixRetailCrm.Http;

/// <summary>
/// At most <c>permits</c> requests in any <c>window</c>, measured the way a server counts them: a true sliding window
/// over the times requests were let through, not fixed segments (a segmented window lets up to twice the limit through
/// around a segment edge). Each request reserves the earliest time that keeps the last <c>permits</c> reservations
/// within limit, then waits for it, so waiting requests go in arrival order. A cancelled waiter's slot stays spent,
/// which only errs on the safe side.
/// </summary>
public sealed class SlidingLogRateLimiter(int permits, TimeSpan window, TimeProvider? clock = null) : RateLimiter
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Queue<long> _granted = new(); // timestamps of the last `permits` reservations, oldest first
    private long _lastActivity = (clock ?? TimeProvider.System).GetTimestamp();

    public override TimeSpan? IdleDuration => _clock.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Validate(permitCount);
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (permitCount > 0 && EarliestSlot(now) > now) return Lease.Refused;
            if (permitCount > 0) Reserve(now);
            return Lease.Granted;
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Validate(permitCount);
        if (permitCount == 0) return Lease.Granted;
        long slot;
        lock (_gate)
        {
            slot = EarliestSlot(_clock.GetTimestamp());
            Reserve(slot);
        }
        var wait = _clock.GetElapsedTime(_clock.GetTimestamp(), slot);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _clock, cancellationToken);
        return Lease.Granted;
    }

    /// <summary>Now, or when the oldest of the last <c>permits</c> reservations leaves the window.</summary>
    private long EarliestSlot(long now) =>
        _granted.Count < permits ? now : Math.Max(now, _granted.Peek() + (long)(window.TotalSeconds * _clock.TimestampFrequency));

    private void Reserve(long slot)
    {
        _granted.Enqueue(slot);
        while (_granted.Count > permits) _granted.Dequeue();
        Interlocked.Exchange(ref _lastActivity, slot);
    }

    private void Validate(int permitCount)
    {
        if (permitCount is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(permitCount), "one permit per request");
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
