using BitrixRetailCrm.Catalog;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twins of Functions/Catalog*Function.cs: the feed route and interval timers (Functions uses NCRONTAB schedules).</summary>
public static class CatalogRoutes
{
    /// <summary>No function-key filter: like the Functions route it is anonymous and the endpoint checks ?key= itself.</summary>
    public static void MapCatalogFeed(this WebApplication app) =>
        app.MapGet("/api/catalog/icml.xml", (HttpContext ctx, IcmlFeedEndpoint endpoint) =>
            LocalRunnerApp.RunFunctionAsync(ctx, () => endpoint.HandleAsync(ctx.Request, ctx.RequestAborted)));

    /// <summary>Off unless their Catalog__Local*Interval is set (the demo and tests do not want catalogue traffic).</summary>
    public static IServiceCollection AddCatalogTimers(this IServiceCollection services) => services
        .AddIntervalTimer("ICML feed", sp => Catalog(sp).LocalFeedInterval, (sp, ct) => sp.GetRequiredService<IcmlFeedBuilder>().BuildAsync(ct))
        .AddIntervalTimer("Stock push", sp => Catalog(sp).LocalStockInterval, (sp, ct) => sp.GetRequiredService<StockPusher>().RunAsync(ct))
        .AddIntervalTimer("Price push", sp => Catalog(sp).LocalPriceInterval, (sp, ct) => sp.GetRequiredService<PricePusher>().RunAsync(ct));

    private static CatalogOptions Catalog(IServiceProvider services) => services.GetRequiredService<IOptions<CatalogOptions>>().Value;
}
