using System.Text.Json;

namespace BitrixRetailCrm.Bitrix;

/// <summary>A <c>sale.order.get</c> payload that cannot be turned into a <see cref="BitrixOrder"/>.</summary>
public sealed class BitrixPayloadException(string field, string message) : Exception(message)
{
    /// <summary>Path of the offending field, e.g. <c>statusId</c> or <c>basketItems[1].price</c>.</summary>
    public string Field { get; } = field;
}

public static class BitrixOrderParser
{
    /// <summary>Parses a whole <c>sale.order.get</c> response body (<c>{"result":{"order":{…}}}</c>).</summary>
    public static BitrixOrder ParseResponse(JsonElement response) =>
        Parse(response.ValueKind == JsonValueKind.Object
              && response.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
              && result.TryGetProperty("order", out var order)
            ? order
            : throw new BitrixPayloadException("result.order", "Bitrix field 'result.order' is missing"));

    /// <summary>Parses <c>result.order</c> of a <c>sale.order.get</c> response.</summary>
    public static BitrixOrder Parse(JsonElement order)
    {
        var o = new BitrixJsonObject(order, "");
        var id = o.RequiredString("id");
        return new BitrixOrder(
            Id: id,
            // Without a configured numerator Bitrix's account number is the order id.
            AccountNumber: o.String("accountNumber") ?? id,
            SiteId: o.RequiredString("lid"),
            PersonTypeId: o.String("personTypeId"),
            UserId: o.String("userId"),
            StatusId: o.RequiredString("statusId"),
            Canceled: o.Flag("canceled"),
            ReasonCanceled: o.String("reasonCanceled"),
            Paid: o.Flag("payed"),
            Price: o.Decimal("price"),
            Currency: o.String("currency"),
            DateInsert: o.Date("dateInsert"),
            DateUpdate: o.Date("dateUpdate"),
            DateStatus: o.Date("dateStatus"),
            UserDescription: o.String("userDescription"),
            Comments: o.String("comments"),
            XmlId: o.String("xmlId"),
            BasketItems: o.List("basketItems", BasketItem),
            Reservations: [.. o.List("basketItems", item => item.List("reservations", Reservation)).SelectMany(r => r)],
            PropertyValues: o.List("propertyValues", PropertyValue),
            Payments: o.List("payments", Payment),
            Shipments: o.List("shipments", Shipment));
    }

    private static BitrixBasketItem BasketItem(BitrixJsonObject item)
    {
        var price = item.Decimal("price");
        var discount = item.Decimal("discountPrice");
        return new BitrixBasketItem(
            Id: item.RequiredString("id"),
            ProductId: item.RequiredString("productId"),
            ProductXmlId: item.String("productXmlId"),
            XmlId: item.String("xmlId"),
            Name: item.String("name") ?? "",
            Quantity: item.Decimal("quantity"),
            Price: price,
            BasePrice: item.OptionalDecimal("basePrice") ?? price + discount,
            DiscountPrice: discount,
            VatRate: item.OptionalDecimal("vatRate"),
            MeasureName: item.String("measureName"));
    }

    // storeId comes as a number in the docs' sample and as a string from older cores; String() reads both.
    private static BitrixReservation Reservation(BitrixJsonObject reservation) =>
        new(reservation.String("storeId"), reservation.Decimal("quantity"));

    private static BitrixPropertyValue PropertyValue(BitrixJsonObject property) =>
        new(property.String("code") ?? "", property.String("name"), property.String("value"));

    private static BitrixPayment Payment(BitrixJsonObject payment) =>
        new(payment.RequiredString("id"), payment.RequiredString("paySystemId"), payment.Flag("paid"),
            payment.Decimal("sum"), payment.Date("datePaid"));

    private static BitrixShipment Shipment(BitrixJsonObject shipment) =>
        new(shipment.RequiredString("id"), shipment.String("deliveryId"), shipment.String("deliveryName"),
            shipment.Decimal("priceDelivery"), shipment.Flag("system"));
}
