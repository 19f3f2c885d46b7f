using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Bitrix;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.ReferenceData;

/// <summary>
/// Reads the Bitrix dictionaries the mappings are keyed by (bitrix-api.md §2.4, §5.1): order statuses
/// (sale.status.list, type O), delivery services (sale.delivery.getlist, profiles included: orders carry their ids),
/// pay systems (sale.paysystem.list), warehouses (catalog.store.list), payer types (sale.persontype.list), order
/// properties (sale.property.list) and price types (catalog.priceType.list); sites come from configuration.
/// </summary>
public sealed class BitrixReferenceReader(IHttpClientFactory httpClientFactory, IOptions<ReferenceDataOptions> options)
{
    public async Task<BitrixDictionaries> ReadAllAsync(CancellationToken ct) => new(
        OrderStatuses: await OrderStatusesAsync(ct),
        Deliveries: await DeliveriesAsync(ct),
        PaySystems: await PaySystemsAsync(ct),
        Stores: await StoresAsync(ct),
        Sites: options.Value.BitrixSiteList is { Count: > 0 } sites ? sites.Select(s => new DictionaryItem(s, s)).ToList() : null,
        PersonTypes: await PersonTypesAsync(ct),
        OrderProperties: await OrderPropertiesAsync(ct),
        PriceTypes: await PriceTypesAsync(ct));

    /// <summary>
    /// Statuses of orders only: delivery statuses (type D) share the table but never appear as an order statusId.
    /// Names live in sale.statuslang.list (one row per language); the first name per status is kept, for the report.
    /// </summary>
    public async Task<IReadOnlyList<DictionaryItem>> OrderStatusesAsync(CancellationToken ct)
    {
        var statuses = await PagedAsync("sale.status.list", "statuses", new JsonObject
        {
            ["filter"] = new JsonObject { ["type"] = "O" },
            ["order"] = new JsonObject { ["sort"] = "asc" },
        }, ct);
        var names = (await PagedAsync("sale.statuslang.list", "statusLangs", new JsonObject
            {
                ["select"] = new JsonArray("statusId", "name"),
            }, ct))
            .GroupBy(l => Text(l, "statusId")).ToDictionary(g => g.Key, g => Text(g.First(), "name"));
        return statuses.Select(s => new DictionaryItem(Text(s, "id"), names.GetValueOrDefault(Text(s, "id"), ""))).ToList();
    }

    public async Task<IReadOnlyList<DictionaryItem>> DeliveriesAsync(CancellationToken ct) =>
        (await BareListAsync("sale.delivery.getlist", ct))
        .Select(d => new DictionaryItem(Text(d, "ID"), Text(d, "NAME"), Text(d, "ACTIVE") != "N")).ToList();

    public async Task<IReadOnlyList<DictionaryItem>> PaySystemsAsync(CancellationToken ct) =>
        (await BareListAsync("sale.paysystem.list", ct))
        .Select(p => new DictionaryItem(Text(p, "ID"), Text(p, "NAME"), Text(p, "ACTIVE") != "N")).ToList();

    public async Task<IReadOnlyList<DictionaryItem>> StoresAsync(CancellationToken ct) =>
        (await PagedAsync("catalog.store.list", "stores", new JsonObject { ["order"] = new JsonObject { ["id"] = "asc" } }, ct))
        .Select(s => new DictionaryItem(Text(s, "id"), Text(s, "title"), Text(s, "active") != "N")).ToList();

    public async Task<IReadOnlyList<DictionaryItem>> PersonTypesAsync(CancellationToken ct) =>
        (await PagedAsync("sale.persontype.list", "personTypes", new JsonObject(), ct))
        .Select(p => new DictionaryItem(Text(p, "id"), Text(p, "name"), Text(p, "active") != "N")).ToList();

    /// <summary>
    /// Order properties keyed by CODE, the key orders carry in propertyValues; each payer type has its own rows, so a
    /// code counts as active when any of its rows is.
    /// </summary>
    public async Task<IReadOnlyList<DictionaryItem>> OrderPropertiesAsync(CancellationToken ct) =>
        (await PagedAsync("sale.property.list", "properties", new JsonObject(), ct))
        .Where(p => Text(p, "code").Length > 0)
        .GroupBy(p => Text(p, "code"))
        .Select(g => new DictionaryItem(g.Key, Text(g.First(), "name"), g.Any(p => Text(p, "active") != "N"))).ToList();

    /// <summary>Price types (catalog groups) have no active flag.</summary>
    public async Task<IReadOnlyList<DictionaryItem>> PriceTypesAsync(CancellationToken ct) =>
        (await PagedAsync("catalog.priceType.list", "priceTypes", new JsonObject(), ct))
        .Select(p => new DictionaryItem(Text(p, "id"), Text(p, "name"))).ToList();

    /// <summary>The camelCase *.list methods: result.&lt;key&gt;[] in pages of 50, "next" pointing at the following page.</summary>
    private async Task<List<JsonObject>> PagedAsync(string method, string key, JsonObject parameters, CancellationToken ct)
    {
        var rows = new List<JsonObject>();
        long start = 0;
        while (true)
        {
            parameters["start"] = start;
            var body = await CallAsync(method, parameters, ct);
            if (body["result"]?[key] is JsonArray page) rows.AddRange(page.OfType<JsonObject>());
            if (body["next"] is JsonValue next && next.GetValueKind() == JsonValueKind.Number && next.GetValue<long>() > start)
                start = next.GetValue<long>();
            else
                return rows;
        }
    }

    /// <summary>The UPPER_CASE methods: result is a bare array, not paged.</summary>
    private async Task<List<JsonObject>> BareListAsync(string method, CancellationToken ct) =>
        (await CallAsync(method, new JsonObject(), ct))["result"] is JsonArray rows ? rows.OfType<JsonObject>().ToList() : [];

    private async Task<JsonObject> CallAsync(string method, JsonObject parameters, CancellationToken ct)
    {
        var (status, body) = await BitrixClient.PostAsync(httpClientFactory, method, parameters, ct);
        if (status == 200 && BitrixError.TryParse(body) is null && JsonNode.Parse(body) is JsonObject json) return json;
        throw BitrixError.Failure(method, status, body);
    }

    private static string Text(JsonObject row, string name) => row[name]?.ToString() ?? "";
}
