using Azure;

namespace BitrixRetailCrm.Storage;

/// <summary>A lease whose push never finished: its instance died holding it.</summary>
public sealed record AbandonedLease(string OrderId, string SiteId, string Owner, DateTimeOffset LeasedAt, DateTimeOffset LeaseUntil,
    ETag ETag);
