using System.Globalization;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>How <see cref="SampleOrders.Create"/> varies an order.</summary>
/// <param name="StringIds">
/// false = the documented mix (order.id, productId, payment and shipment ids numbers; basketItems id/orderId strings);
/// true = every id a string, as older Bitrix versions answer.
/// </param>
/// <param name="Buyer">Whose order it is (userId and the contact properties); null = one of three fixed buyers, by id.</param>
public sealed record SampleOrderOptions(
    int ItemCount = 2,
    bool WithEmail = true,
    bool WithShipment = true,
    bool StringIds = false,
    string StatusId = "N",
    bool Canceled = false,
    bool Paid = false,
    int? DeliveryId = null,
    int? PaySystemId = null,
    SampleBuyer? Buyer = null);

/// <summary>Realistic orders in the exact sale.order.get shape, built deterministically from the order id.</summary>
public static class SampleOrders
{
    private sealed record Product(int Id, string XmlId, string Name, decimal BasePrice, int Weight);

    private static readonly Product[] Products =
    [
        new(348, "bx-ch-3a011", "Чайник электрический Bosch TWK 3A011", 2490m, 1300),
        new(352, "bx-vt-7124", "Кофемолка Vitek VT-7124", 1790m, 900),
        new(361, "bx-tr-knives", "Набор кухонных ножей Tramontina «Шеф»", 3150m, 1100),
        new(377, "bx-tf-26", "Сковорода Tefal Excellence 26 см", 2890m, 1400),
        new(389, "bx-pled-150", "Плед флисовый 150×200, серый", 990m, 700),
        new(402, "bx-kr-mug", "Кружка керамическая «Утро», 350 мл", 450m, 350),
    ];

    private static readonly SampleBuyer[] Buyers =
    [
        new(57, "Иванова Мария Сергеевна", "m.ivanova@example.ru", "+7 (912) 345-67-89", "г. Москва, ул. Тверская, д. 7, кв. 12", "125009"),
        new(64, "Петров Алексей Дмитриевич", "a.petrov@example.ru", "+7 (921) 555-12-34", "г. Санкт-Петербург, Невский пр-т, д. 28, кв. 5", "191186"),
        new(71, "Смирнова Ольга Игоревна", "olga.smirnova@example.ru", "+7 (903) 210-44-06", "г. Казань, ул. Баумана, д. 15, кв. 3", "420111"),
    ];

    private static readonly DateTimeOffset Epoch = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(3));

    public static JsonObject Create(int id, SampleOrderOptions? options = null)
    {
        SampleOrderOptions o = options ?? new SampleOrderOptions();
        SampleBuyer buyer = o.Buyer ?? Buyers[(id + 1) % Buyers.Length];
        BitrixDirectory.Delivery delivery = BitrixDirectory.Deliveries.First(d => d.Id == (o.DeliveryId ?? 1 + id % 3));
        BitrixDirectory.PaySystem paySystem = BitrixDirectory.PaySystems.First(p => p.Id == (o.PaySystemId ?? 1 + (id + 1) % 3));
        DateTimeOffset inserted = Epoch.AddHours(id % 1000);
        string insertedAt = BitrixFormat.Date(inserted);
        string updatedAt = BitrixFormat.Date(inserted.AddMinutes(5));
        Func<long, JsonNode> idNode = value => o.StringIds ? value.ToString(CultureInfo.InvariantCulture) : value;
        JsonArray basket = BasketItems(id, o, inserted, idNode);
        decimal goods = basket.Sum(i => JsonValues.AsDecimal(i!["price"])!.Value * JsonValues.AsDecimal(i["quantity"])!.Value);
        decimal deliveryPrice = o.WithShipment ? delivery.Price : 0;
        decimal total = goods + deliveryPrice;

        JsonObject order = new()
        {
            ["accountNumber"] = id.ToString(CultureInfo.InvariantCulture),
            ["additionalInfo"] = "",
            ["affiliateId"] = null,
            ["canceled"] = o.Canceled ? "Y" : "N",
            ["comments"] = "",
            ["companyId"] = null,
            ["currency"] = "RUB",
            ["dateCanceled"] = o.Canceled ? updatedAt : null,
            ["dateInsert"] = insertedAt,
            ["dateLock"] = null,
            ["dateMarked"] = null,
            ["dateStatus"] = insertedAt,
            ["dateUpdate"] = updatedAt,
            ["deducted"] = "N",
            ["discountValue"] = 0,
            ["empCanceledId"] = null,
            ["empMarkedId"] = null,
            ["empStatusId"] = null,
            ["externalOrder"] = "N",
            ["id"] = idNode(id),
            ["id1c"] = "",
            ["lid"] = "s1",
            ["lockedBy"] = "",
            ["marked"] = "N",
            ["orderTopic"] = "",
            ["payed"] = o.Paid ? "Y" : "N",
            ["personTypeId"] = idNode(1),
            ["personTypeXmlId"] = "",
            ["price"] = total,
            ["reasonCanceled"] = "",
            ["reasonMarked"] = "",
            ["recountFlag"] = "N",
            ["recurringId"] = "",
            ["responsibleId"] = null,
            ["statusId"] = o.StatusId,
            ["statusXmlId"] = "",
            ["taxValue"] = Math.Round(total * 20 / 120, 2),
            ["updated1c"] = "N",
            ["userDescription"] = id % 2 == 0 ? "Позвоните, пожалуйста, за час до доставки" : "",
            ["userId"] = idNode(buyer.UserId),
            ["version"] = 1,
            ["version1c"] = "",
            ["xmlId"] = $"bx_{id * 2654435761L % 0xFFFFFFFFFFFL:x13}",
            ["basketItems"] = basket,
            ["propertyValues"] = PropertyValues(id, buyer, o, idNode),
            ["payments"] = new JsonArray(Payment(id, paySystem, total, o, insertedAt, idNode)),
            ["shipments"] = o.WithShipment ? new JsonArray(Shipment(id, delivery, basket, insertedAt, idNode)) : new JsonArray(),
        };
        return JsonValues.AsParsed(order);
    }

    private static JsonArray BasketItems(int orderId, SampleOrderOptions o, DateTimeOffset inserted, Func<long, JsonNode> idNode)
    {
        string insertedAt = BitrixFormat.Date(inserted);
        JsonArray items = [];
        for (int k = 0; k < o.ItemCount; k++)
        {
            Product product = Products[(orderId + k) % Products.Length];
            int quantity = 1 + (orderId + k) % 3;
            decimal discount = (orderId + k) % 2 == 0 ? 0 : Math.Round(product.BasePrice * 0.1m);
            int basketId = orderId * 100 + k + 1;
            items.Add(new JsonObject
            {
                ["barcodeMulti"] = "N",
                ["basePrice"] = product.BasePrice,
                ["canBuy"] = "Y",
                ["catalogXmlId"] = "clothes_catalog",
                ["currency"] = "RUB",
                ["customPrice"] = "N",
                ["dateInsert"] = insertedAt,
                ["dateUpdate"] = insertedAt,
                ["dimensions"] = "a:3:{s:5:\"WIDTH\";N;s:6:\"HEIGHT\";N;s:6:\"LENGTH\";N;}",
                ["discountPrice"] = discount,
                ["id"] = basketId.ToString(CultureInfo.InvariantCulture),
                ["lid"] = "s1",
                ["measureCode"] = 796,
                ["measureName"] = "шт",
                ["module"] = "catalog",
                ["name"] = product.Name,
                ["notes"] = "BASE",
                ["orderId"] = orderId.ToString(CultureInfo.InvariantCulture),
                ["price"] = product.BasePrice - discount,
                ["priceTypeId"] = 1,
                ["productId"] = o.StringIds ? product.Id.ToString(CultureInfo.InvariantCulture) : product.Id,
                ["productProviderClass"] = "\\Bitrix\\Catalog\\Product\\CatalogProvider",
                ["productXmlId"] = product.XmlId,
                ["properties"] = new JsonArray(
                    BasketProperty(basketId, "CATALOG.XML_ID", "Каталог", "clothes_catalog", 100),
                    BasketProperty(basketId, "PRODUCT.XML_ID", "Товар", product.XmlId, 100)),
                ["quantity"] = quantity,
                ["reservations"] = ReservingStore(orderId, k) is { } storeId
                    ? new JsonArray(Reservation(basketId, orderId * 100L + 70 + k, quantity, storeId, inserted, idNode))
                    : new JsonArray(),
                ["sort"] = 100 * (k + 1),
                ["type"] = null,
                ["vatIncluded"] = "Y",
                ["vatRate"] = 0.2,
                ["weight"] = product.Weight,
                ["xmlId"] = $"bx_{basketId:x8}",
            });
        }
        return items;
    }

    /// <summary>
    /// Where line <paramref name="line"/> is reserved: nowhere on every fourth order, at stores 1 and 2 by turns on the
    /// orders after those, at store 1 on the rest. Store 2 is not in the default catalog.store.list; tests add it.
    /// </summary>
    private static int? ReservingStore(int orderId, int line) => (orderId % 4) switch
    {
        0 => null,
        1 => line % 2 == 0 ? 1 : 2,
        _ => 1,
    };

    /// <summary>
    /// A line's reservation in the shape of https://apidocs.bitrix24.com/api-reference/sale/order/sale-order-get.html,
    /// the documented place of the warehouse (shipments carry none), held for three days.
    /// </summary>
    private static JsonObject Reservation(int basketId, long id, int quantity, int storeId, DateTimeOffset inserted, Func<long, JsonNode> idNode) => new()
    {
        ["basketId"] = idNode(basketId),
        ["dateReserve"] = BitrixFormat.Date(inserted),
        ["dateReserveEnd"] = BitrixFormat.Date(inserted.AddDays(3)),
        ["id"] = idNode(id),
        ["quantity"] = quantity,
        ["reservedBy"] = null,
        ["storeId"] = idNode(storeId),
    };

    private static JsonObject BasketProperty(int basketId, string code, string name, string value, int sort) => new()
    {
        ["basketId"] = basketId.ToString(CultureInfo.InvariantCulture),
        ["code"] = code,
        ["id"] = (basketId * 10 + (code.StartsWith('C') ? 1 : 2)).ToString(CultureInfo.InvariantCulture),
        ["name"] = name,
        ["sort"] = sort,
        ["value"] = value,
        ["xmlId"] = null,
    };

    private static JsonArray PropertyValues(int orderId, SampleBuyer buyer, SampleOrderOptions o, Func<long, JsonNode> idNode)
    {
        (int PropsId, string Code, string Name, string Value)[] values =
        [
            (1, "FIO", "Ф.И.О.", buyer.Fio),
            (2, "EMAIL", "E-Mail", buyer.Email),
            (3, "PHONE", "Телефон", buyer.Phone),
            (4, "ZIP", "Индекс", buyer.Zip),
            (5, "ADDRESS", "Адрес доставки", buyer.Address),
        ];
        return [.. values
            .Where(v => o.WithEmail || v.Code != "EMAIL")
            .Select(v => new JsonObject
            {
                ["code"] = v.Code,
                ["id"] = idNode(orderId * 10L + v.PropsId),
                ["name"] = v.Name,
                ["orderPropsId"] = idNode(v.PropsId),
                ["orderPropsXmlId"] = $"bx_prop_{v.Code.ToLowerInvariant()}",
                ["value"] = v.Value,
            })];
    }

    private static JsonObject Payment(int orderId, BitrixDirectory.PaySystem paySystem, decimal sum, SampleOrderOptions o, string insertedAt,
        Func<long, JsonNode> idNode) => new()
    {
        ["accountNumber"] = $"{orderId}/1",
        ["currency"] = "RUB",
        ["datePaid"] = o.Paid ? insertedAt : null,
        ["id"] = idNode(orderId * 10L + 1),
        ["isReturn"] = "N",
        ["orderId"] = idNode(orderId),
        ["paid"] = o.Paid ? "Y" : "N",
        ["paySystemId"] = idNode(paySystem.Id),
        ["paySystemIsCash"] = paySystem.IsCash ? "Y" : "N",
        ["paySystemName"] = paySystem.Name,
        ["paySystemXmlId"] = $"bx_ps_{paySystem.Id}",
        ["sum"] = sum,
        ["xmlId"] = "",
    };

    private static JsonObject Shipment(int orderId, BitrixDirectory.Delivery delivery, JsonArray basket, string insertedAt, Func<long, JsonNode> idNode)
    {
        long shipmentId = orderId * 10L + 2;
        return new JsonObject
        {
            ["accountNumber"] = $"{orderId}/2",
            ["allowDelivery"] = "N",
            ["basePriceDelivery"] = delivery.Price,
            ["canceled"] = "N",
            ["customPriceDelivery"] = "N",
            ["dateInsert"] = insertedAt,
            ["deducted"] = "N",
            ["deliveryId"] = idNode(delivery.Id),
            ["deliveryName"] = delivery.Name,
            ["deliveryXmlId"] = $"bx_dlv_{delivery.Id}",
            ["id"] = idNode(shipmentId),
            ["orderId"] = idNode(orderId),
            ["priceDelivery"] = delivery.Price,
            ["shipmentItems"] = new JsonArray([.. basket.Select((item, k) => new JsonObject
            {
                ["basketId"] = idNode(long.Parse((string)item!["id"]!, CultureInfo.InvariantCulture)),
                ["id"] = idNode(orderId * 100L + 50 + k),
                ["orderDeliveryId"] = idNode(shipmentId),
                ["quantity"] = item["quantity"]!.DeepClone(),
                ["reservedQuantity"] = item["reservations"]!.AsArray().Sum(r => JsonValues.AsDecimal(r!["quantity"])!.Value),
                ["xmlId"] = "",
            })]),
            ["statusId"] = "DN",
            ["statusXmlId"] = "",
            ["system"] = "N",
            ["trackingNumber"] = "",
        };
    }
}
