using System.Collections.Concurrent;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Sync;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Hooks;

/// <summary>
/// Bitrix fires a hook for every save, and checkout saves an order two or three times within a second. The first
/// hook's message is sent invisible for a while; until it shows, no instance can have read it, and the push that reads
/// the order from Bitrix after it shows sees every save made before. So a repeat hook reaching this instance in that
/// time needs no message of its own. Only this instance's own sends count: nothing is shared or stored, so a hook on
/// another instance, or after a restart, just sends a message again (the push coalesces those).
/// </summary>
public sealed class RepeatedSaveCoalescer(OrderQueue queue, IOptions<SyncOptions> options, TimeProvider clock)
{
    // The service takes the invisibility in whole seconds and may count it from the second it took the message in.
    private static readonly TimeSpan ServiceRounding = TimeSpan.FromSeconds(1);
    private const int SweepEvery = 256;

    private readonly ConcurrentDictionary<(string OrderId, string? SiteId), long> _coveredUntil = new();
    private int _sends;

    /// <returns>False when a message this instance sent for the order is still certainly invisible.</returns>
    public async Task<bool> EnqueueAsync(OrderMessage message, CancellationToken ct)
    {
        var window = options.Value.RepeatedSaveWindow;
        if (window <= TimeSpan.Zero)
        {
            await queue.EnqueueAsync(message, ct);
            return true;
        }
        var key = (message.OrderId, message.SiteId);
        var now = clock.GetTimestamp();
        if (_coveredUntil.TryGetValue(key, out var until) && now < until) return false;
        // Taken before the send: the service cannot have started the invisibility any earlier.
        await queue.EnqueueAsync(message, Invisibility(window), ct);
        _coveredUntil[key] = now + (long)(window.TotalSeconds * clock.TimestampFrequency);
        if (Interlocked.Increment(ref _sends) % SweepEvery == 0) Sweep(now);
        return true;
    }

    /// <summary>Whole seconds covering the window plus the service's rounding.</summary>
    public static TimeSpan Invisibility(TimeSpan window) =>
        TimeSpan.FromSeconds(Math.Ceiling((window + ServiceRounding).TotalSeconds));

    private void Sweep(long now)
    {
        foreach (var (key, until) in _coveredUntil)
            if (until <= now) _coveredUntil.TryRemove(new KeyValuePair<(string, string?), long>(key, until));
    }
}
