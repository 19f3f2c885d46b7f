using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BitrixRetailCrm.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>The catalogue sync: feed builder and endpoint, stock and price pushers. Uses the bitrix and retailcrm HttpClients.</summary>
    public static IServiceCollection AddCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CatalogOptions>().Bind(configuration.GetSection(CatalogOptions.Section))
            .ValidateDataAnnotations()
            .Validate(ParamPropertiesParse, "Catalog__ParamProperties must be a propertyId=name list")
            .ValidateOnStart();
        services.AddOptions<CatalogTriggerOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BitrixCatalogClient>();
        services.AddSingleton<RetailCrmStoreClient>();
        services.AddSingleton<CatalogStateStore>();
        services.AddSingleton<CatalogPush>();
        services.AddSingleton<IcmlFeedBuilder>();
        services.AddSingleton<IcmlFeedEndpoint>();
        services.AddSingleton<StockPusher>();
        services.AddSingleton<PricePusher>();
        return services;
    }

    private static bool ParamPropertiesParse(CatalogOptions o)
    {
        try
        {
            _ = o.ParamMap;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
