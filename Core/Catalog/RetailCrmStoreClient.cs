using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.RetailCrm;
using Flurl.Http;

namespace BitrixRetailCrm.Catalog;

/// <summary>What an upload answered: how many offers RetailCRM took and the externalIds it does not know.</summary>
public sealed record StoreUploadResult(int Processed, IReadOnlyList<string> NotFound);

/// <summary>
/// store/inventories/upload and store/prices/upload (retailcrm-api.md §10.2-10.3): form fields holding a JSON array of at
/// most 250 offers, through the "retailcrm" HttpClient (its key header and rate limiter).
/// </summary>
public sealed class RetailCrmStoreClient(IHttpClientFactory httpClientFactory)
{
    public const int MaxOffersPerCall = 250;

    public Task<StoreUploadResult> UploadInventoriesAsync(JsonArray offers, string? site, CancellationToken ct) =>
        UploadAsync("store/inventories/upload", "offers", offers, site, ct);

    public Task<StoreUploadResult> UploadPricesAsync(JsonArray prices, CancellationToken ct) =>
        UploadAsync("store/prices/upload", "prices", prices, null, ct);

    private async Task<StoreUploadResult> UploadAsync(string path, string field, JsonArray entries, string? site, CancellationToken ct)
    {
        if (entries.Count > MaxOffersPerCall) throw new ArgumentException($"{path} takes at most {MaxOffersPerCall} offers", nameof(entries));
        var form = new Dictionary<string, string> { [field] = entries.ToJsonString() };
        if (site is not null) form["site"] = site;
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(RetailCrmClient.HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", path, () => flurl.Request(path)
            .AllowAnyHttpStatus()
            .PostUrlEncodedAsync(form, cancellationToken: ct));
        var response = RetailCrmResponse.Parse(status, body);
        if (!response.Success) throw new RetailCrmException(path, response);
        return new StoreUploadResult(
            response.Body?["processedOffersCount"]?.GetValue<int>() ?? 0,
            (response.Body?["notFoundOffers"] as JsonArray ?? []).Select(ExternalIdOf).OfType<string>().ToList());
    }

    /// <summary>The Go client documents notFoundOffers as offer objects; a bare id is accepted too.</summary>
    private static string? ExternalIdOf(JsonNode? node) => node is JsonObject offer ? offer["externalId"]?.ToString() : node?.ToString();
}
