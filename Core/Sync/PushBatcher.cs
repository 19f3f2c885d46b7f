using System.Threading.Channels;

namespace BitrixRetailCrm.Sync;

/// <summary>The result of one order of a batch: its outcome, or the exception its own message should fail with.</summary>
public sealed record PushResult(PushOutcome Outcome, Exception? Error = null)
{
    public static PushResult Failed(Exception error) => new(PushOutcome.DeadLettered, error);
}

/// <summary>
/// Gathers concurrent queue invocations (one message each) into batches of distinct orders. Each invocation posts its
/// message and awaits its own result, so retries, poison and dead letters stay per message. A batch starts when it holds
/// <c>maxBatch</c> orders or <c>window</c> after its first message; at most <c>maxConcurrent</c> batches run at once, and
/// while all of them are busy the next batch keeps filling.
/// Repeats of an order that already waits are completed at once (one read, one write covers them); a message for an order that a running
/// batch is pushing waits and goes into a later batch, so one order is never pushed twice at once in this process
/// (the orderstate lease does the same across instances).
/// </summary>
public sealed class PushBatcher : IDisposable
{
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Func<IReadOnlyList<OrderMessage>, CancellationToken, Task<IReadOnlyDictionary<string, PushResult>>> _process;
    private readonly int _maxBatch;
    private readonly TimeSpan _window;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<string> _inFlight = [];
    private readonly Dictionary<string, List<Pending>> _parked = [];
    private readonly Task _loop;
    private readonly Action<OrderMessage>? _onCoalesced;

    /// <param name="onCoalesced">Called for a repeat completed at once (the handler logs it: every message ends in a log entry).</param>
    public PushBatcher(Func<IReadOnlyList<OrderMessage>, CancellationToken, Task<IReadOnlyDictionary<string, PushResult>>> process,
        int maxBatch, TimeSpan window, int maxConcurrent, Action<OrderMessage>? onCoalesced = null)
    {
        _process = process;
        _onCoalesced = onCoalesced;
        _maxBatch = maxBatch;
        _window = window;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches started so far (for tests and the benchmark).</summary>
    public int BatchesStarted => Volatile.Read(ref _batchesStarted);
    private int _batchesStarted;

    public async Task<PushOutcome> PushAsync(OrderMessage message, CancellationToken ct)
    {
        var pending = new Pending(message);
        if (!_channel.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(PushBatcher));
        // A cancelled invocation (host shutdown) stops waiting; its batch still finishes, and the message comes back.
        return await pending.Result.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                var batch = new Dictionary<string, List<Pending>>();
                CancellationTokenSource? window = null;
                try
                {
                    while (batch.Count < _maxBatch)
                    {
                        while (batch.Count < _maxBatch && reader.TryRead(out var pending))
                            Add(batch, pending);
                        if (batch.Count >= _maxBatch) break;
                        if (batch.Count == 0) break; // everything read was parked behind a running batch
                        window ??= CreateWindow();
                        try
                        {
                            if (!await reader.WaitToReadAsync(window.Token)) break;
                        }
                        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                        {
                            break; // the window closed
                        }
                    }
                }
                finally
                {
                    window?.Dispose();
                }
                if (batch.Count == 0) continue;
                // Every lane busy: keep filling this batch until one frees up (or it is full), so a backlog goes out
                // in full batches instead of in window-sized slices.
                var slot = _slots.WaitAsync(_stop.Token);
                while (!slot.IsCompleted && batch.Count < _maxBatch)
                {
                    while (batch.Count < _maxBatch && reader.TryRead(out var pending))
                        Add(batch, pending);
                    if (batch.Count >= _maxBatch) break;
                    await Task.WhenAny(slot, reader.WaitToReadAsync(_stop.Token).AsTask());
                }
                await slot;
                lock (_gate)
                    foreach (var id in batch.Keys) _inFlight.Add(id);
                Interlocked.Increment(ref _batchesStarted);
                _ = Task.Run(() => RunBatchAsync(batch));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        while (reader.TryRead(out var left)) left.Result.TrySetCanceled();
    }

    private CancellationTokenSource CreateWindow()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(_window);
        return cts;
    }

    /// <summary>
    /// A repeat of an order that already waits — in the batch being gathered, or parked behind a running batch — is
    /// completed at once: the waiting message's push reads Bitrix after both arrived, so it covers the repeat, and if
    /// that push fails its own message is retried (and dead-lettered for the order in the end). Completing repeats
    /// early keeps them from holding the host's in-flight slots (batchSize + newBatchThreshold) for a whole batch.
    /// </summary>
    private void Add(Dictionary<string, List<Pending>> batch, Pending pending)
    {
        var id = pending.Message.OrderId;
        if (batch.ContainsKey(id))
        {
            Coalesce(pending);
            return;
        }
        var coalesce = false;
        lock (_gate)
        {
            if (_inFlight.Contains(id))
            {
                if (_parked.ContainsKey(id)) coalesce = true;
                else _parked[id] = [pending];
                if (!coalesce) return;
            }
        }
        if (coalesce) Coalesce(pending);
        else batch[id] = [pending];
    }

    private void Coalesce(Pending pending)
    {
        try { _onCoalesced?.Invoke(pending.Message); }
        catch (Exception) { } // a logging failure must not stop the loop
        pending.Result.TrySetResult(PushOutcome.Unchanged);
    }

    private async Task RunBatchAsync(Dictionary<string, List<Pending>> batch)
    {
        try
        {
            var messages = batch.Values.Select(p => p[0].Message).ToList();
            var results = await _process(messages, _stop.Token);
            foreach (var (id, pendings) in batch)
            {
                var result = results.TryGetValue(id, out var r) ? r : PushResult.Failed(new InvalidOperationException($"order {id} got no result"));
                foreach (var pending in pendings)
                {
                    if (result.Error is not null) pending.Result.TrySetException(result.Error);
                    else pending.Result.TrySetResult(result.Outcome);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch.Values.SelectMany(p => p)) pending.Result.TrySetException(ex);
        }
        finally
        {
            lock (_gate)
            {
                foreach (var id in batch.Keys)
                {
                    _inFlight.Remove(id);
                    if (_parked.Remove(id, out var parked))
                        foreach (var pending in parked)
                            if (!_channel.Writer.TryWrite(pending)) pending.Result.TrySetCanceled();
                }
            }
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    private sealed class Pending(OrderMessage message)
    {
        public OrderMessage Message { get; } = message;
        public TaskCompletionSource<PushOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
