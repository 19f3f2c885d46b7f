namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>Filters of GET orders/history (filter[sinceId], filter[startDate], filter[endDate], filter[orderId], filter[orderExternalId]).</summary>
internal sealed record RetailCrmHistoryQuery(
    int? SinceId,
    DateTimeOffset? StartDate,
    DateTimeOffset? EndDate,
    int? OrderId,
    string? OrderExternalId,
    int Limit,
    int Page)
{
    public bool Matches(RetailCrmHistoryEntry entry) =>
        (SinceId is null || entry.Id > SinceId)
        && (StartDate is null || entry.CreatedAt >= StartDate)
        && (EndDate is null || entry.CreatedAt <= EndDate)
        && (OrderId is null || entry.OrderId == OrderId)
        && (OrderExternalId is null || entry.OrderExternalId == OrderExternalId);
}
