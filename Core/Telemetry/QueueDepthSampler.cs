using BitrixRetailCrm.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Telemetry;

/// <summary>
/// Samples our queues each minute into metrics and the log: depth of each queue and poison queue, age of their oldest
/// message, and the poison count per queue — what the status endpoint reports, read by the same reader.
/// </summary>
public sealed class QueueDepthSampler(QueueStatusReader reader, SyncMetrics metrics, ILogger<QueueDepthSampler> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("Queue depth sampling failed: {Error}", ex.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<IReadOnlyDictionary<string, QueueStatus>> SampleAsync(CancellationToken ct)
    {
        var queues = await reader.ReadAsync(ct);
        foreach (var q in queues.Values)
        {
            metrics.QueueDepth(q.Name, q.Depth);
            metrics.QueueDepth(q.PoisonQueue, q.PoisonCount);
            metrics.OldestMessageAge(q.Name, q.OldestMessageAgeSeconds);
            metrics.OldestMessageAge(q.PoisonQueue, q.OldestPoisonAgeSeconds);
            metrics.PoisonMessages(q.Name, q.PoisonCount);
            log.LogInformation(
                "Queue {Queue} depth {QueueDepth}, oldest message {OldestMessageAgeSeconds} s, poison {PoisonCount}, oldest poison {OldestPoisonAgeSeconds} s",
                q.Name, q.Depth, q.OldestMessageAgeSeconds, q.PoisonCount, q.OldestPoisonAgeSeconds);
        }
        return queues;
    }
}
