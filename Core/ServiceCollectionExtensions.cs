using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Catalog;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Operations;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.StatusSync;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything both hosts need: options, storage, clients and handlers. Hosts only add their triggers.</summary>
    public static IServiceCollection AddBitrixRetailCrm(this IServiceCollection services, IConfiguration configuration)
    {
        AddValidatedOptions<BitrixOptions>(services, configuration.GetSection(BitrixOptions.Section));
        AddValidatedOptions<RetailCrmOptions>(services, configuration.GetSection(RetailCrmOptions.Section));
        AddValidatedOptions<SyncOptions>(services, configuration.GetSection(SyncOptions.Section));
        AddValidatedOptions<StatusSyncOptions>(services, configuration.GetSection(StatusSyncOptions.Section));
        AddValidatedOptions<ReconcileOptions>(services, configuration.GetSection(ReconcileOptions.Section));
        AddValidatedOptions<CrmWebhookFields>(services, configuration.GetSection(CrmWebhookFields.Section));
        AddValidatedOptions<TriggerOptions>(services, configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageClients.FromConfiguration(configuration.GetSection(StorageClients.ConnectionName)));
        services.AddSingleton<OrderQueue>();
        services.AddSingleton<MappingStore>();
        services.AddSingleton<OrderStateStore>();
        services.AddSingleton<CustomerStateStore>();
        services.AddSingleton<CustomerWriter>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<BitrixClient>();
        services.AddSingleton<RetailCrmClient>();
        services.AddSingleton<RepeatedSaveCoalescer>();
        services.AddSingleton<OrderHookHandler>();
        services.AddSingleton<OrderPushHandler>();
        services.AddSingleton<QueueFailures>();
        services.AddSingleton<SyncMetrics>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddSingleton<StatusStateStore>();
        services.AddSingleton<StatusQueue>();
        services.AddSingleton<CrmTime>();
        services.AddSingleton<StatusApplier>();
        services.AddSingleton<StatusChangeHandler>();
        services.AddSingleton<CrmWebhookHandler>();
        services.AddSingleton<HistoryPoller>();
        services.AddSingleton<OrderReconciler>();
        services.AddSingleton<AbandonedPushRecovery>();

        AddBitrixHttpClient(services);
        AddRetailCrmHttpClient(services);
        services.AddCatalog(configuration);
        services.AddOperations();
        return services;
    }

    private static void AddValidatedOptions<T>(IServiceCollection services, IConfiguration section) where T : class =>
        services.AddOptions<T>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

    private static void AddBitrixHttpClient(IServiceCollection services) =>
        services.AddResilientClient(BitrixClient.HttpClientName, sp =>
            {
                var o = sp.GetRequiredService<IOptions<BitrixOptions>>().Value;
                // Bitrix reads and status writes are idempotent, so every method may be retried.
                return new ResilientHttpClients.Policy(ResilientHttpClients.LeakyBucket(o.Burst, o.RequestsPerSecond),
                    TimeSpan.FromSeconds(o.AttemptTimeoutSeconds), RetryUnsafeMethods: true);
            })
            .ConfigureHttpClient((sp, c) =>
                c.BaseAddress = WithTrailingSlash(sp.GetRequiredService<IOptions<BitrixOptions>>().Value.WebhookUrl));

    private static void AddRetailCrmHttpClient(IServiceCollection services) =>
        services.AddResilientClient(RetailCrmClient.HttpClientName, sp =>
            {
                var o = sp.GetRequiredService<IOptions<RetailCrmOptions>>().Value;
                return new ResilientHttpClients.Policy(ResilientHttpClients.SlidingWindow(o.RequestsPerSecond),
                    TimeSpan.FromSeconds(o.AttemptTimeoutSeconds), RetryUnsafeMethods: false);
            })
            .ConfigureHttpClient((sp, c) =>
            {
                var o = sp.GetRequiredService<IOptions<RetailCrmOptions>>().Value;
                c.BaseAddress = new Uri(WithTrailingSlash(o.Url), "api/v5/");
                c.DefaultRequestHeaders.Add("X-API-KEY", o.ApiKey);
                c.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            });

    private static Uri WithTrailingSlash(string url) => new(url.EndsWith('/') ? url : url + "/");
}
