namespace BitrixRetailCrm.Mapping;

/// <summary>A mapping dictionary; its key names the Table Storage partition and the section of default-mappings.json.</summary>
public enum MappingKind
{
    /// <summary>Order statusId (plus the pseudo code "canceled") → RetailCRM order status.</summary>
    Status,
    /// <summary>Delivery service id → RetailCRM delivery type.</summary>
    Delivery,
    /// <summary>Pay system id → RetailCRM payment type.</summary>
    Payment,
    /// <summary>Payment paid flag Y/N → RetailCRM payment status.</summary>
    PaymentStatus,
    /// <summary>Site id (lid) → RetailCRM store code.</summary>
    Site,
    /// <summary>
    /// Reverse direction: RetailCRM status code → Bitrix statusId. The entry's BitrixCode (the row key) holds the CRM
    /// code and CrmCode the Bitrix status, because the row key must be the code being looked up; several CRM codes may
    /// share one Bitrix status. Read it through StatusSync.ReverseStatusMap rather than directly.
    /// </summary>
    StatusFromCrm,
    /// <summary>
    /// Reverse direction: RetailCRM status codes whose value "Y" sets the Bitrix canceled flag; every other code clears
    /// it, since Bitrix cancellation is a flag beside statusId (bitrix-api.md §2.5). Row key = CRM code, as above.
    /// </summary>
    CancelFromCrm,
    /// <summary>
    /// Optional: Bitrix warehouse id (catalog.store.list) → RetailCRM store code (reference/stores), sent as the order's
    /// shipmentStore: the store its basket lines are reserved at (the largest reserved quantity when they differ).
    /// </summary>
    Warehouse,
    /// <summary>Optional: Bitrix payer type (personTypeId) → RetailCRM order type, as the official module's order_types_arr.</summary>
    OrderType,
    /// <summary>
    /// Optional: Bitrix order property CODE → a RetailCRM order field (<see cref="OrderPropertyTargets"/>) or
    /// <c>customFields.&lt;code&gt;</c>; <see cref="OrderPropertyTargets.Skip"/> leaves a property out on purpose.
    /// </summary>
    OrderProperty,
    /// <summary>Bitrix price type (catalog group id) → RetailCRM price type code; for the catalogue upload.</summary>
    PriceType,
}

public static class MappingKindExtensions
{
    // Persisted as partition keys: renaming an enum member must not change these.
    private static readonly IReadOnlyDictionary<MappingKind, string> Keys = new Dictionary<MappingKind, string>
    {
        [MappingKind.Status] = "status",
        [MappingKind.Delivery] = "delivery",
        [MappingKind.Payment] = "payment",
        [MappingKind.PaymentStatus] = "paymentStatus",
        [MappingKind.Site] = "site",
        [MappingKind.StatusFromCrm] = "statusFromCrm",
        [MappingKind.CancelFromCrm] = "cancelFromCrm",
        [MappingKind.Warehouse] = "warehouse",
        [MappingKind.OrderType] = "orderType",
        [MappingKind.OrderProperty] = "orderProperty",
        [MappingKind.PriceType] = "priceType",
    };

    public static string ToKey(this MappingKind kind) =>
        Keys.TryGetValue(kind, out var key) ? key : throw new ArgumentOutOfRangeException(nameof(kind), kind, null);

    public static bool TryParse(string key, out MappingKind kind)
    {
        foreach (var (candidate, candidateKey) in Keys)
        {
            if (candidateKey != key) continue;
            kind = candidate;
            return true;
        }
        kind = default;
        return false;
    }

    public static MappingKind Parse(string key) =>
        TryParse(key, out var kind) ? kind : throw new FormatException($"Unknown mapping kind '{key}'");
}
