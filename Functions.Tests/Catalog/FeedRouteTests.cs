using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using BitrixRetailCrm.Catalog;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Catalog;

/// <summary>GET /api/catalog/icml.xml over HTTP through the local runner, as RetailCRM downloads it.</summary>
[TestFixture]
public sealed class FeedRouteTests
{
    private const string FeedKey = "route-feed-key-0123456789";

    private static Task<IntegrationHarness> StartAsync() => IntegrationHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Catalog:FeedKey"] = FeedKey,
        ["Catalog:Container"] = $"feed-{Guid.NewGuid():N}"[..24],
    }, startQueueListener: false);

    private static Uri FeedUrl(IntegrationHarness h, string query) => new(h.RunnerUrl, $"api/catalog/icml.xml{query}");

    private static Task<IcmlFeedResult> BuildFeedAsync(IntegrationHarness h) =>
        h.Runner.Services.GetRequiredService<IcmlFeedBuilder>().BuildAsync(CancellationToken.None);

    private static async Task<HttpResponseMessage> GetAsync(IntegrationHarness h, EntityTagHeaderValue? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, FeedUrl(h, $"?key={FeedKey}"));
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return await h.Http.SendAsync(request);
    }

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Not.Contain(FeedKey), "the key never appears in an answer");
        return JsonNode.Parse(text)!;
    }

    [Test]
    public async Task Feed_route_serves_the_latest_feed_with_ETag_and_Last_Modified_and_304_for_a_known_ETag()
    {
        await using var h = await StartAsync();
        h.Bitrix.Catalog.PutProduct(new CatalogProduct(1, "Товар «1»"));
        await BuildFeedAsync(h);

        using var served = await GetAsync(h);
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(served.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/xml; charset=utf-8"));
        Assert.That(served.Content.Headers.LastModified, Is.Not.Null);
        var etag = served.Headers.ETag ?? throw new AssertionException("no ETag");
        var feed = XDocument.Parse(await served.Content.ReadAsStringAsync());
        Assert.That(feed.Descendants("offer").Single().Element("name")!.Value, Is.EqualTo("Товар «1»"));

        using var notModified = await GetAsync(h, etag);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(notModified.Headers.ETag, Is.EqualTo(etag));
        Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty);

        h.Bitrix.Catalog.PutProduct(new CatalogProduct(1, "Товар «1» (новый)"));
        await BuildFeedAsync(h);
        using var rebuilt = await GetAsync(h, etag);
        Assert.That(rebuilt.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a rebuilt feed has a new ETag");
        Assert.That(rebuilt.Headers.ETag, Is.Not.EqualTo(etag));
        Assert.That(await rebuilt.Content.ReadAsStringAsync(), Does.Contain("Товар «1» (новый)"));
    }

    [Test]
    public async Task Feed_route_refuses_a_wrong_or_missing_key_with_a_401_problem()
    {
        await using var h = await StartAsync();
        h.Bitrix.Catalog.PutProduct(new CatalogProduct(1, "Товар"));
        await BuildFeedAsync(h);

        // The function key is not the feed key: RetailCRM's download URL carries only ?key=.
        foreach (var query in new[] { "?key=wrong-key-0123456789", "", "?key=", $"?code={IntegrationHarness.FunctionKey}" })
        {
            using var response = await h.Http.GetAsync(FeedUrl(h, query));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), query);
            var problem = await ProblemAsync(response);
            Assert.That((int?)problem["status"], Is.EqualTo(401));
            Assert.That((string?)problem["detail"], Does.Contain("Catalog__FeedKey"));
        }
    }

    [Test]
    public async Task Feed_route_before_the_first_build_answers_a_404_problem()
    {
        await using var h = await StartAsync();

        using var response = await GetAsync(h);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var problem = await ProblemAsync(response);
        Assert.That((string?)problem["title"], Does.Contain("not been built yet"));
        Assert.That((string?)problem["detail"], Does.Contain("CatalogFeedSchedule"));
    }
}
