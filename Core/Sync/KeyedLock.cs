namespace BitrixRetailCrm.Sync;

/// <summary>An async mutex per key: concurrent work on one order, or one customer, goes one after another.</summary>
public sealed class KeyedLock
{
    private readonly Dictionary<string, Gate> _gates = new();

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out gate!)) _gates[key] = gate = new Gate();
            gate.Users++;
        }
        try
        {
            await gate.Semaphore.WaitAsync(ct);
        }
        catch
        {
            Leave(key, gate);
            throw;
        }
        return new Releaser(() =>
        {
            gate.Semaphore.Release();
            Leave(key, gate);
        });
    }

    private void Leave(string key, Gate gate)
    {
        lock (_gates)
            if (--gate.Users == 0) _gates.Remove(key);
    }

    private sealed class Gate
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public int Users;
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) release();
        }
    }
}
