using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Mapping.BitrixSamples;

namespace BitrixRetailCrm.Tests.Mapping;

public class OrderMapperTests
{
    [Test]
    public void Full_order_header_maps_field_by_field()
    {
        var mapped = Mapped(Full, new OrderMappingOptions { OrderType = "eshop-individual" });
        var order = mapped.Order;

        Assert.Multiple(() =>
        {
            Assert.That(mapped.Site, Is.EqualTo("shop"));
            Assert.That(order.ExternalId, Is.EqualTo("1045"));
            Assert.That(order.Number, Is.EqualTo("1045-24"));
            Assert.That(order.Status, Is.EqualTo("complete-payment"));
            Assert.That(order.StatusComment, Is.Null);
            Assert.That(order.OrderType, Is.EqualTo("eshop-individual"));
            Assert.That(order.CreatedAt, Is.EqualTo("2024-05-14 10:30:00"), "09:30+02:00 in Moscow time");
            Assert.That(order.LastName, Is.EqualTo("Иванова"));
            Assert.That(order.FirstName, Is.EqualTo("Мария"));
            Assert.That(order.Patronymic, Is.EqualTo("Сергеевна"));
            Assert.That(order.Email, Is.EqualTo("m.ivanova@example.ru"));
            Assert.That(order.Phone, Is.EqualTo("+7 (916) 123-45-67"));
            Assert.That(order.Customer, Is.EqualTo(new CrmCustomerRef("57")));
            Assert.That(order.CustomerComment, Is.EqualTo("Позвоните за час до доставки, домофон \"12К\" <не работает>"));
            Assert.That(order.ManagerComment, Is.EqualTo("Постоянный клиент, упаковать подарочно"));
        });
    }

    [Test]
    public void Full_order_items_map_field_by_field()
    {
        var items = Mapped(Full).Order.Items;

        Assert.That(items, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            AssertItem(items[0], new CrmOffer("812", "8f3a2b6c-1c77-11ee-9a0b-0050569c1d2e"),
                "Чайник электрический \"Смарт\" 1,7 л", quantity: 1m, initialPrice: 3490m, discount: 500m, vat: "20", basketId: "3101");
            AssertItem(items[1], new CrmOffer("905"),
                "Кружка керамическая «Утро», 350 мл", quantity: 3m, initialPrice: 349.5m, discount: 0m, vat: "10", basketId: "3102");
            AssertItem(items[2], new CrmOffer("1207", "1207"),
                "Набор чайных ложек & подставка, 6 шт.", quantity: 2m, initialPrice: 1000m, discount: 333.33m, vat: null, basketId: "3103");
        });
    }

    [Test]
    public void Full_order_delivery_maps_courier_with_composed_address()
    {
        var delivery = Mapped(Full).Order.Delivery;

        Assert.That(delivery, Is.EqualTo(new CrmDelivery("courier", 350m, new CrmAddress("101000, Москва, ул. Тверская, д. 7, кв. 12"))));
    }

    [Test]
    public void Full_order_payments_map_type_status_amount_and_paid_time()
    {
        var payments = Mapped(Full).Order.Payments;

        Assert.That(payments, Is.EqualTo(new[]
        {
            new CrmPayment("881", "bank-card", "paid", 4000m, "2024-05-14 10:35:10"),
            new CrmPayment("882", "cash", "not-paid", 1721.83m),
        }));
    }

    [Test]
    public void Full_order_customer_is_built_from_the_same_contact_data()
    {
        var customer = Mapped(Full).Customer!;

        Assert.Multiple(() =>
        {
            Assert.That(customer.ExternalId, Is.EqualTo("57"));
            Assert.That(customer.LastName, Is.EqualTo("Иванова"));
            Assert.That(customer.FirstName, Is.EqualTo("Мария"));
            Assert.That(customer.Patronymic, Is.EqualTo("Сергеевна"));
            Assert.That(customer.Email, Is.EqualTo("m.ivanova@example.ru"));
            Assert.That(customer.Phones, Is.EqualTo(new[] { new CrmPhone("+7 (916) 123-45-67") }));
            Assert.That(customer.Address, Is.EqualTo(new CrmAddress("101000, Москва, ул. Тверская, д. 7, кв. 12")));
        });
    }

    [Test]
    public void Canceled_order_maps_field_by_field()
    {
        var mapped = Mapped(Canceled);
        var order = mapped.Order;

        Assert.Multiple(() =>
        {
            Assert.That(mapped.Site, Is.EqualTo("shop"));
            Assert.That(order.ExternalId, Is.EqualTo("1052"));
            Assert.That(order.Number, Is.EqualTo("1052"));
            Assert.That(order.Status, Is.EqualTo("cancel-other"), "canceled=Y wins over statusId N");
            Assert.That(order.StatusComment, Is.EqualTo("Покупатель передумал: \"нашёл дешевле\""));
            Assert.That(order.CreatedAt, Is.EqualTo("2024-05-15 22:40:05"));
            Assert.That(order.LastName, Is.EqualTo("Смирнов"));
            Assert.That(order.FirstName, Is.EqualTo("Пётр"));
            Assert.That(order.Patronymic, Is.Null, "SECOND_NAME is empty");
            Assert.That(order.Email, Is.EqualTo("p.smirnov@example.com"));
            Assert.That(order.Phone, Is.EqualTo("89031234567"));
            Assert.That(order.Customer, Is.EqualTo(new CrmCustomerRef("204")));
            Assert.That(order.CustomerComment, Is.Null);
            Assert.That(order.ManagerComment, Is.Null);
            Assert.That(order.Payments, Is.Empty);
            Assert.That(order.Delivery, Is.EqualTo(new CrmDelivery("russian-post", 420m, new CrmAddress("Казань, ул. Баумана, д. 15"))));
            Assert.That(order.Items, Has.Count.EqualTo(1));
        });
        AssertItem(order.Items[0], new CrmOffer("1380", "b5c0e8d2-2a41-11ee-9a0b-0050569c1d2e"),
            "Пылесос робот X-200", quantity: 1m, initialPrice: 12490m, discount: 0m, vat: "20", basketId: "3150");
    }

    [Test]
    public void Order_without_shipment_or_email_maps_field_by_field()
    {
        var mapped = Mapped(NoShipmentNoEmail);
        var order = mapped.Order;

        Assert.Multiple(() =>
        {
            Assert.That(order.ExternalId, Is.EqualTo("1060"));
            Assert.That(order.Number, Is.EqualTo("1060"));
            Assert.That(order.Status, Is.EqualTo("new"));
            Assert.That(order.CreatedAt, Is.EqualTo("2024-05-17 09:05:59"), "06:05:59Z in Moscow time");
            Assert.That(order.LastName, Is.EqualTo("Кузнецов"), "two-word FIO is last name then first name");
            Assert.That(order.FirstName, Is.EqualTo("Алексей"));
            Assert.That(order.Patronymic, Is.Null);
            Assert.That(order.Email, Is.Null);
            Assert.That(order.Phone, Is.EqualTo("+79161112233"));
            Assert.That(order.CustomerComment, Is.EqualTo("Сертификат отправьте, пожалуйста, по SMS"));
            Assert.That(order.Delivery, Is.Null);
            Assert.That(order.Payments, Is.EqualTo(new[] { new CrmPayment("905", "bank-transfer", "not-paid", 2700m) }));
            Assert.That(mapped.Customer!.Email, Is.Null);
            Assert.That(mapped.Customer.Address, Is.Null);
            Assert.That(mapped.Customer.Phones, Is.EqualTo(new[] { new CrmPhone("+79161112233") }));
        });
        AssertItem(order.Items.Single(), new CrmOffer("1500", "cert-3000"),
            "Электронный подарочный сертификат на 3 000 ₽", quantity: 1m, initialPrice: 3000m, discount: 300m, vat: "0", basketId: "3177");
    }

    [TestCase("{accountNumber}", "1045-24")]
    [TestCase("BX-{id}", "BX-1045")]
    [TestCase("{id}/{accountNumber}", "1045/1045-24")]
    public void Number_follows_the_template(string template, string expected)
    {
        var order = Mapped(Full, new OrderMappingOptions { NumberTemplate = template }).Order;

        Assert.That(order.Number, Is.EqualTo(expected));
    }

    [Test]
    public void CreatedAt_is_local_time_of_the_configured_zone()
    {
        var options = new OrderMappingOptions { CrmTimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg") };

        Assert.That(Mapped(Full, options).Order.CreatedAt, Is.EqualTo("2024-05-14 12:30:00"));
    }

    [Test]
    public void Default_time_zone_is_Moscow()
    {
        Assert.That(new OrderMappingOptions().CrmTimeZone.GetUtcOffset(DateTimeOffset.UtcNow), Is.EqualTo(TimeSpan.FromHours(3)));
    }

    [Test]
    public void Order_without_date_has_no_createdAt()
    {
        Assert.That(MapInline().Order.CreatedAt, Is.Null);
    }

    [TestCase(1200, 1000, 200)]
    [TestCase(1000, 666.6667, 333.33)]
    [TestCase(100, 66.675, 33.33)]
    [TestCase(500, 500, 0)]
    public void Per_unit_discount_becomes_discountManualAmount(decimal basePrice, decimal price, decimal expected)
    {
        var item = MapItem(Item() with { BasePrice = basePrice, Price = price, Quantity = 3 });

        Assert.Multiple(() =>
        {
            Assert.That(item.InitialPrice, Is.EqualTo(basePrice));
            Assert.That(item.DiscountManualAmount, Is.EqualTo(expected), "per unit, not per line of 3");
        });
    }

    [Test]
    public void Price_above_base_price_is_no_discount()
    {
        Assert.That(MapItem(Item() with { BasePrice = 900, Price = 950 }).DiscountManualAmount, Is.Zero);
    }

    [TestCase(0.2, "20")]
    [TestCase(0.1, "10")]
    [TestCase(0.18, "18")]
    [TestCase(0.0, "0")]
    public void Vat_fraction_becomes_percent_text(decimal fraction, string expected)
    {
        Assert.That(MapItem(Item() with { VatRate = fraction }).VatRate, Is.EqualTo(expected));
    }

    [Test]
    public void Item_without_vat_sends_no_vatRate()
    {
        Assert.That(MapItem(Item() with { VatRate = null }).VatRate, Is.Null);
    }

    [Test]
    public void Empty_product_xml_id_is_left_out_of_the_offer()
    {
        var item = MapItem(Item() with { ProductXmlId = null });

        Assert.That(item.Offer, Is.EqualTo(new CrmOffer("348")));
    }

    [Test]
    public void Basket_id_is_the_bitrix_external_id_of_the_line()
    {
        Assert.That(MapItem(Item()).ExternalIds, Is.EqualTo(new[] { new CrmExternalId("bitrix", "255") }));
    }

    [Test]
    public void Canceled_without_canceled_key_maps_the_status_id()
    {
        var mappings = new MappingSet(Mappings.Entries.Where(e => e.BitrixCode != OrderMapper.CanceledStatusCode));
        var order = Order(Canceled);

        Assert.That(OrderMapper.Map(order, mappings, new OrderMappingOptions()).Order.Status, Is.EqualTo("new"));
    }

    [Test]
    public void Reason_is_not_sent_for_an_order_that_is_not_canceled()
    {
        var order = Order(Canceled) with { Canceled = false };

        var mapped = OrderMapper.Map(order, Mappings, new OrderMappingOptions()).Order;

        Assert.Multiple(() =>
        {
            Assert.That(mapped.Status, Is.EqualTo("new"));
            Assert.That(mapped.StatusComment, Is.Null);
        });
    }

    [Test]
    public void Delivery_comes_from_the_first_real_shipment()
    {
        var order = Order(Full) with
        {
            Shipments =
            [
                new BitrixShipment("1", "1", "Самовывоз", 0m, System: true),
                new BitrixShipment("2", null, null, 0m, System: false),
                new BitrixShipment("3", "3", "Почта России", 410m, System: false),
                new BitrixShipment("4", "2", "Доставка курьером", 350m, System: false),
            ],
        };

        var delivery = OrderMapper.Map(order, Mappings, new OrderMappingOptions()).Order.Delivery!;

        Assert.Multiple(() =>
        {
            Assert.That(delivery.Code, Is.EqualTo("russian-post"));
            Assert.That(delivery.Cost, Is.EqualTo(410m));
        });
    }

    [Test]
    public void Only_system_shipments_give_no_delivery()
    {
        var order = Order(Full) with { Shipments = [new BitrixShipment("1", "2", "Доставка курьером", 350m, System: true)] };

        Assert.That(OrderMapper.Map(order, Mappings, new OrderMappingOptions()).Order.Delivery, Is.Null);
    }

    [Test]
    public void Delivery_without_address_properties_has_no_address()
    {
        var mapped = MapInline("""
            "shipments":[{"id":1,"deliveryId":"1","priceDelivery":0}]
            """);

        Assert.That(mapped.Order.Delivery, Is.EqualTo(new CrmDelivery("self-delivery", 0m)));
    }

    [Test]
    public void Warehouse_comes_from_the_store_with_the_most_reserved_quantity()
    {
        var store = ShipmentStoreOf("""
            {"id":1,"productId":8,"quantity":3,"price":10,"reservations":[{"storeId":1,"quantity":1},{"storeId":2,"quantity":2}]},
            {"id":2,"productId":9,"quantity":2,"price":10,"reservations":[{"storeId":"1","quantity":"1"}]},
            {"id":3,"productId":7,"quantity":1,"price":10,"reservations":[{"storeId":2,"quantity":1}]}
            """);

        Assert.That(store, Is.EqualTo("north"), "store 2 holds 3 of the order's 6 pieces, store 1 holds 2");
    }

    [Test]
    public void Warehouse_ties_go_to_the_lowest_store_id()
    {
        var store = ShipmentStoreOf("""
            {"id":1,"productId":8,"quantity":2,"price":10,"reservations":[{"storeId":10,"quantity":2}]},
            {"id":2,"productId":9,"quantity":2,"price":10,"reservations":[{"storeId":9,"quantity":2}]}
            """);

        Assert.That(store, Is.EqualTo("south"), "9 is lower than 10 as a number, not as text");
    }

    [TestCase("")]
    [TestCase(""","reservations":[]""")]
    [TestCase(""","reservations":[{"storeId":0,"quantity":1}]""")]
    public void Without_reservations_there_is_no_warehouse_even_when_a_shipment_names_a_store(string reservations)
    {
        // shipments[].storeId is not in the documented sale.order.get shape; reservations are.
        var mapped = OrderMapper.Map(Inline($$"""
            "basketItems":[{"id":1,"productId":8,"quantity":1,"price":10{{reservations}}}],
            "shipments":[{"id":1,"deliveryId":"1","priceDelivery":0,"storeId":1}]
            """), WithWarehouses, new OrderMappingOptions());

        Assert.That(mapped.Order.ShipmentStore, Is.Null);
    }

    [Test]
    public void Order_without_user_has_no_customer()
    {
        var mapped = OrderMapper.Map(Order(Full) with { UserId = null }, Mappings, new OrderMappingOptions());

        Assert.Multiple(() =>
        {
            Assert.That(mapped.Customer, Is.Null);
            Assert.That(mapped.Order.Customer, Is.Null);
            Assert.That(mapped.Order.LastName, Is.EqualTo("Иванова"), "contact data still goes on the order");
        });
    }

    [TestCase("Иванова Мария Сергеевна", "Иванова", "Мария", "Сергеевна")]
    [TestCase("  Иванова   Мария  Сергеевна ", "Иванова", "Мария", "Сергеевна")]
    [TestCase("Оглы Мамед Ахмед оглы", "Оглы", "Мамед", "Ахмед оглы")]
    [TestCase("Кузнецов Алексей", "Кузнецов", "Алексей", null)]
    [TestCase("Алексей", null, "Алексей", null)]
    [TestCase("   ", null, null, null)]
    public void FIO_is_split_last_first_patronymic(string fio, string? last, string? first, string? patronymic)
    {
        var order = MapInline($$"""
            "propertyValues":[{"code":"FIO","value":"{{fio}}"}]
            """).Order;

        Assert.Multiple(() =>
        {
            Assert.That(order.LastName, Is.EqualTo(last));
            Assert.That(order.FirstName, Is.EqualTo(first));
            Assert.That(order.Patronymic, Is.EqualTo(patronymic));
        });
    }

    [Test]
    public void Separate_name_properties_take_precedence_over_FIO()
    {
        var order = MapInline("""
            "propertyValues":[{"code":"FIO","value":"Иванова Мария Сергеевна"},{"code":"NAME","value":"Маша"}]
            """).Order;

        Assert.Multiple(() =>
        {
            Assert.That(order.FirstName, Is.EqualTo("Маша"));
            Assert.That(order.LastName, Is.EqualTo("Иванова"));
        });
    }

    [TestCase("""{"id":1,"lid":"s9","statusId":"N"}""", MappingKind.Site, "s9")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"X"}""", MappingKind.Status, "X")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","shipments":[{"id":1,"deliveryId":7}]}""", MappingKind.Delivery, "7")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","payments":[{"id":1,"paySystemId":48,"sum":1}]}""", MappingKind.Payment, "48")]
    public void Unmapped_code_is_named(string json, MappingKind kind, string code)
    {
        var order = BitrixOrderParser.Parse(Json(json));

        var error = Assert.Throws<UnmappedCodeException>(() => OrderMapper.Map(order, Mappings, new OrderMappingOptions()))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(kind));
            Assert.That(error.Code, Is.EqualTo(code));
            Assert.That(error.Message, Is.EqualTo($"No {kind.ToKey()} mapping for Bitrix code '{code}'"));
        });
    }

    [Test]
    public void Unmapped_payment_status_is_named()
    {
        var mappings = new MappingSet(Mappings.Entries.Where(e => e is not { Kind: MappingKind.PaymentStatus, BitrixCode: "Y" }));

        var error = Assert.Throws<UnmappedCodeException>(() => OrderMapper.Map(Order(Full), mappings, new OrderMappingOptions()))!;

        Assert.That(error.Message, Is.EqualTo("No paymentStatus mapping for Bitrix code 'Y'"));
    }

    private static void AssertItem(CrmOrderItem item, CrmOffer offer, string name, decimal quantity, decimal initialPrice,
        decimal discount, string? vat, string basketId) => Assert.Multiple(() =>
    {
        Assert.That(item.Offer, Is.EqualTo(offer), $"{name}: offer");
        Assert.That(item.ProductName, Is.EqualTo(name));
        Assert.That(item.Quantity, Is.EqualTo(quantity), $"{name}: quantity");
        Assert.That(item.InitialPrice, Is.EqualTo(initialPrice), $"{name}: initialPrice");
        Assert.That(item.DiscountManualAmount, Is.EqualTo(discount), $"{name}: discountManualAmount");
        Assert.That(item.VatRate, Is.EqualTo(vat), $"{name}: vatRate");
        Assert.That(item.ExternalIds, Is.EqualTo(new[] { new CrmExternalId("bitrix", basketId) }), $"{name}: externalIds");
    });

    private static BitrixBasketItem Item() => Order(DocsSample).BasketItems.Single();

    private static CrmOrderItem MapItem(BitrixBasketItem item) =>
        OrderMapper.Map(Inline() with { BasketItems = [item] }, Mappings, new OrderMappingOptions()).Order.Items.Single();

    private static MappedOrder MapInline(string fields = "") => OrderMapper.Map(Inline(fields), Mappings, new OrderMappingOptions());

    private static readonly MappingSet WithWarehouses = new(DefaultMappings.Load().Concat(
    [
        new MappingEntry(MappingKind.Warehouse, "1", "main"),
        new MappingEntry(MappingKind.Warehouse, "2", "north"),
        new MappingEntry(MappingKind.Warehouse, "9", "south"),
        new MappingEntry(MappingKind.Warehouse, "10", "east"),
    ]));

    /// <summary>The RetailCRM shipmentStore of an order with these basket lines (JSON objects, comma-separated).</summary>
    private static string? ShipmentStoreOf(string basketItems) =>
        OrderMapper.Map(Inline($"\"basketItems\":[{basketItems}]"), WithWarehouses, new OrderMappingOptions()).Order.ShipmentStore;
}
