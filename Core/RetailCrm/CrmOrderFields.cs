using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.RetailCrm;

/// <summary>
/// An order as its top-level fields, so that a push sends only the fields that changed in Bitrix since the last sync
/// and leaves what a manager changed in RetailCRM alone: orders/{externalId}/edit changes only the fields it is given
/// (retailcrm/api-client-php OrdersRequest edit; the official modules send partial orders).
/// </summary>
public static class CrmOrderFields
{
    public const string Status = "status";

    /// <summary>A short hash per top-level field of the order as it is sent (null and empty fields are not sent).</summary>
    public static IReadOnlyDictionary<string, string> Hashes(string site, CrmOrder order) =>
        Fields(order).ToDictionary(f => f.Key, f => Hash(site, f.Key, f.Value!.ToJsonString(CrmJson.Options)));

    /// <summary>
    /// The edit body for these fields: externalId and the fields' current values; a field the order no longer has is sent
    /// empty, so that RetailCRM drops what Bitrix dropped.
    /// </summary>
    public static JsonObject Partial(CrmOrder order, IEnumerable<string> fields)
    {
        var all = Fields(order);
        var partial = new JsonObject { ["externalId"] = order.ExternalId };
        foreach (var field in fields)
            partial[field] = all.TryGetPropertyValue(field, out var value) ? value?.DeepClone() : null;
        return partial;
    }

    private static JsonObject Fields(CrmOrder order) => JsonSerializer.SerializeToNode(order, CrmJson.Options)!.AsObject();

    private static string Hash(string site, string field, string json) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{site}\n{field}\n{json}")))[..16];
}
