using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using Flurl.Http;

namespace BitrixRetailCrm.RetailCrm;

/// <summary>
/// RetailCRM API v5: GETs with query parameters, POSTs as form bodies with the entity as a JSON string field
/// (retailcrm-api.md §1.4). The key travels in the X-API-KEY header set on the named HttpClient.
/// </summary>
public sealed class RetailCrmClient(IHttpClientFactory httpClientFactory)
{
    public const string HttpClientName = "retailcrm";

    public Task<JsonObject?> GetOrderAsync(string externalId, string? site, CancellationToken ct) =>
        GetEntityAsync("orders", "order", externalId, "externalId", site, ct);

    /// <summary>By RetailCRM's own id, for triggers that only know it.</summary>
    public Task<JsonObject?> GetOrderByIdAsync(long id, CancellationToken ct) =>
        GetEntityAsync("orders", "order", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "id", null, ct);

    public Task<JsonObject?> GetCustomerAsync(string externalId, string site, CancellationToken ct) =>
        GetEntityAsync("customers", "customer", externalId, "externalId", site, ct);

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

    public async Task<long> EditOrderAsync(CrmOrder order, string site, CancellationToken ct) =>
        IdOf(await PostFormAsync($"orders/{Uri.EscapeDataString(order.ExternalId)}/edit",
            new() { ["order"] = CrmJson.Serialize(order), ["by"] = "externalId", ["site"] = site }, ct), "orders/edit");

    public async Task<long> CreateCustomerAsync(CrmCustomer customer, string site, CancellationToken ct) =>
        IdOf(await PostFormAsync("customers/create",
            new() { ["customer"] = CrmJson.Serialize(customer), ["site"] = site }, ct), "customers/create");

    public async Task<long> EditCustomerAsync(CrmCustomer customer, string site, CancellationToken ct) =>
        IdOf(await PostFormAsync($"customers/{Uri.EscapeDataString(customer.ExternalId)}/edit",
            new() { ["customer"] = CrmJson.Serialize(customer), ["by"] = "externalId", ["site"] = site }, ct), "customers/edit");

    private async Task<JsonObject?> GetEntityAsync(string resource, string key, string identifier, string by, string? site,
        CancellationToken ct)
    {
        var operation = $"{resource}/get";
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", operation, () => flurl
            .Request(resource, identifier)
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

public class RetailCrmException(string operation, RetailCrmResponse response)
    : ExternalCallException("RetailCRM", operation, response.Describe(), response.StatusCode, response.RawBody)
{
    public RetailCrmResponse Response { get; } = response;
}

public sealed class OrderAlreadyExistsException(RetailCrmResponse response) : RetailCrmException("orders/create", response);
