namespace BitrixRetailCrm.Mapping;

/// <summary>All mapping dictionaries at one point in time. Codes match exactly, as Bitrix and RetailCRM compare them.</summary>
public sealed class MappingSet
{
    private readonly Dictionary<(MappingKind Kind, string BitrixCode), MappingEntry> byCode = [];

    public MappingSet(IEnumerable<MappingEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!byCode.TryAdd((entry.Kind, entry.BitrixCode), entry))
                throw new ArgumentException(
                    $"Duplicate {entry.Kind.ToKey()} mapping for Bitrix code '{entry.BitrixCode}'", nameof(entries));
        }
    }

    public IReadOnlyCollection<MappingEntry> Entries => byCode.Values;

    public string Map(MappingKind kind, string bitrixCode) =>
        TryMap(kind, bitrixCode, out var crmCode) ? crmCode : throw new UnmappedCodeException(kind, bitrixCode);

    public bool TryMap(MappingKind kind, string bitrixCode, out string crmCode)
    {
        var found = byCode.TryGetValue((kind, bitrixCode), out var entry);
        crmCode = entry?.CrmCode ?? "";
        return found;
    }
}
