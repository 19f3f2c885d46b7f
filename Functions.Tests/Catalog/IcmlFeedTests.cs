using System.Xml.Linq;
using BitrixRetailCrm.Simulators.Bitrix;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Catalog;

[TestFixture]
public sealed class IcmlFeedTests
{
    private static XElement Offer(XDocument feed, long id) =>
        feed.Descendants("offer").Single(o => (string?)o.Attribute("id") == id.ToString());

    [Test]
    public async Task Feed_for_a_small_catalogue_matches_Bitrix_field_by_field()
    {
        await using var f = await CatalogFixture.StartAsync();
        var c = f.Bitrix.Catalog;
        c.PutSection(new CatalogSection(10, "Обувь"));
        c.PutSection(new CatalogSection(11, "Кеды", ParentId: 10));
        c.PutProduct(new CatalogProduct(100, "Шнурки", SectionId: 10, Quantity: 7, PurchasingPrice: 12.5m, XmlId: "lace-xml", Code: "laces",
            VatId: 3, Weight: 1500, Width: 100, Height: 20, Length: 300, PictureUrl: "/upload/laces.jpg",
            Properties: new Dictionary<long, string> { [260] = "Acme", [261] = "One size" }));
        c.PutProduct(new CatalogProduct(200, "Кеды Ретро", SectionId: 11, Type: 3, Code: "retro", PictureUrl: "https://cdn.example.ru/retro.jpg",
            Properties: new Dictionary<long, string> { [260] = "Retro Inc" }));
        c.PutProduct(new CatalogProduct(201, "Кеды Ретро 42", ParentId: 200, Type: 4, Quantity: 3, XmlId: "retro-42",
            Properties: new Dictionary<long, string> { [261] = "42" }));
        c.PutProduct(new CatalogProduct(202, "Кеды Ретро 43", ParentId: 200, Type: 4, Active: false));
        c.PutPrice(new CatalogPrice(100, 1, 99.9m));
        c.PutPrice(new CatalogPrice(100, 2, 80m)); // another price type: not the feed's <price>
        c.PutPrice(new CatalogPrice(201, 1, 4990m));

        var feed = await f.BuildFeedAsync();

        var shop = feed.Root!.Element("shop")!;
        Assert.That(shop.Element("name")!.Value, Is.EqualTo("Тест & Co"));
        Assert.That(shop.Descendants("category").Select(e => ((string?)e.Attribute("id"), (string?)e.Attribute("parentId"), e.Value)),
            Is.EqualTo(new[] { ("10", (string?)null, "Обувь"), ("11", "10", "Кеды") }));
        Assert.That(feed.Descendants("offer").Select(o => (string?)o.Attribute("id")), Is.EqualTo(new[] { "100", "201", "202" }),
            "simple products and SKUs are offers, the parent with variations is not");

        var laces = Offer(feed, 100);
        Assert.Multiple(() =>
        {
            Assert.That((string?)laces.Attribute("productId"), Is.EqualTo("100"));
            Assert.That((string?)laces.Attribute("quantity"), Is.EqualTo("7"));
            Assert.That(laces.Element("price")!.Value, Is.EqualTo("99.90"));
            Assert.That(laces.Element("purchasePrice")!.Value, Is.EqualTo("12.50"));
            Assert.That(laces.Element("categoryId")!.Value, Is.EqualTo("10"));
            Assert.That(laces.Element("url")!.Value, Is.EqualTo("https://shop.example.ru/catalog/laces/?offer=100"));
            Assert.That(laces.Element("picture")!.Value, Is.EqualTo("https://shop.example.ru/upload/laces.jpg"));
            Assert.That(laces.Element("name")!.Value, Is.EqualTo("Шнурки"));
            Assert.That(laces.Element("productName")!.Value, Is.EqualTo("Шнурки"));
            Assert.That(laces.Element("xmlId")!.Value, Is.EqualTo("lace-xml"));
            Assert.That(laces.Element("vendor")!.Value, Is.EqualTo("Acme"));
            Assert.That(laces.Element("vatRate")!.Value, Is.EqualTo("10"));
            Assert.That(laces.Element("weight")!.Value, Is.EqualTo("1.5"), "grams → kilograms");
            Assert.That(laces.Element("dimensions")!.Value, Is.EqualTo("30/10/2"), "millimetres → centimetres, length/width/height");
            Assert.That(laces.Element("productActivity")!.Value, Is.EqualTo("Y"));
            Assert.That(laces.Element("unit")!.Attributes().Select(a => a.Value), Is.EqualTo(new[] { "796", "Штука", "шт" }));
            Assert.That(laces.Elements("param").Select(p => ((string?)p.Attribute("name"), p.Value)), Is.EqualTo(new[] { ("Размер", "One size") }));
        });

        var sku = Offer(feed, 201);
        Assert.Multiple(() =>
        {
            Assert.That((string?)sku.Attribute("productId"), Is.EqualTo("200"), "a SKU's productId is its parent");
            Assert.That(sku.Element("productName")!.Value, Is.EqualTo("Кеды Ретро"));
            Assert.That(sku.Element("name")!.Value, Is.EqualTo("Кеды Ретро 42"));
            Assert.That(sku.Element("categoryId")!.Value, Is.EqualTo("11"), "the section comes from the parent");
            Assert.That(sku.Element("vendor")!.Value, Is.EqualTo("Retro Inc"));
            Assert.That(sku.Element("picture")!.Value, Is.EqualTo("https://cdn.example.ru/retro.jpg"));
            Assert.That(sku.Element("url")!.Value, Is.EqualTo("https://shop.example.ru/catalog/retro/?offer=201"));
            Assert.That(sku.Element("price")!.Value, Is.EqualTo("4990.00"));
            Assert.That(sku.Element("purchasePrice")!.Value, Is.EqualTo("0.00"), "written as 0 when Bitrix has none, as the official module does");
            Assert.That(sku.Elements("param").Single().Value, Is.EqualTo("42"));
        });
        Assert.That(Offer(feed, 202).Element("productActivity")!.Value, Is.EqualTo("N"), "an inactive SKU stays, marked inactive");
        Assert.That(Offer(feed, 202).Element("price"), Is.Null, "no price row, no <price>");
    }

    [Test]
    public async Task Special_characters_survive_the_round_trip()
    {
        await using var f = await CatalogFixture.StartAsync();
        const string name = "Plug <\"2\"> & 'Ёлка' 🎄 — 100%";
        f.Bitrix.Catalog.PutProduct(new CatalogProduct(1, name + "\u0001", XmlId: "a&b<c>"));

        var feed = await f.BuildFeedAsync();

        var offer = Offer(feed, 1);
        Assert.That(offer.Element("name")!.Value, Is.EqualTo(name), "text escaped, emoji kept, a control character XML forbids dropped");
        Assert.That(offer.Element("xmlId")!.Value, Is.EqualTo("a&b<c>"));
        Assert.That(feed.Declaration?.Encoding, Is.EqualTo("utf-8"));
    }

    [Test]
    public async Task Paging_covers_every_product_once_in_a_few_batch_requests()
    {
        await using var f = await CatalogFixture.StartAsync();
        f.Bitrix.Catalog.Generate(offers: 523, perProduct: 4); // 131 parents, 523 SKUs: pages of 50 with short last pages
        var before = f.Bitrix.TotalRequests;

        var feed = await f.BuildFeedAsync();

        var ids = feed.Descendants("offer").Select(o => long.Parse((string)o.Attribute("id")!)).ToList();
        Assert.That(ids, Is.EqualTo(Enumerable.Range(132, 523).Select(i => (long)i)), "every SKU, once, in id order");
        Assert.That(feed.Descendants("category").Count(), Is.EqualTo(20));
        Assert.That(f.Bitrix.TotalRequests - before, Is.LessThanOrEqualTo(12), "pages, parents and prices travel in batches");
        Assert.That(f.Bitrix.RequestCount("batch"), Is.EqualTo(f.Bitrix.TotalRequests - before));
    }
}
