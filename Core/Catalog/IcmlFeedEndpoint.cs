using Azure;
using Azure.Storage.Blobs.Models;
using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// GET /api/catalog/icml.xml?key=…: the latest committed feed, streamed from the blob. RetailCRM downloads by URL and
/// sends no headers of its own, so the key travels in the query (compared in constant time). ETag and Last-Modified are
/// the blob's, so a conditional GET costs one HEAD on storage and answers 304.
/// </summary>
public sealed class IcmlFeedEndpoint(StorageClients storage, IOptions<CatalogOptions> options)
{
    public async Task<IActionResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var o = options.Value;
        if (o.FeedKey.Length == 0 || !Secrets.FixedTimeEquals(request.Query["key"].FirstOrDefault(), o.FeedKey))
            return Problems.Create(StatusCodes.Status401Unauthorized, "Wrong or missing feed key",
                "the feed URL must carry ?key= with the value of Catalog__FeedKey");
        var blob = (await storage.ContainerAsync(o.Container, ct)).GetBlobClient(o.BlobName);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "The ICML feed has not been built yet",
                "the first feed is written by the CatalogFeedBuild timer (CatalogFeedSchedule); try again after it has run");
        }
        var etag = new EntityTagHeaderValue(properties.ETag.ToString("H"));
        if (EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch.OfType<string>().ToList(), out var tags)
            && tags.Any(t => t.Compare(etag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
        {
            request.HttpContext.Response.Headers.ETag = etag.ToString();
            return new StatusCodeResult(StatusCodes.Status304NotModified);
        }
        // Pin the download to the ETag just read, so a feed committed in between cannot be served under the old tag.
        var content = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false)
        {
            Conditions = new BlobRequestConditions { IfMatch = properties.ETag },
        }, ct);
        return new FileStreamResult(content, "application/xml; charset=utf-8")
        {
            EntityTag = etag,
            LastModified = properties.LastModified,
        };
    }
}
