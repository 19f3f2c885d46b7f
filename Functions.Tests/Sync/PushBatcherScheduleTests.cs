using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Sync;

/// <summary>
/// The batcher's invariants over thousands of random schedules on a fake clock, stepped deterministically: arrivals and
/// repeats of a few orders, batches that succeed, fail slowly (a 503 storm), fail at once (circuit open), answer after the
/// deadline, hang with or without honouring their cancellation, lose or fail single results; invocations cancelled and
/// the host shut down. Checked: every push ends within <see cref="PushBatchLimits.MaxWait"/>, every lane is released, no
/// order is in two live batches, no more batches are live than lanes, and every push reported done is covered by a
/// batch that started after it arrived (or by an earlier message of its order that failed and so comes back).
/// </summary>
public class PushBatcherScheduleTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    [Test]
    public void Every_push_ends_in_time_and_every_lane_is_released_in_thousands_of_random_schedules()
    {
        var batches = 0;
        for (var seed = 1; seed <= 3000; seed++) batches += new Schedule(seed).Run();
        Assert.That(batches, Is.GreaterThan(10_000), "the schedules really ran batches");
    }

    [Test]
    public void A_batch_that_ignores_its_cancellation_releases_its_lane_at_the_deadline()
    {
        using var scope = StepSynchronizationContext.Install(out var context);
        var clock = new FakeTimeProvider();
        var limits = new PushBatchLimits(MaxBatch: 10, Window: TimeSpan.Zero, MaxConcurrent: 1, Deadline: TimeSpan.FromSeconds(30));
        var calls = 0;
        using var batcher = new PushBatcher((messages, _) => ++calls == 1
            ? new TaskCompletionSource<IReadOnlyDictionary<string, PushResult>>().Task // never ends, cancelled or not
            : Task.FromResult<IReadOnlyDictionary<string, PushResult>>(
                messages.ToDictionary(m => m.OrderId, _ => new PushResult(PushOutcome.Created))), limits, clock);

        var hung = batcher.PushAsync(Message("1"), default);
        var next = batcher.PushAsync(Message("2"), default);
        context.Drain();
        clock.Advance(TimeSpan.FromSeconds(29));
        context.Drain();
        Assert.That(next.IsCompleted, Is.False, "the only lane is still taken");

        clock.Advance(TimeSpan.FromSeconds(1));
        context.Drain();

        Assert.That(hung.Exception?.InnerException, Is.TypeOf<PushDeadlineExceededException>());
        Assert.That(next.Result, Is.EqualTo(PushOutcome.Created));
        Assert.That(batcher.Load, Is.EqualTo((0, 0, 0)));
    }

    private static OrderMessage Message(string id) => new(id, "s1", "test", DateTimeOffset.UtcNow);

    private sealed class Schedule(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        private readonly List<Push> _pushes = [];
        private readonly List<Batch> _batches = [];
        private readonly List<string> _violations = [];
        private StepSynchronizationContext _context = null!;
        private PushBatchLimits _limits = null!;

        public int Run()
        {
            _limits = new PushBatchLimits(_random.Next(1, 6), Tick * _random.Next(0, 5), _random.Next(1, 4),
                TimeSpan.FromSeconds(_random.Next(2, 9)));
            using var scope = StepSynchronizationContext.Install(out _context);
            var batcher = new PushBatcher(Process, _limits, _clock);
            var shutDown = false;
            for (var step = 0; step < 60 && !shutDown; step++)
            {
                var action = _random.Next(100);
                if (action < 45) Arrive(batcher);
                else if (action < 52) CancelOne();
                else if (action < 53) { batcher.Dispose(); shutDown = true; }
                else Advance(_random.Next(1, 12));
                _context.Drain();
            }
            var end = _clock.GetUtcNow() + _limits.MaxWait + _limits.Deadline + Tick;
            while (_clock.GetUtcNow() < end) Advance(1);

            foreach (var push in _pushes)
            {
                if (!push.Task.IsCompleted) { Check(false, $"the push of order {push.OrderId} that arrived at {push.Arrived:mm:ss.fff} never ended"); continue; }
                Check(push.EndedAt - push.Arrived <= _limits.MaxWait + Tick,
                    $"the push of order {push.OrderId} took {(push.EndedAt - push.Arrived)!.Value.TotalSeconds} s, more than {_limits.MaxWait}");
                if (push.Task.IsCompletedSuccessfully) Check(IsCovered(push), $"the push of order {push.OrderId} was reported done but no batch covered it");
            }
            Check(batcher.Load == (0, 0, 0), $"left behind (running, in flight, waiting): {batcher.Load}");
            batcher.Dispose();
            if (_violations.Count > 0) throw new AssertionException(string.Join("\n", _violations));
            return _batches.Count;
        }

        private void Arrive(PushBatcher batcher)
        {
            var id = _random.Next(1, 7).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var push = new Push(id, _clock.GetUtcNow(), _random.Next(4) == 0 ? new CancellationTokenSource() : null);
            push.Task = batcher.PushAsync(new OrderMessage(id, "s1", "test", push.Arrived), push.Cancel?.Token ?? default);
            push.Task.ContinueWith(_ => push.EndedAt = _clock.GetUtcNow(), TaskContinuationOptions.ExecuteSynchronously);
            _pushes.Add(push);
        }

        private void CancelOne()
        {
            var open = _pushes.Where(p => p.Cancel is { IsCancellationRequested: false }).ToList();
            if (open.Count > 0) open[_random.Next(open.Count)].Cancel!.Cancel();
        }

        private void Advance(int ticks)
        {
            for (var i = 0; i < ticks; i++)
            {
                _clock.Advance(Tick);
                _context.Drain();
            }
        }

        private Task<IReadOnlyDictionary<string, PushResult>> Process(IReadOnlyList<OrderMessage> messages, CancellationToken ct)
        {
            var now = _clock.GetUtcNow();
            var ids = messages.Select(m => m.OrderId).ToHashSet();
            Check(ids.Count == messages.Count && ids.Count <= _limits.MaxBatch, $"a batch of {messages.Count} ({ids.Count} distinct)");
            var live = _batches.Where(b => b.EndedAt is null && now < b.Started + _limits.Deadline).ToList();
            Check(live.Count < _limits.MaxConcurrent, $"{live.Count + 1} live batches on {_limits.MaxConcurrent} lanes");
            Check(!live.Any(b => b.Ids.Overlaps(ids)), "an order in two live batches");
            var batch = new Batch(ids, now);
            _batches.Add(batch);
            Task<IReadOnlyDictionary<string, PushResult>> work;
            try
            {
                work = Behave(messages, ct);
            }
            catch
            {
                batch.EndedAt = now;
                throw;
            }
            work.ContinueWith(_ => batch.EndedAt = _clock.GetUtcNow(), TaskContinuationOptions.ExecuteSynchronously);
            return work;
        }

        private Task<IReadOnlyDictionary<string, PushResult>> Behave(IReadOnlyList<OrderMessage> messages, CancellationToken ct)
        {
            var delay = Tick * _random.Next(0, (int)(2 * _limits.Deadline / Tick) + 1);
            switch (_random.Next(9))
            {
                case 0: return SucceedAfter(delay, messages, ct);
                case 1: return FailAfter(delay, ct);
                case 2: throw new InvalidOperationException("a bug before the first await");
                case 3: return new TaskCompletionSource<IReadOnlyDictionary<string, PushResult>>().Task; // ignores cancellation
                case 4: return SucceedAfter(Timeout.InfiniteTimeSpan, messages, ct); // hangs until cancelled
                case 5: return PartlyAfter(delay, messages, ct);
                case 6: return Task.FromResult(Results(messages, _ => PushResult.Failed(new HttpRequestException("circuit open"))));
                case 7: return Task.FromResult(Results(messages, _ => new PushResult(PushOutcome.Created)));
                default: return StopLateAfterCancel(delay, messages, ct);
            }
        }

        private async Task<IReadOnlyDictionary<string, PushResult>> SucceedAfter(TimeSpan delay, IReadOnlyList<OrderMessage> messages, CancellationToken ct)
        {
            await Task.Delay(delay, _clock, ct);
            return Results(messages, _ => new PushResult(PushOutcome.Created));
        }

        private async Task<IReadOnlyDictionary<string, PushResult>> FailAfter(TimeSpan delay, CancellationToken ct)
        {
            await Task.Delay(delay, _clock, ct);
            throw new HttpRequestException("503 rate limit exceeded");
        }

        /// <summary>Some orders fail alone, one may get no result at all.</summary>
        private async Task<IReadOnlyDictionary<string, PushResult>> PartlyAfter(TimeSpan delay, IReadOnlyList<OrderMessage> messages, CancellationToken ct)
        {
            await Task.Delay(delay, _clock, ct);
            var results = Results(messages, _ => _random.Next(3) == 0
                ? PushResult.Failed(new InvalidOperationException("refused"))
                : new PushResult(PushOutcome.Updated));
            return results.Where(_ => _random.Next(5) != 0).ToDictionary(r => r.Key, r => r.Value);
        }

        private async Task<IReadOnlyDictionary<string, PushResult>> StopLateAfterCancel(TimeSpan delay, IReadOnlyList<OrderMessage> messages, CancellationToken ct)
        {
            try
            {
                await Task.Delay(delay, _clock, ct);
            }
            catch (OperationCanceledException)
            {
                await Task.Delay(Tick * _random.Next(1, 20), _clock); // a call that takes a while to notice
                throw;
            }
            return Results(messages, _ => new PushResult(PushOutcome.Unchanged));
        }

        private static IReadOnlyDictionary<string, PushResult> Results(IReadOnlyList<OrderMessage> messages, Func<OrderMessage, PushResult> result) =>
            messages.ToDictionary(m => m.OrderId, result);

        /// <summary>
        /// A push reported done was covered by a batch of its order that started after it arrived, or it joined an
        /// earlier message of its order that failed or gave up after it arrived (that message comes back to the queue).
        /// </summary>
        private bool IsCovered(Push push) =>
            _batches.Any(b => b.Ids.Contains(push.OrderId) && b.Started >= push.Arrived)
            || _pushes.Any(q => q.OrderId == push.OrderId && q.Arrived <= push.Arrived && !q.Task.IsCompletedSuccessfully
                && q.EndedAt >= push.Arrived);

        /// <summary>Collected rather than thrown: a throw inside the batch work would be taken for a failing batch.</summary>
        private void Check(bool condition, string what)
        {
            if (!condition) _violations.Add($"schedule {seed} ({_limits}): {what}");
        }
    }

    private sealed class Push(string orderId, DateTimeOffset arrived, CancellationTokenSource? cancel)
    {
        public string OrderId { get; } = orderId;
        public DateTimeOffset Arrived { get; } = arrived;
        public CancellationTokenSource? Cancel { get; } = cancel;
        public Task<PushOutcome> Task { get; set; } = null!;
        public DateTimeOffset? EndedAt { get; set; }
    }

    private sealed class Batch(HashSet<string> ids, DateTimeOffset started)
    {
        public HashSet<string> Ids { get; } = ids;
        public DateTimeOffset Started { get; } = started;
        public DateTimeOffset? EndedAt { get; set; }
    }
}
