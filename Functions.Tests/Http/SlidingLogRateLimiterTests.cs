using BitrixRetailCrm.Http;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Http;

/// <summary>The RetailCRM limiter counts as the server does: every request in any sliding second.</summary>
public class SlidingLogRateLimiterTests
{
    [Test]
    public async Task No_window_of_one_second_ever_lets_more_than_the_limit_through()
    {
        var clock = new FakeTimeProvider();
        using var limiter = new SlidingLogRateLimiter(10, TimeSpan.FromSeconds(1), clock);
        var random = new Random(7);
        var through = new List<DateTimeOffset>();
        var waiting = new List<Task>();
        for (var step = 0; step < 400; step++)
        {
            // Requests in bursts and trickles, as retries and new batches come.
            for (var n = random.Next(0, 6); n > 0; n--)
                waiting.Add(limiter.AcquireAsync().AsTask().ContinueWith(_ => { lock (through) through.Add(clock.GetUtcNow()); },
                    TaskContinuationOptions.ExecuteSynchronously));
            for (var ms = random.Next(1, 120); ms > 0; ms--) clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        while (waiting.Any(t => !t.IsCompleted)) clock.Advance(TimeSpan.FromMilliseconds(1));

        through.Sort();
        // Times are read on 1 ms steps of the fake clock, so a window is taken 1 ms short.
        var busiest = Enumerable.Range(0, through.Count)
            .Max(i => through.Skip(i).TakeWhile(t => t - through[i] < TimeSpan.FromMilliseconds(999)).Count());
        Assert.That(through, Has.Count.EqualTo(waiting.Count));
        Assert.That(busiest, Is.EqualTo(10), "the limit is reached, never passed");
        await Task.WhenAll(waiting);
    }

    [Test]
    public void A_segmented_window_would_let_twice_the_limit_through_around_a_segment_edge()
    {
        var clock = new FakeTimeProvider();
        using var limiter = new SlidingLogRateLimiter(10, TimeSpan.FromSeconds(1), clock);
        clock.Advance(TimeSpan.FromMilliseconds(99));
        for (var i = 0; i < 10; i++) Assert.That(limiter.AttemptAcquire().IsAcquired, Is.True);

        clock.Advance(TimeSpan.FromMilliseconds(901)); // a 10-segment window would have freed the first segment here
        Assert.That(limiter.AttemptAcquire().IsAcquired, Is.False, "only 901 ms since the tenth request");
        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.That(limiter.AttemptAcquire().IsAcquired, Is.True);
    }
}
