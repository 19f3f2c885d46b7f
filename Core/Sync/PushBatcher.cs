namespace BitrixRetailCrm.Sync;

/// <summary>
/// Gathers concurrent queue invocations (one message each) into batches of distinct orders. Each invocation hands over
/// its message and awaits its own result, so retries, poison and dead letters stay per message.
/// <para>
/// All state lives under one lock and changes only in <see cref="Pump"/>-guarded steps, with no loop of its own: a
/// batch starts when a lane is free and either <see cref="PushBatchLimits.MaxBatch"/> orders wait or the oldest has
/// waited <see cref="PushBatchLimits.Window"/>; while every lane is busy the waiting orders keep gathering, so a backlog
/// goes out in full batches. A repeat of an order that already waits is completed at once (the waiting push reads
/// Bitrix after both arrived, so it covers the repeat; if that push fails, its own message comes back). An order that a
/// running batch is pushing waits for a later batch, so one order is never in two live batches of this process.
/// </para>
/// <para>
/// Deadlines, so that nothing waits without bound: a batch's work is cancelled at <see cref="PushBatchLimits.Deadline"/>
/// and its lane is released then even if the work ignores the cancellation (its orders fail with
/// <see cref="PushDeadlineExceededException"/> and their messages come back); an invocation gives up after
/// <see cref="PushBatchLimits.MaxWait"/>.
/// </para>
/// </summary>
public sealed class PushBatcher : IDisposable
{
    private readonly Func<IReadOnlyList<OrderMessage>, CancellationToken, Task<IReadOnlyDictionary<string, PushResult>>> _process;
    private readonly PushBatchLimits _limits;
    private readonly TimeProvider _clock;
    private readonly Action<OrderMessage>? _onCoalesced;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiting = [];
    private readonly Dictionary<string, Waiter> _waitingByOrder = [];
    private readonly HashSet<string> _inFlight = [];
    private readonly ITimer _windowTimer;
    private int _running;
    private int _batchesStarted;
    private bool _disposed;

    /// <param name="onCoalesced">Called for a repeat completed at once (the handler logs it: every message ends in a log entry).</param>
    public PushBatcher(Func<IReadOnlyList<OrderMessage>, CancellationToken, Task<IReadOnlyDictionary<string, PushResult>>> process,
        PushBatchLimits limits, TimeProvider? clock = null, Action<OrderMessage>? onCoalesced = null)
    {
        _process = process;
        _limits = limits;
        _clock = clock ?? TimeProvider.System;
        _onCoalesced = onCoalesced;
        _windowTimer = _clock.CreateTimer(_ => StartReady(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Batches started so far (for tests and the benchmark).</summary>
    public int BatchesStarted => Volatile.Read(ref _batchesStarted);

    /// <summary>Lanes in use, orders in running batches and invocations waiting for a batch (for tests).</summary>
    internal (int Running, int InFlight, int Waiting) Load
    {
        get { lock (_gate) return (_running, _inFlight.Count, _waiting.Count); }
    }

    public async Task<PushOutcome> PushAsync(OrderMessage message, CancellationToken ct)
    {
        var waiter = new Waiter(message, _clock.GetTimestamp());
        bool repeat;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            repeat = !_waitingByOrder.TryAdd(message.OrderId, waiter);
            if (!repeat) _waiting.Add(waiter);
        }
        if (repeat)
        {
            try { _onCoalesced?.Invoke(message); }
            catch (Exception) { } // a logging failure must not fail a message that is covered
            return PushOutcome.Unchanged;
        }
        StartReady();
        // Giving up completes the invocation's own result, so that it is awaited directly (no extra continuation hop).
        using var maxWait = _clock.CreateTimer(_ => GiveUp(waiter,
            new PushDeadlineExceededException(message.OrderId, _limits.MaxWait, "waiting for its push")), null,
            _limits.MaxWait, Timeout.InfiniteTimeSpan);
        using var cancelled = ct.Register(() => GiveUp(waiter, null));
        return await waiter.Result.Task;
    }

    /// <summary>
    /// The invocation stops waiting: if no batch has it yet it leaves, so none starts for it; a batch that has it runs on.
    /// Its message comes back either way, and the next push finds the order unchanged if this one got through.
    /// </summary>
    private void GiveUp(Waiter waiter, Exception? error)
    {
        lock (_gate) Forget(waiter);
        if (error is null) waiter.Result.TrySetCanceled();
        else waiter.Result.TrySetException(error);
    }

    /// <summary>Starts every batch that is ready and has a free lane; arms the window timer for the next one.</summary>
    private void StartReady()
    {
        List<List<Waiter>> batches = [];
        lock (_gate)
        {
            while (!_disposed && _running < _limits.MaxConcurrent)
            {
                var eligible = _waiting.Where(w => !_inFlight.Contains(w.Message.OrderId)).Take(_limits.MaxBatch).ToList();
                if (eligible.Count == 0) break;
                var waited = _clock.GetElapsedTime(eligible[0].ArrivedAt);
                if (eligible.Count < _limits.MaxBatch && waited < _limits.Window)
                {
                    _windowTimer.Change(_limits.Window - waited, Timeout.InfiniteTimeSpan);
                    break;
                }
                foreach (var w in eligible)
                {
                    Forget(w);
                    _inFlight.Add(w.Message.OrderId);
                }
                _running++;
                _batchesStarted++;
                batches.Add(eligible);
            }
        }
        foreach (var batch in batches) _ = RunBatchAsync(batch);
    }

    private void Forget(Waiter waiter)
    {
        var orderId = waiter.Message.OrderId;
        if (_waitingByOrder.GetValueOrDefault(orderId) == waiter) _waitingByOrder.Remove(orderId);
        _waiting.Remove(waiter);
    }

    private async Task RunBatchAsync(List<Waiter> batch)
    {
        using var timeout = new CancellationTokenSource(_limits.Deadline, _clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, timeout.Token);
        try
        {
            var messages = batch.Select(w => w.Message).ToList();
            Task<IReadOnlyDictionary<string, PushResult>> work;
            try { work = _process(messages, deadline.Token); }
            catch (Exception ex) { work = Task.FromException<IReadOnlyDictionary<string, PushResult>>(ex); }
            // The lane is released at the deadline even when the work does not stop at its cancellation.
            var results = await work.WaitAsync(deadline.Token);
            foreach (var w in batch)
            {
                var result = results.TryGetValue(w.Message.OrderId, out var r)
                    ? r
                    : PushResult.Failed(new InvalidOperationException($"order {w.Message.OrderId} got no result"));
                if (result.Error is not null) w.Result.TrySetException(result.Error);
                else w.Result.TrySetResult(result.Outcome);
            }
        }
        catch (Exception ex)
        {
            var pastDeadline = timeout.IsCancellationRequested && !_stop.IsCancellationRequested;
            foreach (var w in batch)
            {
                if (pastDeadline)
                    w.Result.TrySetException(new PushDeadlineExceededException(w.Message.OrderId, _limits.Deadline,
                        $"in a batch of {batch.Count}", ex));
                else if (ex is OperationCanceledException) w.Result.TrySetCanceled();
                else w.Result.TrySetException(ex);
            }
        }
        finally
        {
            lock (_gate)
            {
                foreach (var w in batch) _inFlight.Remove(w.Message.OrderId);
                _running--;
            }
            StartReady();
        }
    }

    public void Dispose()
    {
        List<Waiter> left;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            left = [.. _waiting];
            _waiting.Clear();
            _waitingByOrder.Clear();
        }
        _windowTimer.Dispose();
        _stop.Cancel(); // running batches end; their messages come back
        foreach (var w in left) w.Result.TrySetCanceled();
    }

    private sealed class Waiter(OrderMessage message, long arrivedAt)
    {
        public OrderMessage Message { get; } = message;
        public long ArrivedAt { get; } = arrivedAt;
        public TaskCompletionSource<PushOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
