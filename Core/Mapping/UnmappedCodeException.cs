namespace BitrixRetailCrm.Mapping;

/// <summary>A Bitrix code with no RetailCRM counterpart; the message ends up in dead-letter records for an operator.</summary>
/// <param name="problem">Why an existing row is unusable, appended to the message.</param>
public sealed class UnmappedCodeException(MappingKind kind, string code, string? problem = null)
    : Exception($"No {kind.ToKey()} mapping for Bitrix code '{code}'{(problem is null ? "" : $" ({problem})")}")
{
    public MappingKind Kind { get; } = kind;
    public string Code { get; } = code;
}
