using BitrixRetailCrm.Catalog;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twins of Functions/Catalog*Function.cs: the feed route and interval timers.</summary>
public static class CatalogRoutes
{
    /// <summary>No function-key filter: like the Functions route it is anonymous and the endpoint checks ?key= itself.</summary>
    public static void MapCatalogFeed(this WebApplication app) =>
        app.MapGet("/api/catalog/icml.xml", (HttpContext ctx, IcmlFeedEndpoint endpoint) =>
            LocalRunnerApp.RunFunctionAsync(ctx, () => endpoint.HandleAsync(ctx.Request, ctx.RequestAborted)));

    public static IServiceCollection AddCatalogTimers(this IServiceCollection services)
    {
        services.AddHostedService(sp => new CatalogTimer("ICML feed", o => o.LocalFeedInterval,
            ct => sp.GetRequiredService<IcmlFeedBuilder>().BuildAsync(ct), sp));
        services.AddHostedService(sp => new CatalogTimer("stock push", o => o.LocalStockInterval,
            ct => sp.GetRequiredService<StockPusher>().RunAsync(ct), sp));
        services.AddHostedService(sp => new CatalogTimer("price push", o => o.LocalPriceInterval,
            ct => sp.GetRequiredService<PricePusher>().RunAsync(ct), sp));
        return services;
    }

    /// <summary>A periodic run, off unless its Catalog__Local*Interval is set (the demo and tests do not want catalogue traffic).</summary>
    private sealed class CatalogTimer(string name, Func<CatalogOptions, TimeSpan?> interval, Func<CancellationToken, Task> run, IServiceProvider services)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (interval(services.GetRequiredService<IOptions<CatalogOptions>>().Value) is not { } every) return;
            var log = services.GetRequiredService<ILogger<CatalogOptions>>();
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await run(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogWarning("Catalogue {Timer} failed, next try in {Interval}: {Error}", name, every, ex.Message);
                }
            }
        }
    }
}
