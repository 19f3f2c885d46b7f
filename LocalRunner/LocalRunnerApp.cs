using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.StatusSync;
using BitrixRetailCrm.Sync;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>
/// Hosts the Functions app's handlers without the Functions host: ASP.NET Core serves the HTTP routes (function keys
/// emulated) and the WebJobs SDK runs the queue trigger — the same engine and host.json settings the Functions host uses.
/// </summary>
public static class LocalRunnerApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Lowest precedence first: host.json, then local.settings.json Values, then appsettings/env/args, then whatever the caller adds.
        builder.Configuration.Sources.Insert(0, HostJsonSettings.Source(Path.Combine(AppContext.BaseDirectory, "host.json")));
        builder.Configuration.Sources.Insert(1, LocalSettings.Source(Directory.GetCurrentDirectory()));

        // Request logs print the query string, and the function key travels there as ?code=.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddControllers(); // lets minimal APIs execute the handlers' IActionResults
        builder.Services.AddBitrixRetailCrm(builder.Configuration);
        builder.Services.AddOptions<FunctionKeyOptions>().Bind(builder.Configuration.GetSection(FunctionKeyOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.AdminKey != o.FunctionKey, "LocalRunner:AdminKey must differ from LocalRunner:FunctionKey")
            .ValidateOnStart();
        builder.Host.ConfigureWebJobs(webJobs => webJobs.AddAzureStorageQueues());
        // Twins of Functions/HistoryPollFunction, ReconcileOrdersFunction and RecoverAbandonedPushesFunction: intervals instead of NCRONTAB schedules.
        builder.Services.AddIntervalTimer("History poll", sp => sp.GetRequiredService<IOptions<StatusSyncOptions>>().Value.HistoryPollInterval,
            (sp, ct) => sp.GetRequiredService<HistoryPoller>().RunAsync(ct));
        builder.Services.AddIntervalTimer("Reconciliation", sp => sp.GetRequiredService<IOptions<ReconcileOptions>>().Value.Interval,
            (sp, ct) => sp.GetRequiredService<OrderReconciler>().RunAsync(ct));
        builder.Services.AddIntervalTimer("Push recovery", sp => sp.GetRequiredService<IOptions<ReconcileOptions>>().Value.RecoveryInterval,
            (sp, ct) => sp.GetRequiredService<AbandonedPushRecovery>().RunAsync(ct));
        builder.Services.AddCatalogTimers();
        builder.Services.RemoveAll<ITypeLocator>();
        builder.Services.AddSingleton<ITypeLocator>(new JobTypes(typeof(QueueJobs)));
        customize?.Invoke(builder);

        var app = builder.Build();
        MapRoutes(app);
        return app;
    }

    private static void MapRoutes(WebApplication app)
    {
        app.MapCatalogFeed();
        app.MapOperations();
        app.MapGet("/api/health", () => Results.Ok(new { status = "ok" }));
        app.MapPost("/api/bitrix/order-saved", (HttpContext ctx, OrderHookHandler handler) =>
            RunFunctionAsync(ctx, () => handler.HandleAsync(ctx.Request, ctx.RequestAborted)))
            .AddEndpointFilter<FunctionKeyFilter>();
        app.MapPost("/api/retailcrm/order-changed", (HttpContext ctx, CrmWebhookHandler handler) =>
            RunFunctionAsync(ctx, () => handler.HandleAsync(ctx.Request, ctx.RequestAborted)))
            .AddEndpointFilter<FunctionKeyFilter>();
    }

    internal static async Task RunFunctionAsync(HttpContext ctx, Func<Task<IActionResult>> function)
    {
        var result = await function();
        await result.ExecuteResultAsync(new ActionContext(ctx, ctx.GetRouteData(), new ActionDescriptor()));
    }

    private sealed class JobTypes(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
