namespace BitrixRetailCrm.Mapping;

/// <summary>A Bitrix code with no RetailCRM counterpart; the message ends up in dead-letter records for an operator.</summary>
public sealed class UnmappedCodeException(MappingKind kind, string code)
    : Exception($"No {kind.ToKey()} mapping for Bitrix code '{code}'")
{
    public MappingKind Kind { get; } = kind;
    public string Code { get; } = code;
}
