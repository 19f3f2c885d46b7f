namespace BitrixRetailCrm.RetailCrm;

/// <summary>
/// Request body of <c>orders/create</c> and <c>orders/{externalId}/edit</c>. Only v5 fields: v5 dropped
/// <c>discount</c>, <c>discountPercent</c>, <c>paymentType</c> and <c>paymentStatus</c> (retailcrm-api.md §4).
/// Null members and empty lists are left out of the JSON, so an edit never clears what the shop did not send.
/// </summary>
public sealed record CrmOrder
{
    public required string ExternalId { get; init; }
    public string? Number { get; init; }
    public string? Status { get; init; }
    public string? StatusComment { get; init; }
    public string? OrderType { get; init; }

    /// <summary>"yyyy-MM-dd HH:mm:ss" in the account's time zone; RetailCRM date-times carry no offset.</summary>
    public string? CreatedAt { get; init; }

    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Patronymic { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public CrmCustomerRef? Customer { get; init; }
    public string? CustomerComment { get; init; }
    public string? ManagerComment { get; init; }
    public IReadOnlyList<CrmOrderItem> Items { get; init; } = [];
    public CrmDelivery? Delivery { get; init; }

    /// <summary>RetailCRM store code from the warehouse map.</summary>
    public string? ShipmentStore { get; init; }
    public IReadOnlyList<CrmPayment> Payments { get; init; } = [];

    /// <summary>Custom field code → value, in code order so the payload hash is stable; null or empty is left out.</summary>
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
}

public sealed record CrmCustomerRef(string ExternalId);

/// <param name="InitialPrice">Unit price before discounts.</param>
/// <param name="DiscountManualAmount">Discount per unit, not per line.</param>
/// <param name="VatRate">Percent as text ("20"), the form RetailCRM's reference uses.</param>
public sealed record CrmOrderItem(
    CrmOffer Offer,
    string ProductName,
    decimal Quantity,
    decimal InitialPrice,
    decimal DiscountManualAmount,
    string? VatRate,
    IReadOnlyList<CrmExternalId> ExternalIds);

/// <summary>Links the line to the ICML catalogue: <c>externalId</c> = offer@id, <c>xmlId</c> = &lt;xmlId&gt;.</summary>
public sealed record CrmOffer(string ExternalId, string? XmlId = null);

public sealed record CrmExternalId(string Code, string Value);

public sealed record CrmDelivery(string Code, decimal Cost, CrmAddress? Address = null);

public sealed record CrmAddress(string Text);

/// <param name="PaidAt">"yyyy-MM-dd HH:mm:ss" in the account's time zone.</param>
public sealed record CrmPayment(string ExternalId, string Type, string Status, decimal Amount, string? PaidAt = null);
