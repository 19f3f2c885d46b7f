using Azure;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Operations;

/// <summary>
/// One of our queues and its <c>-poison</c> queue. Depths are approximate (they include messages in flight or waiting
/// for their retry); ages are of the oldest message visible now, 0 when none is.
/// </summary>
public sealed record QueueStatus(
    string Name,
    int Depth,
    double OldestMessageAgeSeconds,
    string PoisonQueue,
    int PoisonCount,
    double OldestPoisonAgeSeconds);

/// <summary>Reads the orders and status queues for the status endpoint and the queue metrics.</summary>
public sealed class QueueStatusReader(StorageClients storage, IOptions<TriggerOptions> triggers, TimeProvider clock)
{
    public const string OrdersQueue = "orders";
    public const string StatusQueue = "status";

    // The most one peek returns. Queues are only roughly FIFO, so the oldest of the first 32 is close enough.
    private const int PeekLimit = 32;

    /// <summary>Keyed by <see cref="OrdersQueue"/> and <see cref="StatusQueue"/>, whatever the queues are named.</summary>
    public async Task<IReadOnlyDictionary<string, QueueStatus>> ReadAsync(CancellationToken ct) => new Dictionary<string, QueueStatus>
    {
        [OrdersQueue] = await ReadAsync(triggers.Value.OrdersQueueName, ct),
        [StatusQueue] = await ReadAsync(triggers.Value.StatusQueueName, ct),
    };

    private async Task<QueueStatus> ReadAsync(string name, CancellationToken ct)
    {
        var poisonQueue = name + "-poison";
        var (depth, age) = await SampleAsync(name, ct);
        var (poisonCount, poisonAge) = await SampleAsync(poisonQueue, ct);
        return new QueueStatus(name, depth, age, poisonQueue, poisonCount, poisonAge);
    }

    private async Task<(int Depth, double OldestAgeSeconds)> SampleAsync(string name, CancellationToken ct)
    {
        var queue = storage.InspectQueue(name);
        try
        {
            var depth = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            if (depth == 0) return (0, 0);
            var oldest = (await queue.PeekMessagesAsync(PeekLimit, ct)).Value.Min(m => m.InsertedOn);
            var age = oldest is { } insertedOn ? Math.Max(0, (clock.GetUtcNow() - insertedOn).TotalSeconds) : 0;
            return (depth, Math.Round(age, 1));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The host creates the poison queue on the first poisoned message, and ours on the first send.
            return (0, 0);
        }
    }
}
