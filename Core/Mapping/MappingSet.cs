namespace BitrixRetailCrm.Mapping;

/// <summary>All mapping dictionaries at one point in time. Codes match exactly, as Bitrix and RetailCRM compare them.</summary>
public sealed class MappingSet
{
    private readonly Dictionary<(MappingKind Kind, string BitrixCode), MappingEntry> byCode = [];
    private readonly HashSet<MappingKind> kindsInUse = [];

    public MappingSet(IEnumerable<MappingEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!byCode.TryAdd((entry.Kind, entry.BitrixCode), entry))
                throw new ArgumentException(
                    $"Duplicate {entry.Kind.ToKey()} mapping for Bitrix code '{entry.BitrixCode}'", nameof(entries));
            kindsInUse.Add(entry.Kind);
        }
    }

    public IReadOnlyCollection<MappingEntry> Entries => byCode.Values;

    /// <summary>The row key of a per-site override: <c>{siteId}:{code}</c> wins over <c>{code}</c> for that site's orders.</summary>
    public static string SiteKey(string siteId, string code) => $"{siteId}:{code}";

    public string Map(MappingKind kind, string bitrixCode) =>
        TryMap(kind, bitrixCode, out var crmCode) ? crmCode : throw new UnmappedCodeException(kind, bitrixCode);

    public bool TryMap(MappingKind kind, string bitrixCode, out string crmCode)
    {
        var found = byCode.TryGetValue((kind, bitrixCode), out var entry);
        crmCode = entry?.CrmCode ?? "";
        return found;
    }

    /// <summary>The site's override when there is one, else the plain mapping; unmapped throws.</summary>
    public string Map(MappingKind kind, string bitrixCode, string siteId) =>
        TryMap(kind, bitrixCode, siteId, out var crmCode) ? crmCode : throw new UnmappedCodeException(kind, bitrixCode);

    public bool TryMap(MappingKind kind, string bitrixCode, string siteId, out string crmCode) =>
        TryMap(kind, SiteKey(siteId, bitrixCode), out crmCode) || TryMap(kind, bitrixCode, out crmCode);

    /// <summary>
    /// For kinds a shop may not use at all (order types, warehouses, properties): null while the kind has no rows,
    /// otherwise the same as <see cref="Map(MappingKind, string, string)"/>, so a forgotten code still stops the order.
    /// </summary>
    public string? MapOptional(MappingKind kind, string bitrixCode, string siteId) =>
        Uses(kind) ? Map(kind, bitrixCode, siteId) : null;

    /// <summary>Whether the kind has any row, plain or per-site.</summary>
    public bool Uses(MappingKind kind) => kindsInUse.Contains(kind);
}
