using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.RetailCrm;
using Flurl.Http;

namespace BitrixRetailCrm.ReferenceData;

/// <summary>
/// Reads RetailCRM dictionaries: GET reference/&lt;name&gt; answers an object keyed by code, except stores (an array)
/// (retailcrm-api.md §7); order custom fields come from GET custom-fields, paged. Items without an "active" field
/// (sites, custom fields) count as active.
/// </summary>
public sealed class RetailCrmReferenceReader(IHttpClientFactory httpClientFactory)
{
    private const int CustomFieldPageSize = 100;

    public async Task<RetailCrmDictionaries> ReadAllAsync(CancellationToken ct) => new(
        Statuses: await ReadAsync("statuses", "statuses", ct),
        DeliveryTypes: await ReadAsync("delivery-types", "deliveryTypes", ct),
        PaymentTypes: await ReadAsync("payment-types", "paymentTypes", ct),
        PaymentStatuses: await ReadAsync("payment-statuses", "paymentStatuses", ct),
        Sites: await ReadAsync("sites", "sites", ct),
        Stores: await ReadAsync("stores", "stores", ct),
        OrderTypes: await ReadAsync("order-types", "orderTypes", ct),
        OrderCustomFields: await OrderCustomFieldsAsync(ct),
        PriceTypes: await ReadAsync("price-types", "priceTypes", ct));

    /// <param name="name">The path after reference/, e.g. "delivery-types".</param>
    /// <param name="key">The response property holding the dictionary, e.g. "deliveryTypes".</param>
    public async Task<IReadOnlyList<DictionaryItem>> ReadAsync(string name, string key, CancellationToken ct) =>
        Items((await GetAsync($"reference/{name}", null, ct))?[key]);

    /// <summary>Custom fields of entity order, every page (the API caps a page at 100).</summary>
    public async Task<IReadOnlyList<DictionaryItem>> OrderCustomFieldsAsync(CancellationToken ct)
    {
        var fields = new List<DictionaryItem>();
        for (var page = 1; ; page++)
        {
            var body = await GetAsync("custom-fields",
                new Dictionary<string, object> { ["filter[entity]"] = "order", ["limit"] = CustomFieldPageSize, ["page"] = page }, ct);
            fields.AddRange(Items(body?["customFields"]));
            if (body?["pagination"]?["totalPageCount"] is not JsonValue total || page >= total.GetValue<int>()) return fields;
        }
    }

    private async Task<JsonObject?> GetAsync(string operation, IReadOnlyDictionary<string, object>? query, CancellationToken ct)
    {
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(RetailCrmClient.HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("RetailCRM", operation, () => flurl
            .Request(operation.Split('/'))
            .SetQueryParams(query)
            .AllowAnyHttpStatus()
            .GetAsync(cancellationToken: ct));
        var response = RetailCrmResponse.Parse(status, body);
        if (!response.Success) throw new RetailCrmException(operation, response);
        return response.Body;
    }

    private static List<DictionaryItem> Items(JsonNode? dictionary) => dictionary switch
    {
        JsonObject byCode => byCode.Select(p => Item(p.Value, p.Key)).OfType<DictionaryItem>().ToList(),
        JsonArray list => list.Select(i => Item(i, null)).OfType<DictionaryItem>().ToList(),
        // PHP serialises an empty keyed array as [] and a missing one not at all.
        _ => [],
    };

    private static DictionaryItem? Item(JsonNode? node, string? keyCode)
    {
        if (node is not JsonObject item) return null;
        var code = item["code"]?.ToString() is { Length: > 0 } c ? c : keyCode;
        if (code is null) return null;
        var active = item["active"] is not { } flag || flag.GetValueKind() != JsonValueKind.False;
        return new DictionaryItem(code, item["name"]?.ToString() ?? "", active);
    }
}
