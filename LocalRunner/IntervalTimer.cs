namespace BitrixRetailCrm.LocalRunner;

/// <summary>
/// The runner's stand-in for a Functions timer trigger: the work runs every interval (not at all when the interval is
/// null). A failed run is logged and the next tick tries again, as the next timer occurrence would.
/// </summary>
public sealed class IntervalTimer(string name, Func<IServiceProvider, TimeSpan?> interval,
    Func<IServiceProvider, CancellationToken, Task> run, IServiceProvider services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (interval(services) is not { } every) return;
        var log = services.GetRequiredService<ILogger<IntervalTimer>>();
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await run(services, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("{Timer} failed, next run in {Interval} (its cursor, if any, stays): {Error}", name, every, ex.Message);
            }
        }
    }
}

public static class IntervalTimers
{
    /// <summary>
    /// Not AddHostedService: it registers with TryAddEnumerable, which keeps only the first of several factories
    /// returning the same type, so every timer after the first would silently never run.
    /// </summary>
    public static IServiceCollection AddIntervalTimer(this IServiceCollection services, string name,
        Func<IServiceProvider, TimeSpan?> interval, Func<IServiceProvider, CancellationToken, Task> run) =>
        services.AddSingleton<IHostedService>(sp => new IntervalTimer(name, interval, run, sp));
}
