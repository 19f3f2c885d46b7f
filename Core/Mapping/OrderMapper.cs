using System.Globalization;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.RetailCrm;

namespace BitrixRetailCrm.Mapping;

/// <param name="Site">RetailCRM store code; sent as the <c>site</c> form field next to the order.</param>
/// <param name="Customer">Null when the Bitrix order has no user to key a customer by.</param>
public sealed record MappedOrder(string Site, CrmOrder Order, CrmCustomer? Customer);

/// <summary>Builds the RetailCRM order the way the official module does (bitrix-api.md §6.2).</summary>
public static class OrderMapper
{
    /// <summary>
    /// Status-map key for orders with canceled=Y: Bitrix cancellation is a flag beside statusId, not a status.
    /// Without this key the order's statusId is mapped as usual.
    /// </summary>
    public const string CanceledStatusCode = "canceled";

    /// <summary>Code of the item external id that carries the Bitrix basket line id.</summary>
    public const string BasketExternalIdCode = "bitrix";

    private const string CrmDateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    public static MappedOrder Map(BitrixOrder order, MappingSet mappings, OrderMappingOptions options)
    {
        var person = Person.Of(order);
        var crmOrder = new CrmOrder
        {
            ExternalId = order.Id,
            Number = options.NumberTemplate.Replace("{accountNumber}", order.AccountNumber).Replace("{id}", order.Id),
            Status = Status(order, mappings),
            StatusComment = order.Canceled ? order.ReasonCanceled : null,
            OrderType = options.OrderType,
            CreatedAt = CrmDateTime(order.DateInsert, options),
            FirstName = person.FirstName,
            LastName = person.LastName,
            Patronymic = person.Patronymic,
            Email = person.Email,
            Phone = person.Phone,
            Customer = order.UserId is { } userId ? new CrmCustomerRef(userId) : null,
            CustomerComment = order.UserDescription,
            ManagerComment = order.Comments,
            Items = order.BasketItems.Select(Item).ToList(),
            Delivery = Delivery(order, mappings),
            Payments = order.Payments.Select(p => Payment(p, mappings, options)).ToList(),
        };
        return new MappedOrder(mappings.Map(MappingKind.Site, order.SiteId), crmOrder, Customer(order, person));
    }

    private static string Status(BitrixOrder order, MappingSet mappings) =>
        order.Canceled && mappings.TryMap(MappingKind.Status, CanceledStatusCode, out var canceled)
            ? canceled
            : mappings.Map(MappingKind.Status, order.StatusId);

    private static CrmOrderItem Item(BitrixBasketItem item) => new(
        Offer: new CrmOffer(item.ProductId, item.ProductXmlId),
        ProductName: item.Name,
        Quantity: item.Quantity,
        InitialPrice: item.BasePrice,
        // A price above the base price (a manual markup) is not a discount; RetailCRM rejects negative ones.
        DiscountManualAmount: Math.Max(0m, Math.Round(item.BasePrice - item.Price, 2, MidpointRounding.AwayFromZero)),
        VatRate: item.VatRate is { } rate ? (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) : null,
        ExternalIds: [new CrmExternalId(BasketExternalIdCode, item.Id)]);

    private static CrmDelivery? Delivery(BitrixOrder order, MappingSet mappings) =>
        order.Shipments.FirstOrDefault(s => !s.System && s.DeliveryId is not null) is { DeliveryId: { } deliveryId } shipment
            ? new CrmDelivery(mappings.Map(MappingKind.Delivery, deliveryId), shipment.PriceDelivery, Address(order))
            : null;

    private static CrmPayment Payment(BitrixPayment payment, MappingSet mappings, OrderMappingOptions options) => new(
        ExternalId: payment.Id,
        Type: mappings.Map(MappingKind.Payment, payment.PaySystemId),
        Status: mappings.Map(MappingKind.PaymentStatus, payment.Paid ? "Y" : "N"),
        Amount: payment.Sum,
        PaidAt: payment.Paid ? CrmDateTime(payment.DatePaid, options) : null);

    private static CrmCustomer? Customer(BitrixOrder order, Person person) => order.UserId is { } userId
        ? new CrmCustomer
        {
            ExternalId = userId,
            FirstName = person.FirstName,
            LastName = person.LastName,
            Patronymic = person.Patronymic,
            Email = person.Email,
            Phones = person.Phone is { } phone ? [new CrmPhone(phone)] : [],
            Address = Address(order),
        }
        : null;

    private static CrmAddress? Address(BitrixOrder order)
    {
        var parts = new[] { "ZIP", "CITY", "ADDRESS" }.Select(order.Property).OfType<string>().ToList();
        return parts.Count > 0 ? new CrmAddress(string.Join(", ", parts)) : null;
    }

    private static string? CrmDateTime(DateTimeOffset? moment, OrderMappingOptions options) => moment is { } value
        ? TimeZoneInfo.ConvertTime(value, options.CrmTimeZone).ToString(CrmDateTimeFormat, CultureInfo.InvariantCulture)
        : null;

    /// <summary>The buyer's contact data from the order properties.</summary>
    private sealed record Person(string? FirstName, string? LastName, string? Patronymic, string? Email, string? Phone)
    {
        public static Person Of(BitrixOrder order)
        {
            var fio = Fio.Split(order.Property("FIO"));
            return new Person(
                FirstName: order.Property("NAME") ?? fio.FirstName,
                LastName: order.Property("LAST_NAME") ?? fio.LastName,
                Patronymic: order.Property("SECOND_NAME") ?? fio.Patronymic,
                Email: order.Property("EMAIL")?.Trim() is { Length: > 0 } email ? email : null,
                Phone: order.Property("PHONE"));
        }
    }

    /// <summary>"Фамилия Имя Отчество", read as RCrmActions::explodeFio does: a single word is the first name.</summary>
    private sealed record Fio(string? LastName, string? FirstName, string? Patronymic)
    {
        public static Fio Split(string? fio) =>
            fio?.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) switch
            {
                [var first] => new Fio(null, first, null),
                [var last, var first] => new Fio(last, first, null),
                [var last, var first, var patronymic] => new Fio(last, first, patronymic),
                _ => new Fio(null, null, null),
            };
    }
}
