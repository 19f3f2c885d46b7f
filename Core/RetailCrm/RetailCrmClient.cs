using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using Flurl.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BitrixRetailCrm.RetailCrm;

/// <summary>
/// RetailCRM API v5: GETs with query parameters, POSTs as form bodies with the entity as a JSON string field
/// (retailcrm-api.md §1.4). The key travels in the X-API-KEY header set on the named HttpClient.
/// </summary>
public sealed class RetailCrmClient(IHttpClientFactory httpClientFactory,
    [FromKeyedServices(RetailCrmClient.HttpClientName)] ResilientHttpClients.Policy policy)
{
    public const string HttpClientName = "retailcrm";

    /// <summary>Most recent calls failed and the circuit breaker fails calls at once until its break ends.</summary>
    public bool Unavailable => policy.CircuitBroken;

    public Task<JsonObject?> GetOrderAsync(string externalId, string? site, CancellationToken ct) =>
        GetEntityAsync("orders", "order", externalId, "externalId", site, ct);

    /// <summary>By RetailCRM's own id, for triggers that only know it.</summary>
    public Task<JsonObject?> GetOrderByIdAsync(long id, CancellationToken ct) =>
        GetEntityAsync("orders", "order", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "id", null, ct);

    public Task<JsonObject?> GetCustomerAsync(string externalId, string site, CancellationToken ct) =>
        GetEntityAsync("customers", "customer", externalId, "externalId", site, ct);

    /// <summary>Most externalIds one customers list request filters by: a page holds up to 100 customers.</summary>
    public const int MaxCustomersPerList = 100;

    /// <summary>
    /// Which of these customers the site has, with what RetailCRM holds for each, from one <c>GET customers</c> request
    /// filtered by externalId and site (retailcrm/api-client-go <c>CustomersFilter.ExternalIds</c>, <c>Sites</c>).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> ListCustomersAsync(IReadOnlyCollection<string> externalIds,
        string site, CancellationToken ct)
    {
        const string operation = "customers/list";
        if (externalIds.Count is 0 or > MaxCustomersPerList)
            throw new ArgumentOutOfRangeException(nameof(externalIds), $"1 to {MaxCustomersPerList} customers per list request");
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", operation, () => flurl
            .Request("customers")
            .SetQueryParam("filter[externalIds][]", externalIds)
            .SetQueryParam("filter[sites][]", site)
            .SetQueryParam("limit", MaxCustomersPerList)
            .AllowAnyHttpStatus()
            .GetAsync(cancellationToken: ct));
        var response = RetailCrmResponse.Parse(status, body);
        if (!response.Success) throw new RetailCrmException(operation, response);
        var wanted = externalIds.ToHashSet();
        var found = new Dictionary<string, JsonObject>();
        foreach (var customer in (response.Body?["customers"] as JsonArray)?.OfType<JsonObject>() ?? [])
            if (customer["externalId"]?.ToString() is { } externalId && wanted.Contains(externalId))
                found[externalId] = customer;
        return found;
    }

    /// <summary>One page of orders/history after <paramref name="sinceId"/>, or from <paramref name="startDate"/> on the first run.</summary>
    public async Task<string> GetOrderHistoryAsync(long? sinceId, string? startDate, int limit, CancellationToken ct)
    {
        const string operation = "orders/history";
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", operation, () => flurl
            .Request("orders", "history")
            .SetQueryParam("filter[sinceId]", sinceId)
            .SetQueryParam("filter[startDate]", sinceId is null ? startDate : null)
            .SetQueryParam("limit", limit)
            .AllowAnyHttpStatus()
            .GetAsync(cancellationToken: ct));
        var response = RetailCrmResponse.Parse(status, body);
        return response.Success ? body : throw new RetailCrmException(operation, response);
    }

    /// <summary>Creates the order; throws <see cref="OrderAlreadyExistsException"/> when its externalId is taken.</summary>
    public async Task<long> CreateOrderAsync(CrmOrder order, string site, CancellationToken ct)
    {
        var response = await PostFormAsync("orders/create", new() { ["order"] = CrmJson.Serialize(order), ["site"] = site }, ct);
        if (!response.Success && response.ErrorMsg?.Contains("already exists", StringComparison.OrdinalIgnoreCase) == true)
            throw new OrderAlreadyExistsException(response);
        return IdOf(response, "orders/create");
    }

    public Task<long> EditOrderAsync(CrmOrder order, string site, CancellationToken ct) =>
        EditOrderAsync(order.ExternalId, CrmJson.Serialize(order), site, ct);

    /// <summary>Changes only the fields given (and externalId), leaving the order's other fields as RetailCRM has them.</summary>
    public Task<long> EditOrderAsync(JsonObject fields, string site, CancellationToken ct) =>
        EditOrderAsync(fields["externalId"]!.GetValue<string>(), fields.ToJsonString(CrmJson.Options), site, ct);

    private async Task<long> EditOrderAsync(string externalId, string json, string site, CancellationToken ct) =>
        IdOf(await PostFormAsync($"orders/{Uri.EscapeDataString(externalId)}/edit",
            new() { ["order"] = json, ["by"] = "externalId", ["site"] = site }, ct), "orders/edit");

    public async Task<long> CreateCustomerAsync(CrmCustomer customer, string site, CancellationToken ct) =>
        IdOf(await PostFormAsync("customers/create",
            new() { ["customer"] = CrmJson.Serialize(customer), ["site"] = site }, ct), "customers/create");

    public async Task<long> EditCustomerAsync(CrmCustomer customer, string site, CancellationToken ct) =>
        IdOf(await PostFormAsync($"customers/{Uri.EscapeDataString(customer.ExternalId)}/edit",
            new() { ["customer"] = CrmJson.Serialize(customer), ["by"] = "externalId", ["site"] = site }, ct), "customers/edit");

    /// <summary>Most entities orders/upload and customers/upload accept (retailcrm-api.md §3.5, §6).</summary>
    public const int MaxUploadBatch = 50;

    /// <summary>
    /// orders/upload: creates up to 50 orders in one request. HTTP 200 and the 460 partial answer both return an
    /// <see cref="UploadResult"/> naming what was created and what failed (and whether it failed only because it
    /// exists already); any other failure throws, for the whole batch.
    /// </summary>
    public Task<UploadResult> UploadOrdersAsync(IReadOnlyList<CrmOrder> orders, string site, CancellationToken ct) =>
        UploadAsync("orders/upload", "orders", "uploadedOrders", "failedOrders", "Order",
            orders.Select(o => (o.ExternalId, CrmJson.Serialize(o))).ToList(), site, ct);

    /// <summary>customers/upload, with the same contract as <see cref="UploadOrdersAsync"/>.</summary>
    public Task<UploadResult> UploadCustomersAsync(IReadOnlyList<CrmCustomer> customers, string site, CancellationToken ct) =>
        UploadAsync("customers/upload", "customers", "uploadedCustomers", "failedCustomers", "Customer",
            customers.Select(c => (c.ExternalId, CrmJson.Serialize(c))).ToList(), site, ct);

    private async Task<UploadResult> UploadAsync(string path, string field, string uploadedKey, string failedKey, string noun,
        List<(string ExternalId, string Json)> entities, string site, CancellationToken ct)
    {
        if (entities.Count is 0 or > MaxUploadBatch)
            throw new ArgumentOutOfRangeException(nameof(entities), $"1 to {MaxUploadBatch} entities per upload");
        var response = await PostFormAsync(path,
            new() { [field] = "[" + string.Join(",", entities.Select(e => e.Json)) + "]", ["site"] = site }, ct);
        if (!response.Success && response.StatusCode != 460)
            throw new RetailCrmException(path, response);
        var uploaded = new Dictionary<string, long>();
        var uploadedEntries = (response.Body?[uploadedKey] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        foreach (var item in uploadedEntries)
            if (item["externalId"]?.ToString() is { } externalId && item["id"] is { } id)
                uploaded[externalId] = id.GetValue<long>();
        var created = uploaded.Keys.ToHashSet();
        var failed = new Dictionary<string, UploadFailure>();
        if (response.StatusCode == 460)
        {
            var messages = response.Errors.Values.ToList();
            var listedFailed = (response.Body?[failedKey] as JsonArray)?.OfType<JsonObject>()
                .Select(f => f["externalId"]?.ToString()).OfType<string>().ToHashSet() ?? [];
            // Uploaded entries may carry only the new id (retailcrm/api-client-go customers/upload 460 test): when the
            // failed ones are listed and the counts add up, the rest were created.
            if (uploadedEntries.Count + listedFailed.Count == entities.Count)
                created.UnionWith(entities.Select(e => e.ExternalId).Where(id => !listedFailed.Contains(id)));
            // Entities neither created nor listed as failed are failures too: the answer cannot be trusted for them.
            var failedIds = entities.Select(e => e.ExternalId).Where(id => !created.Contains(id)).ToHashSet();
            foreach (var externalId in failedIds)
            {
                var exists = messages.Any(m => m.Contains($"externalId={externalId} already exists", StringComparison.OrdinalIgnoreCase));
                failed[externalId] = new UploadFailure(exists, response);
            }
        }
        else
        {
            created.UnionWith(entities.Select(e => e.ExternalId)); // 200: every entity was created
        }
        return new UploadResult(uploaded, created, failed);
    }

    private async Task<JsonObject?> GetEntityAsync(string resource, string key, string identifier, string by, string? site,
        CancellationToken ct)
    {
        var operation = $"{resource}/get";
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", operation, () => flurl
            .Request(resource)
            .AppendPathSegment(identifier, fullyEncode: true) // "../customers/57" or "1?by=id" must stay one segment
            .SetQueryParams(new { by, site })
            .AllowAnyHttpStatus()
            .GetAsync(cancellationToken: ct));
        var response = RetailCrmResponse.Parse(status, body);
        if (status == 404) return null;
        return response.Success ? response.Body?[key] as JsonObject : throw new RetailCrmException(operation, response);
    }

    private async Task<RetailCrmResponse> PostFormAsync(string path, Dictionary<string, string> fields, CancellationToken ct)
    {
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", path, () => flurl
            .Request(path)
            .AllowAnyHttpStatus()
            .PostUrlEncodedAsync(fields, cancellationToken: ct));
        return RetailCrmResponse.Parse(status, body);
    }

    private static long IdOf(RetailCrmResponse response, string operation) =>
        response.Success && response.Body?["id"] is { } id
            ? id.GetValue<long>()
            : throw new RetailCrmException(operation, response);
}

/// <summary>
/// What an upload created (<see cref="Created"/>; <see cref="Uploaded"/> has the RetailCRM id of those the answer names)
/// and what it did not.
/// </summary>
public sealed record UploadResult(IReadOnlyDictionary<string, long> Uploaded, IReadOnlySet<string> Created,
    IReadOnlyDictionary<string, UploadFailure> Failed);

/// <summary>
/// One entity an upload did not create: <see cref="AlreadyExists"/> when its externalId is taken (edit it instead);
/// otherwise a validation error whose message cannot be attributed to one entity when several failed.
/// </summary>
public sealed record UploadFailure(bool AlreadyExists, RetailCrmResponse Response);

public class RetailCrmException(string operation, RetailCrmResponse response)
    : ExternalCallException("RetailCRM", operation, response.Describe(), response.StatusCode, response.RawBody)
{
    public RetailCrmResponse Response { get; } = response;
}

public sealed class OrderAlreadyExistsException(RetailCrmResponse response) : RetailCrmException("orders/create", response);
