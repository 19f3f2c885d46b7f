namespace BitrixRetailCrm.Mapping;

public sealed record MappingEntry(MappingKind Kind, string BitrixCode, string CrmCode);
