using System.Collections.Concurrent;

namespace BitrixRetailCrm.Simulators.Common;

internal sealed class RequestJournal
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private int rateLimited;

    public IReadOnlyList<RecordedRequest> Snapshot() => requests.ToArray();

    public int Count => requests.Count;

    public int RateLimitedResponses => Volatile.Read(ref rateLimited);

    public void Record(RecordedRequest request) => requests.Enqueue(request);

    public void CountRateLimited() => Interlocked.Increment(ref rateLimited);
}
