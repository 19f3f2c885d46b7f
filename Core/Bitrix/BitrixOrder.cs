namespace BitrixRetailCrm.Bitrix;

/// <summary>The parts of a <c>sale.order.get</c> <c>result.order</c> that the integration uses.</summary>
public sealed record BitrixOrder(
    string Id,
    string AccountNumber,
    string SiteId,
    string? PersonTypeId,
    string? UserId,
    string StatusId,
    bool Canceled,
    string? ReasonCanceled,
    bool Paid,
    decimal Price,
    string? Currency,
    DateTimeOffset? DateInsert,
    DateTimeOffset? DateUpdate,
    string? UserDescription,
    string? Comments,
    string? XmlId,
    IReadOnlyList<BitrixBasketItem> BasketItems,
    IReadOnlyList<BitrixPropertyValue> PropertyValues,
    IReadOnlyList<BitrixPayment> Payments,
    IReadOnlyList<BitrixShipment> Shipments)
{
    /// <summary>
    /// Value of the order property with this code, or null when it is absent or empty.
    /// Codes are compared case-insensitively because stores type them by hand in the admin panel.
    /// </summary>
    public string? Property(string code) =>
        PropertyValues.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase))?.Value;
}

/// <param name="Price">Unit price after discounts.</param>
/// <param name="BasePrice">Unit price before discounts (Bitrix: basePrice = price + discountPrice).</param>
/// <param name="VatRate">A fraction, e.g. 0.2 for 20 %; null when the item carries no VAT.</param>
public sealed record BitrixBasketItem(
    string Id,
    string ProductId,
    string? ProductXmlId,
    string? XmlId,
    string Name,
    decimal Quantity,
    decimal Price,
    decimal BasePrice,
    decimal DiscountPrice,
    decimal? VatRate,
    string? MeasureName);

public sealed record BitrixPropertyValue(string Code, string? Name, string? Value);

public sealed record BitrixPayment(string Id, string PaySystemId, bool Paid, decimal Sum, DateTimeOffset? DatePaid);

/// <param name="System">Bitrix's internal shipment that holds unshipped items; it is not a real delivery.</param>
/// <param name="StoreId">The store the shipment leaves from or is picked up at (D7 Shipment::getStoreId); absent on many installs.</param>
public sealed record BitrixShipment(string Id, string? DeliveryId, string? DeliveryName, decimal PriceDelivery, bool System,
    string? StoreId = null);
