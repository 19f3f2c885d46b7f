using Azure;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// What RetailCRM holds for a customer, as far as this integration knows: the hash of the content last written or
/// found there, and the Bitrix dateUpdate of the order that content came from (an older order's content never
/// overwrites a newer one's).
/// </summary>
public sealed record CustomerState(string ExternalId, string Hash, DateTimeOffset? SourceVersion, ETag ETag = default);
