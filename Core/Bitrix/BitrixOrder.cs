namespace BitrixRetailCrm.Bitrix;

/// <summary>The parts of a <c>sale.order.get</c> <c>result.order</c> that the integration uses.</summary>
/// <param name="Reservations">Every basket line's <c>reservations[]</c>, in line order.</param>
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
    DateTimeOffset? DateStatus,
    string? UserDescription,
    string? Comments,
    string? XmlId,
    IReadOnlyList<BitrixBasketItem> BasketItems,
    IReadOnlyList<BitrixReservation> Reservations,
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

/// <summary>
/// Part of a basket line held at a warehouse: <c>basketItems[].reservations[]</c> of <c>sale.order.get</c>
/// (https://apidocs.bitrix24.com/api-reference/sale/order/sale-order-get.html), the documented place of an order's store.
/// </summary>
/// <param name="StoreId">catalog.store.list id; null when absent or empty.</param>
public sealed record BitrixReservation(string? StoreId, decimal Quantity);

public sealed record BitrixPropertyValue(string Code, string? Name, string? Value);

public sealed record BitrixPayment(string Id, string PaySystemId, bool Paid, decimal Sum, DateTimeOffset? DatePaid);

/// <param name="System">Bitrix's internal shipment that holds unshipped items; it is not a real delivery.</param>
public sealed record BitrixShipment(string Id, string? DeliveryId, string? DeliveryName, decimal PriceDelivery, bool System);
