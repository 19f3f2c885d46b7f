namespace BitrixRetailCrm.ReferenceData;

/// <summary>One code of a dictionary of either system, as the mapping tables refer to it.</summary>
public sealed record DictionaryItem(string Code, string Name, bool Active = true);

/// <summary>The RetailCRM dictionaries the mappings point at (GET reference/*, and custom-fields of entity order).</summary>
public sealed record RetailCrmDictionaries(
    IReadOnlyList<DictionaryItem> Statuses,
    IReadOnlyList<DictionaryItem> DeliveryTypes,
    IReadOnlyList<DictionaryItem> PaymentTypes,
    IReadOnlyList<DictionaryItem> PaymentStatuses,
    IReadOnlyList<DictionaryItem> Sites,
    IReadOnlyList<DictionaryItem> Stores,
    IReadOnlyList<DictionaryItem> OrderTypes,
    IReadOnlyList<DictionaryItem> OrderCustomFields,
    IReadOnlyList<DictionaryItem> PriceTypes);

/// <summary>
/// The Bitrix dictionaries the mappings are keyed by. <see cref="Sites"/> is null when no site list is configured:
/// Bitrix REST has no method listing the store's sites (LID), so the site side is then not checked.
/// </summary>
public sealed record BitrixDictionaries(
    IReadOnlyList<DictionaryItem> OrderStatuses,
    IReadOnlyList<DictionaryItem> Deliveries,
    IReadOnlyList<DictionaryItem> PaySystems,
    IReadOnlyList<DictionaryItem> Stores,
    IReadOnlyList<DictionaryItem>? Sites,
    IReadOnlyList<DictionaryItem> PersonTypes,
    IReadOnlyList<DictionaryItem> OrderProperties,
    IReadOnlyList<DictionaryItem> PriceTypes);

/// <summary>Settings of the reference-data check (section "ReferenceData").</summary>
public sealed class ReferenceDataOptions
{
    public const string Section = "ReferenceData";

    /// <summary>
    /// The Bitrix site ids (LID) orders come from, comma-separated (e.g. "s1,s2"). Bitrix REST cannot list them;
    /// when empty, `validate` checks only the RetailCRM side of the site mapping.
    /// </summary>
    public string? BitrixSites { get; set; }

    public IReadOnlyList<string> BitrixSiteList =>
        (BitrixSites ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
