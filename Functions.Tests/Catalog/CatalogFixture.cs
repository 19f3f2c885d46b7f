using System.Xml.Linq;
using BitrixRetailCrm.Catalog;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Tests.Catalog;

/// <summary>Core's services against both simulators and Azurite, with a container and state table of their own.</summary>
internal sealed class CatalogFixture : IAsyncDisposable
{
    public const string FeedKey = "feed-key-0123456789";

    private CatalogFixture(BitrixSimulator bitrix, RetailCrmSimulator crm, ServiceProvider services, CapturedLogs logs)
    {
        Bitrix = bitrix;
        Crm = crm;
        Services = services;
        Logs = logs;
    }

    public BitrixSimulator Bitrix { get; }
    public RetailCrmSimulator Crm { get; }
    public ServiceProvider Services { get; }
    public CapturedLogs Logs { get; }
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<CatalogFixture> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var bitrix = await BitrixSimulator.StartAsync(new BitrixSimulatorOptions { SeedDemoOrders = false });
        var crm = await RetailCrmSimulator.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await TestRun.StorageConnectionStringAsync(),
            ["Bitrix:WebhookUrl"] = bitrix.WebhookUrl.ToString(),
            ["Bitrix:ApplicationToken"] = bitrix.Options.ApplicationToken,
            ["RetailCrm:Url"] = crm.BaseUrl.ToString(),
            ["RetailCrm:ApiKey"] = crm.Options.ApiKey,
            ["RetailCrm:WebhookSecret"] = "catalog-tests-webhook-secret",
            ["Catalog:Container"] = $"catalog-{suffix}",
            ["Catalog:StateTable"] = $"catalog{suffix}",
            ["Sync:MappingTable"] = $"catmap{suffix}",
            ["Catalog:FeedKey"] = FeedKey,
            ["Catalog:ShopName"] = "Тест & Co",
            ["Catalog:ShopUrl"] = "https://shop.example.ru/",
            ["Catalog:ProductUrlTemplate"] = "https://shop.example.ru/catalog/{parentCode}/?offer={id}",
            ["Catalog:VendorPropertyId"] = "260",
            ["Catalog:ParamProperties"] = "261=Размер",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.AddProvider(logs))
            .AddBitrixRetailCrm(configuration)
            .BuildServiceProvider();
        return new CatalogFixture(bitrix, crm, services, logs);
    }

    /// <summary>A warehouse or price-type row in the mapping table, as an operator writes it.</summary>
    public Task MapAsync(MappingKind kind, string bitrixCode, string crmCode) =>
        Get<MappingStore>().SetAsync(new MappingEntry(kind, bitrixCode, crmCode), CancellationToken.None);

    public async Task<XDocument> BuildFeedAsync()
    {
        await Get<IcmlFeedBuilder>().BuildAsync(CancellationToken.None);
        var options = Get<Microsoft.Extensions.Options.IOptions<CatalogOptions>>().Value;
        var blob = (await Get<StorageClients>().ContainerAsync(options.Container, CancellationToken.None)).GetBlobClient(options.BlobName);
        await using var content = await blob.OpenReadAsync();
        return await XDocument.LoadAsync(content, LoadOptions.None, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Bitrix.DisposeAsync();
        await Crm.DisposeAsync();
    }
}
