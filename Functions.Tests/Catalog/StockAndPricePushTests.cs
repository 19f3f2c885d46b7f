using BitrixRetailCrm.Catalog;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Catalog;

[TestFixture]
public sealed class StockAndPricePushTests
{
    private static async Task<CatalogFixture> CatalogOfThreeAsync()
    {
        var f = await CatalogFixture.StartAsync();
        foreach (var id in new[] { 1L, 2, 3 })
        {
            f.Bitrix.Catalog.PutProduct(new CatalogProduct(id, $"Товар {id}"));
            f.Bitrix.Catalog.PutPrice(new CatalogPrice(id, 1, 100 * id));
            f.Bitrix.Catalog.PutStock(new CatalogStock(id, 1, id));
        }
        f.Crm.Store.SetKnownOffers(["1", "2", "3"]);
        await f.MapAsync(MappingKind.Warehouse, "1", "main");
        await f.MapAsync(MappingKind.PriceType, "1", "base");
        return f;
    }

    [Test]
    public async Task Changed_price_sends_exactly_that_offer()
    {
        await using var f = await CatalogOfThreeAsync();
        var prices = f.Get<PricePusher>();
        Assert.That((await prices.RunAsync(CancellationToken.None)).Sent, Is.EqualTo(3), "first run sends everything");
        Assert.That((await prices.RunAsync(CancellationToken.None)).Sent, Is.Zero, "nothing changed, nothing sent");
        f.Crm.Store.ClearUploads();

        f.Bitrix.Catalog.PutPrice(new CatalogPrice(2, 1, 250));
        await prices.RunAsync(CancellationToken.None);

        var upload = f.Crm.Store.Uploads.Single();
        Assert.That(upload.Method, Is.EqualTo("store/prices/upload"));
        Assert.That(upload.ExternalId, Is.EqualTo("2"));
        Assert.That(upload.Entry["prices"]![0]!["code"]!.ToString(), Is.EqualTo("base"));
        Assert.That((decimal)upload.Entry["prices"]![0]!["price"]!, Is.EqualTo(250m));
    }

    [Test]
    public async Task Deleted_offer_is_pushed_as_unavailable_once()
    {
        await using var f = await CatalogOfThreeAsync();
        var stocks = f.Get<StockPusher>();
        await stocks.RunAsync(CancellationToken.None);
        f.Crm.Store.ClearUploads();

        f.Bitrix.Catalog.Delete(3);
        var result = await stocks.RunAsync(CancellationToken.None);

        var upload = f.Crm.Store.Uploads.Single();
        Assert.That(upload.ExternalId, Is.EqualTo("3"));
        Assert.That(upload.Entry["stores"]![0]!["code"]!.ToString(), Is.EqualTo("main"));
        Assert.That((int)upload.Entry["stores"]![0]!["available"]!, Is.Zero);
        Assert.That(result.Removed, Is.EqualTo(1));
        Assert.That((await stocks.RunAsync(CancellationToken.None)).Sent, Is.Zero, "forgotten after the zero was pushed");
    }

    [Test]
    public async Task Offers_unknown_to_RetailCRM_are_counted_and_not_resent_until_they_change()
    {
        await using var f = await CatalogOfThreeAsync();
        f.Crm.Store.SetKnownOffers(["1", "2"]);
        var stocks = f.Get<StockPusher>();

        var first = await stocks.RunAsync(CancellationToken.None);
        var second = await stocks.RunAsync(CancellationToken.None);

        Assert.That(first.NotFound, Is.EqualTo(1));
        Assert.That(second.Sent, Is.Zero);
    }

    [Test]
    public async Task More_than_250_changes_go_in_calls_of_at_most_250()
    {
        await using var f = await CatalogFixture.StartAsync();
        f.Bitrix.Catalog.Generate(offers: 600, perProduct: 4);
        f.Crm.Store.SetKnownOffers(Enumerable.Range(1, 800).Select(i => i.ToString()));
        await f.MapAsync(MappingKind.Warehouse, "1", "main");

        var result = await f.Get<StockPusher>().RunAsync(CancellationToken.None);

        Assert.That(result.Sent, Is.EqualTo(600));
        Assert.That(f.Crm.Requests.Count(r => r.Path.EndsWith("store/inventories/upload", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public async Task Stores_and_price_types_without_a_mapping_row_are_skipped_with_a_warning()
    {
        await using var f = await CatalogOfThreeAsync();
        f.Bitrix.Options.Stores.Add(new BitrixDirectory.Store(2, "Склад при магазине"));
        foreach (var id in new[] { 1L, 2, 3 })
        {
            f.Bitrix.Catalog.PutStock(new CatalogStock(id, 2, 10 * id));
            f.Bitrix.Catalog.PutPrice(new CatalogPrice(id, 2, 80 * id)); // price type 2 (WHOLESALE) has no row either
        }
        await f.MapAsync(MappingKind.Warehouse, "s1:2", "shop-floor"); // a per-site row is for orders, not the catalogue

        var stocks = await f.Get<StockPusher>().RunAsync(CancellationToken.None);
        var prices = await f.Get<PricePusher>().RunAsync(CancellationToken.None);

        Assert.That((stocks.Sent, prices.Sent), Is.EqualTo((3, 3)), "store 1 and price type 1 only");
        Assert.That(f.Crm.Store.Uploads.Select(u => (u.Method, Code: (string?)(u.Entry["stores"] ?? u.Entry["prices"])![0]!["code"])).Distinct(),
            Is.EquivalentTo(new[] { ("store/inventories/upload", "main"), ("store/prices/upload", "base") }));
        Assert.That(f.Logs.Lines, Has.Some.Contains("Warning").And.Contains("warehouse codes 2 have no mapping row"));
        Assert.That(f.Logs.Lines, Has.Some.Contains("Warning").And.Contains("priceType codes 2 have no mapping row"));
    }

    [Test]
    public async Task Without_warehouse_or_price_type_rows_nothing_is_pushed_and_Bitrix_is_not_asked()
    {
        await using var f = await CatalogFixture.StartAsync();
        f.Bitrix.Catalog.PutProduct(new CatalogProduct(1, "Товар"));
        f.Bitrix.Catalog.PutStock(new CatalogStock(1, 1, 5));
        f.Bitrix.Catalog.PutPrice(new CatalogPrice(1, 1, 100));

        var stocks = await f.Get<StockPusher>().RunAsync(CancellationToken.None);
        var prices = await f.Get<PricePusher>().RunAsync(CancellationToken.None);

        Assert.That((stocks, prices), Is.EqualTo((CatalogPushResult.None, CatalogPushResult.None)));
        Assert.That(f.Bitrix.TotalRequests, Is.Zero);
        Assert.That(f.Crm.Store.Uploads, Is.Empty);
    }
}
