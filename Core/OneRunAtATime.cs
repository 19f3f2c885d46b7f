namespace BitrixRetailCrm;

/// <summary>
/// Lets one run of a timer's work go at a time in this instance: a run that outlasts its interval, or a manual run
/// beside the timer, waits instead of reading and writing the same state twice. Across instances the Functions timer is
/// a singleton already.
/// </summary>
public sealed class OneRunAtATime
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> run, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await run(ct);
        }
        finally
        {
            _gate.Release();
        }
    }
}
