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

    /// <summary>
    /// Every code is looked up for the order's Bitrix site first (<see cref="MappingSet.SiteKey"/>), then plainly, so two
    /// storefronts can give one Bitrix code different meanings.
    /// </summary>
    public static MappedOrder Map(BitrixOrder order, MappingSet mappings, OrderMappingOptions options)
    {
        var properties = PropertyFields.Of(order, mappings);
        var person = Person.Of(order, properties);
        var crmOrder = new CrmOrder
        {
            ExternalId = order.Id,
            Number = options.NumberTemplate.Replace("{accountNumber}", order.AccountNumber).Replace("{id}", order.Id),
            Status = StatusOf(order.StatusId, order.Canceled, order.SiteId, mappings),
            StatusComment = order.Canceled ? order.ReasonCanceled : null,
            OrderType = OrderType(order, mappings) ?? options.OrderType,
            CreatedAt = CrmDateTime(order.DateInsert, options),
            FirstName = person.FirstName,
            LastName = person.LastName,
            Patronymic = person.Patronymic,
            Email = person.Email,
            Phone = person.Phone,
            Customer = order.UserId is { } userId ? new CrmCustomerRef(userId) : null,
            CustomerComment = properties.Field("customerComment") ?? order.UserDescription,
            ManagerComment = properties.Field("managerComment") ?? order.Comments,
            Items = order.BasketItems.Select(Item).ToList(),
            Delivery = Delivery(order, mappings),
            ShipmentStore = ShipmentStore(order, mappings),
            Payments = order.Payments.Select(p => Payment(p, order.SiteId, mappings, options)).ToList(),
            CustomFields = properties.CustomFields.Count > 0 ? properties.CustomFields : null,
        };
        return new MappedOrder(mappings.Map(MappingKind.Site, order.SiteId), crmOrder, Customer(order, person));
    }

    /// <summary>The RetailCRM status a Bitrix status (and cancel flag) is pushed as.</summary>
    public static string StatusOf(string statusId, bool canceled, string siteId, MappingSet mappings) =>
        canceled && mappings.TryMap(MappingKind.Status, CanceledStatusCode, siteId, out var canceledStatus)
            ? canceledStatus
            : mappings.Map(MappingKind.Status, statusId, siteId);

    private static string? OrderType(BitrixOrder order, MappingSet mappings) =>
        order.PersonTypeId is { } personType ? mappings.MapOptional(MappingKind.OrderType, personType, order.SiteId) : null;

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
            ? new CrmDelivery(mappings.Map(MappingKind.Delivery, deliveryId, order.SiteId), shipment.PriceDelivery, Address(order))
            : null;

    /// <summary>
    /// Bitrix keeps the warehouse per basket line, in its reservations; when lines are reserved at different stores the one
    /// holding the largest total quantity is the order's, ties going to the lowest store id so the choice never flips.
    /// </summary>
    private static string? ShipmentStore(BitrixOrder order, MappingSet mappings) =>
        order.Reservations
            .Where(r => r.StoreId is not (null or "0"))
            .GroupBy(r => r.StoreId!)
            .OrderByDescending(store => store.Sum(r => r.Quantity))
            .ThenBy(store => long.TryParse(store.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : long.MaxValue)
            .ThenBy(store => store.Key, StringComparer.Ordinal)
            .Select(store => mappings.MapOptional(MappingKind.Warehouse, store.Key, order.SiteId))
            .FirstOrDefault();

    private static CrmPayment Payment(BitrixPayment payment, string siteId, MappingSet mappings, OrderMappingOptions options) => new(
        ExternalId: payment.Id,
        Type: mappings.Map(MappingKind.Payment, payment.PaySystemId, siteId),
        Status: mappings.Map(MappingKind.PaymentStatus, payment.Paid ? "Y" : "N", siteId),
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

    /// <summary>The buyer's contact data: mapped properties first, then the built-in property codes.</summary>
    private sealed record Person(string? FirstName, string? LastName, string? Patronymic, string? Email, string? Phone)
    {
        public static Person Of(BitrixOrder order, PropertyFields mapped)
        {
            var fio = Fio.Split(order.Property("FIO"));
            return new Person(
                FirstName: mapped.Field("firstName") ?? order.Property("NAME") ?? fio.FirstName,
                LastName: mapped.Field("lastName") ?? order.Property("LAST_NAME") ?? fio.LastName,
                Patronymic: mapped.Field("patronymic") ?? order.Property("SECOND_NAME") ?? fio.Patronymic,
                Email: (mapped.Field("email") ?? order.Property("EMAIL"))?.Trim() is { Length: > 0 } email ? email : null,
                Phone: mapped.Field("phone") ?? order.Property("PHONE"));
        }
    }

    /// <summary>
    /// Property values routed by the orderProperty kind. A shop without rows keeps the built-in behaviour; once it has
    /// rows, a non-empty property that is neither mapped nor built in stops the order, like any unmapped code.
    /// </summary>
    private sealed record PropertyFields(IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string> CustomFields)
    {
        private static readonly PropertyFields None = new(new Dictionary<string, string>(), new Dictionary<string, string>());

        public string? Field(string name) => Fields.GetValueOrDefault(name);

        public static PropertyFields Of(BitrixOrder order, MappingSet mappings)
        {
            if (!mappings.Uses(MappingKind.OrderProperty)) return None;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var custom = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in order.PropertyValues.Where(p => p is { Code.Length: > 0, Value.Length: > 0 }))
            {
                if (!mappings.TryMap(MappingKind.OrderProperty, property.Code, order.SiteId, out var target))
                {
                    if (OrderPropertyTargets.BuiltInCodes.Contains(property.Code)) continue;
                    throw new UnmappedCodeException(MappingKind.OrderProperty, property.Code);
                }
                if (OrderPropertyTargets.CustomFieldCode(target) is { } code) custom[code] = property.Value!;
                else if (OrderPropertyTargets.OrderFields.Contains(target)) fields[target] = property.Value!;
                else if (target != OrderPropertyTargets.Skip)
                    throw new UnmappedCodeException(MappingKind.OrderProperty, property.Code,
                        $"its target \"{target}\" is neither an order field nor {OrderPropertyTargets.CustomFieldPrefix}<code>");
            }
            return new PropertyFields(fields, custom);
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
