using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>What one store/inventories/upload or store/prices/upload entry set, as the simulator recorded it.</summary>
public sealed record RetailCrmStoreUpload(string Method, string ExternalId, JsonObject Entry);

/// <summary>
/// The catalogue the CRM knows (loaded from ICML in reality; set by tests here) and the store/*/upload methods: at most
/// 250 offers per call (else 400), offers matched by externalId, unknown ones listed in notFoundOffers.
/// </summary>
public sealed class RetailCrmCatalogStore
{
    private const int MaxOffers = 250;
    private readonly ConcurrentDictionary<string, byte> knownOffers = new();
    private readonly ConcurrentQueue<RetailCrmStoreUpload> uploads = new();

    /// <summary>externalIds of offers the CRM has; every other externalId is reported as not found.</summary>
    public void SetKnownOffers(IEnumerable<string> externalIds)
    {
        knownOffers.Clear();
        foreach (string id in externalIds)
            knownOffers[id] = 0;
    }

    /// <summary>Every accepted entry, in arrival order.</summary>
    public IReadOnlyList<RetailCrmStoreUpload> Uploads => [.. uploads];

    public void ClearUploads() => uploads.Clear();

    internal void Map(RouteGroupBuilder v5, Func<Func<RetailCrmCall, RetailCrmReply>, RequestDelegate> handle)
    {
        v5.MapPost("store/inventories/upload", handle(call => Upload(call, "store/inventories/upload", "offers")));
        v5.MapPost("store/prices/upload", handle(call => Upload(call, "store/prices/upload", "prices")));
    }

    private RetailCrmReply Upload(RetailCrmCall call, string method, string field)
    {
        if (!call.TryReadEntity(field, out JsonArray entries, out RetailCrmReply? refusal))
            return refusal!;
        if (entries.Count > MaxOffers)
            return RetailCrmReply.InvalidParameters(field, $"This collection should contain {MaxOffers} elements or less.");
        JsonArray notFound = [];
        int processed = 0;
        foreach (JsonObject entry in entries.OfType<JsonObject>())
        {
            string? externalId = JsonValues.AsString(entry["externalId"]);
            if (externalId is null || !knownOffers.ContainsKey(externalId))
            {
                notFound.Add(new JsonObject { ["externalId"] = externalId });
                continue;
            }
            uploads.Enqueue(new RetailCrmStoreUpload(method, externalId, entry.DeepClone().AsObject()));
            processed++;
        }
        return RetailCrmReply.Ok(RetailCrmFormat.Success(("processedOffersCount", processed), ("notFoundOffers", notFound)));
    }
}
