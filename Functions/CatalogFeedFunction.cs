using BitrixRetailCrm.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Rebuilds the ICML feed on a schedule and serves the latest one to RetailCRM.</summary>
public sealed class CatalogFeedFunction(IcmlFeedBuilder builder, IcmlFeedEndpoint endpoint)
{
    [Function("CatalogFeedBuild")]
    public Task Build([TimerTrigger("%CatalogFeedSchedule%")] TimerInfo timer, CancellationToken ct) => builder.BuildAsync(ct);

    /// <summary>Anonymous at the host: RetailCRM cannot send a function key header, so the feed checks its own ?key=.</summary>
    [Function("CatalogFeed")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/icml.xml")] HttpRequest request, CancellationToken ct) =>
        endpoint.HandleAsync(request, ct);
}
