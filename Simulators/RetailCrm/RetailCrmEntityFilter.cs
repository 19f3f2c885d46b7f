using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// filter[ids][], filter[externalIds][] and filter[sites][] of GET orders and GET customers, each taking several values
/// (url:"…,brackets" in retailcrm/api-client-go filters.go OrdersFilter and CustomersFilter); a filter not given matches all.
/// </summary>
internal sealed class RetailCrmEntityFilter(RetailCrmCall call)
{
    private readonly HashSet<string> ids = [.. call.Values("filter[ids]")];
    private readonly HashSet<string> externalIds = [.. call.Values("filter[externalIds]")];
    private readonly HashSet<string> sites = [.. call.Values("filter[sites]")];

    public bool Matches(JsonObject entity) =>
        (ids.Count == 0 || ids.Contains(JsonValues.AsString(entity["id"])!))
        && (externalIds.Count == 0 || externalIds.Contains(JsonValues.AsString(entity["externalId"]) ?? ""))
        && (sites.Count == 0 || sites.Contains(JsonValues.AsString(entity["site"])!));
}
