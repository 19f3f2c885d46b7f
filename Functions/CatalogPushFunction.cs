using BitrixRetailCrm.Catalog;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Pushes changed stocks and prices to RetailCRM on their schedules.</summary>
public sealed class CatalogPushFunction(StockPusher stocks, PricePusher prices)
{
    [Function("CatalogStockPush")]
    public Task Stocks([TimerTrigger("%CatalogStockSchedule%")] TimerInfo timer, CancellationToken ct) => stocks.RunAsync(ct);

    [Function("CatalogPricePush")]
    public Task Prices([TimerTrigger("%CatalogPriceSchedule%")] TimerInfo timer, CancellationToken ct) => prices.RunAsync(ct);
}
