using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Sync;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twin of Functions/ReconcileOrdersFunction: a periodic timer instead of the NCRONTAB timer trigger.</summary>
public sealed class ReconcileService(OrderReconciler reconciler, IOptions<ReconcileOptions> options, ILogger<ReconcileService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await reconciler.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("Reconciliation failed, the cursor stays for the next run: {Error}", ex.Message);
            }
        }
    }
}
