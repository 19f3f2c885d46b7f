using System.Collections.Concurrent;
using BitrixRetailCrm.Sync;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Sync;

/// <summary>The in-process batcher that gathers one-message queue invocations into batches of distinct orders.</summary>
public class PushBatcherTests
{
    private static OrderMessage Message(string id) => new(id, "s1", "test", DateTimeOffset.UtcNow);

    [Test]
    public async Task Concurrent_invocations_share_one_batch_and_repeats_of_an_order_are_coalesced()
    {
        var batches = new ConcurrentQueue<IReadOnlyList<OrderMessage>>();
        using var batcher = new PushBatcher((messages, _) =>
        {
            batches.Enqueue(messages);
            return Task.FromResult<IReadOnlyDictionary<string, PushResult>>(
                messages.ToDictionary(m => m.OrderId, _ => new PushResult(PushOutcome.Created)));
        }, new PushBatchLimits(50, TimeSpan.FromMilliseconds(300), 4, TimeSpan.FromMinutes(1)));

        var outcomes = await Task.WhenAll(new[] { "1", "2", "1", "3", "1" }.Select(id => batcher.PushAsync(Message(id), default)));

        Assert.That(batches, Has.Count.EqualTo(1));
        Assert.That(batches.Single().Select(m => m.OrderId), Is.EquivalentTo(new[] { "1", "2", "3" }));
        Assert.That(outcomes.Count(o => o == PushOutcome.Created), Is.EqualTo(3), "one write per order; the repeats wrote nothing");
        Assert.That(outcomes.Count(o => o == PushOutcome.Unchanged), Is.EqualTo(2));
    }

    [Test]
    public async Task Batches_hold_at_most_max_orders_and_run_at_most_max_concurrent()
    {
        var running = 0;
        var peak = 0;
        var sizes = new ConcurrentQueue<int>();
        using var batcher = new PushBatcher(async (messages, _) =>
        {
            sizes.Enqueue(messages.Count);
            var now = Interlocked.Increment(ref running);
            lock (sizes) peak = Math.Max(peak, now);
            await Task.Delay(200);
            Interlocked.Decrement(ref running);
            return messages.ToDictionary(m => m.OrderId, _ => new PushResult(PushOutcome.Created));
        }, new PushBatchLimits(10, TimeSpan.FromMilliseconds(50), 2, TimeSpan.FromMinutes(1)));

        await Task.WhenAll(Enumerable.Range(1, 55).Select(i => batcher.PushAsync(Message(i.ToString()), default)));

        Assert.That(sizes.Sum(), Is.EqualTo(55));
        Assert.That(sizes.Max(), Is.LessThanOrEqualTo(10));
        Assert.That(peak, Is.EqualTo(2));
    }

    [Test]
    public async Task An_order_being_pushed_waits_for_a_later_batch_instead_of_running_twice()
    {
        var concurrentForOrder = 0;
        var overlap = false;
        var calls = 0;
        using var batcher = new PushBatcher(async (messages, _) =>
        {
            Interlocked.Increment(ref calls);
            if (messages.Any(m => m.OrderId == "7") && Interlocked.Increment(ref concurrentForOrder) > 1) overlap = true;
            await Task.Delay(300);
            if (messages.Any(m => m.OrderId == "7")) Interlocked.Decrement(ref concurrentForOrder);
            return messages.ToDictionary(m => m.OrderId, _ => new PushResult(PushOutcome.Updated));
        }, new PushBatchLimits(50, TimeSpan.FromMilliseconds(20), 4, TimeSpan.FromMinutes(1)));

        var first = batcher.PushAsync(Message("7"), default);
        await Task.Delay(100); // the first batch is running
        var second = batcher.PushAsync(Message("7"), default);
        var other = batcher.PushAsync(Message("8"), default);

        await Task.WhenAll(first, second, other);
        Assert.That(overlap, Is.False);
        Assert.That(calls, Is.EqualTo(3), "8 did not wait for 7; the second 7 ran after the first");
    }

    [Test]
    public async Task A_failing_order_fails_only_its_own_messages()
    {
        using var batcher = new PushBatcher((messages, _) => Task.FromResult<IReadOnlyDictionary<string, PushResult>>(
            messages.ToDictionary(m => m.OrderId, m => m.OrderId == "13"
                ? PushResult.Failed(new InvalidOperationException("bad order"))
                : new PushResult(PushOutcome.Created))), new PushBatchLimits(50, TimeSpan.FromMilliseconds(100), 1, TimeSpan.FromMinutes(1)));

        var good = batcher.PushAsync(Message("12"), default);
        var bad = batcher.PushAsync(Message("13"), default);

        Assert.That(await good, Is.EqualTo(PushOutcome.Created));
        Exception? error = null;
        try { await bad; }
        catch (InvalidOperationException ex) { error = ex; }
        Assert.That(error, Is.Not.Null);
    }
}
