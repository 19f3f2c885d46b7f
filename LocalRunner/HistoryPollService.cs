using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.StatusSync;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twin of Functions/HistoryPollFunction: a periodic timer instead of the NCRONTAB timer trigger.</summary>
public sealed class HistoryPollService(HistoryPoller poller, IOptions<StatusSyncOptions> options, ILogger<HistoryPollService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HistoryPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await poller.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("History poll failed, the cursor stays for the next run: {Error}", ex.Message);
            }
        }
    }
}
