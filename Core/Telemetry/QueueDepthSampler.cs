using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Telemetry;

/// <summary>Samples the depth of our queues and their poison queues each minute into metrics and the log.</summary>
public sealed class QueueDepthSampler(StorageClients storage, IOptions<TriggerOptions> triggers, SyncMetrics metrics,
    ILogger<QueueDepthSampler> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public IEnumerable<string> QueueNames =>
        new[] { triggers.Value.OrdersQueueName, triggers.Value.StatusQueueName }.SelectMany(q => new[] { q, q + "-poison" });

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

    public async Task<IReadOnlyDictionary<string, int>> SampleAsync(CancellationToken ct)
    {
        var depths = new Dictionary<string, int>();
        foreach (var name in QueueNames)
        {
            var queue = await storage.QueueAsync(name, ct);
            depths[name] = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            metrics.QueueDepth(name, depths[name]);
            log.LogInformation("Queue {Queue} depth {QueueDepth}", name, depths[name]);
        }
        return depths;
    }
}
