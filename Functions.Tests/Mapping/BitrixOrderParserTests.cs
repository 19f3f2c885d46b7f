using BitrixRetailCrm.Bitrix;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Mapping.BitrixSamples;

namespace BitrixRetailCrm.Tests.Mapping;

public class BitrixOrderParserTests
{
    [Test]
    public void Docs_sample_parses_with_mixed_id_types_as_strings()
    {
        var order = Order(DocsSample);

        Assert.Multiple(() =>
        {
            Assert.That(order.Id, Is.EqualTo("236"));
            Assert.That(order.AccountNumber, Is.EqualTo("392"));
            Assert.That(order.SiteId, Is.EqualTo("s1"));
            Assert.That(order.PersonTypeId, Is.EqualTo("3"));
            Assert.That(order.UserId, Is.EqualTo("1"));
            Assert.That(order.StatusId, Is.EqualTo("N"));
            Assert.That(order.Canceled, Is.False);
            Assert.That(order.Paid, Is.False);
            Assert.That(order.Price, Is.EqualTo(1480m));
            Assert.That(order.Currency, Is.EqualTo("USD"));
            Assert.That(order.DateInsert, Is.EqualTo(new DateTimeOffset(2024, 2, 28, 17, 36, 55, TimeSpan.FromHours(2))));
            Assert.That(order.DateUpdate, Is.EqualTo(new DateTimeOffset(2024, 2, 28, 17, 37, 11, TimeSpan.FromHours(2))));
            Assert.That(order.XmlId, Is.EqualTo("bx_65df53063d56d"));
            Assert.That(order.BasketItems, Is.EqualTo(new[]
            {
                new BitrixBasketItem("255", "348", "1000000386", "bx_65df52a9ab47f", "Men's Fire T-Shirt",
                    1m, 980m, 980m, 0m, 0.2m, "pcs"),
            }));
            Assert.That(order.Payments, Is.EqualTo(new[] { new BitrixPayment("123", "48", false, 1480m, null) }));
            Assert.That(order.Reservations, Is.EqualTo(new[] { new BitrixReservation("1", 1m) }));
            Assert.That(order.Shipments, Is.EqualTo(new[] { new BitrixShipment("338", "1", "Courier Delivery", 500m, false) }));
            Assert.That(order.PropertyValues.Select(p => p.Code),
                Is.EqualTo(new[] { "FIO", "EMAIL", "PHONE", "CONTACT_ADDRESS", "ADDRESS" }));
        });
    }

    [Test]
    public void Empty_text_fields_read_as_null()
    {
        var order = Order(DocsSample);

        Assert.Multiple(() =>
        {
            Assert.That(order.Comments, Is.Null);
            Assert.That(order.UserDescription, Is.Null);
            Assert.That(order.ReasonCanceled, Is.Null);
            Assert.That(order.Property("CONTACT_ADDRESS"), Is.Null);
        });
    }

    [Test]
    public void Property_is_found_by_code_in_any_case()
    {
        var order = Order(DocsSample);

        Assert.Multiple(() =>
        {
            Assert.That(order.Property("EMAIL"), Is.EqualTo("email@mail.com"));
            Assert.That(order.Property("email"), Is.EqualTo("email@mail.com"));
            Assert.That(order.Property("NO_SUCH_CODE"), Is.Null);
        });
    }

    [Test]
    public void Escaped_quotes_ampersands_and_angle_brackets_are_unescaped()
    {
        var order = Order(Full);

        Assert.Multiple(() =>
        {
            Assert.That(order.BasketItems[0].Name, Is.EqualTo("Чайник электрический \"Смарт\" 1,7 л"));
            Assert.That(order.BasketItems[2].Name, Is.EqualTo("Набор чайных ложек & подставка, 6 шт."));
            Assert.That(order.UserDescription, Is.EqualTo("Позвоните за час до доставки, домофон \"12К\" <не работает>"));
        });
    }

    [Test]
    public void Unicode_escaped_cyrillic_is_decoded()
    {
        var order = Order(Canceled);

        Assert.Multiple(() =>
        {
            Assert.That(order.BasketItems[0].Name, Is.EqualTo("Пылесос робот X-200"));
            Assert.That(order.Property("NAME"), Is.EqualTo("Пётр"));
        });
    }

    [TestCase("\"id\":236")]
    [TestCase("\"id\":\"236\"")]
    public void Order_id_as_number_or_string_reads_the_same(string id)
    {
        var order = BitrixOrderParser.Parse(Json($$"""{{{id}},"lid":"s1","statusId":"N"}"""));

        Assert.That(order.Id, Is.EqualTo("236"));
    }

    [Test]
    public void Numbers_given_as_strings_parse_as_decimals()
    {
        var item = Inline("""
            "basketItems":[{"id":"7","productId":"8","quantity":"1.000","price":"349.50","basePrice":"400","discountPrice":"50.5","vatRate":"0.10"}]
            """).BasketItems.Single();

        Assert.That(item, Is.EqualTo(new BitrixBasketItem("7", "8", null, null, "", 1m, 349.5m, 400m, 50.5m, 0.1m, null)));
    }

    [Test]
    public void Reservations_of_every_line_are_read_whether_ids_are_numbers_or_strings_and_lists_empty_or_absent()
    {
        var order = Inline("""
            "basketItems":[
              {"id":1,"productId":8,"quantity":3,"reservations":[
                {"basketId":1,"dateReserve":"2026-03-02T09:00:00+03:00","dateReserveEnd":"2026-03-05T09:00:00+03:00","id":39,"quantity":2,"reservedBy":null,"storeId":1},
                {"basketId":"1","id":"40","quantity":"1","reservedBy":null,"storeId":"2"}]},
              {"id":2,"productId":9,"quantity":1,"reservations":[]},
              {"id":3,"productId":7,"quantity":1},
              {"id":4,"productId":6,"quantity":1,"reservations":{"41":{"id":41,"quantity":1,"storeId":null}}}]
            """);

        Assert.That(order.Reservations, Is.EqualTo(new[]
        {
            new BitrixReservation("1", 2m), new BitrixReservation("2", 1m), new BitrixReservation(null, 1m),
        }));
    }

    [Test]
    public void Missing_base_price_is_price_plus_discount()
    {
        var item = Inline("""
            "basketItems":[{"id":7,"productId":8,"quantity":1,"price":900,"discountPrice":100}]
            """).BasketItems.Single();

        Assert.That(item.BasePrice, Is.EqualTo(1000m));
    }

    [TestCase("\"Y\"", true)]
    [TestCase("\"N\"", false)]
    [TestCase("true", true)]
    [TestCase("false", false)]
    [TestCase("null", false)]
    public void Flags_read_Y_N_and_booleans(string flag, bool expected)
    {
        var order = Inline($$"""
            "canceled":{{flag}},"payed":{{flag}},
            "payments":[{"id":1,"paySystemId":2,"paid":{{flag}},"sum":10}],
            "shipments":[{"id":3,"deliveryId":4,"priceDelivery":0,"system":{{flag}}}]
            """);

        Assert.Multiple(() =>
        {
            Assert.That(order.Canceled, Is.EqualTo(expected));
            Assert.That(order.Paid, Is.EqualTo(expected));
            Assert.That(order.Payments.Single().Paid, Is.EqualTo(expected));
            Assert.That(order.Shipments.Single().System, Is.EqualTo(expected));
        });
    }

    [TestCase("[]")]
    [TestCase("{}")]
    [TestCase("null")]
    public void Empty_collections_as_array_object_or_null_read_as_empty(string empty)
    {
        var order = Inline($$"""
            "basketItems":{{empty}},"propertyValues":{{empty}},"payments":{{empty}},"shipments":{{empty}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(order.BasketItems, Is.Empty);
            Assert.That(order.PropertyValues, Is.Empty);
            Assert.That(order.Payments, Is.Empty);
            Assert.That(order.Shipments, Is.Empty);
        });
    }

    [Test]
    public void Collections_keyed_by_id_read_in_document_order()
    {
        var order = Inline("""
            "payments":{"882":{"id":"882","paySystemId":1,"sum":5},"881":{"id":881,"paySystemId":2,"sum":7}}
            """);

        Assert.That(order.Payments.Select(p => p.Id), Is.EqualTo(new[] { "882", "881" }));
    }

    [Test]
    public void Missing_optional_fields_read_as_null_or_zero()
    {
        var order = Inline();

        Assert.Multiple(() =>
        {
            Assert.That(order.AccountNumber, Is.EqualTo("1"), "falls back to the id, as Bitrix does without a numerator");
            Assert.That(order.UserId, Is.Null);
            Assert.That(order.PersonTypeId, Is.Null);
            Assert.That(order.DateInsert, Is.Null);
            Assert.That(order.DateUpdate, Is.Null);
            Assert.That(order.Price, Is.Zero);
            Assert.That(order.Canceled, Is.False);
            Assert.That(order.BasketItems, Is.Empty);
        });
    }

    [Test]
    public void Numeric_and_multiple_property_values_read_as_text()
    {
        var order = Inline("""
            "propertyValues":[{"code":"ZIP","value":101000},{"code":"COLORS","value":["red","",null,"blue"]}]
            """);

        Assert.Multiple(() =>
        {
            Assert.That(order.Property("ZIP"), Is.EqualTo("101000"));
            Assert.That(order.Property("COLORS"), Is.EqualTo("red, blue"));
        });
    }

    [TestCase("""{"lid":"s1","statusId":"N"}""", "id")]
    [TestCase("""{"id":null,"lid":"s1","statusId":"N"}""", "id")]
    [TestCase("""{"id":"","lid":"s1","statusId":"N"}""", "id")]
    [TestCase("""{"id":1,"statusId":"N"}""", "lid")]
    [TestCase("""{"id":1,"lid":"s1"}""", "statusId")]
    public void Missing_required_field_is_named(string json, string field)
    {
        var error = Assert.Throws<BitrixPayloadException>(() => BitrixOrderParser.Parse(Json(json)))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Field, Is.EqualTo(field));
            Assert.That(error.Message, Does.Contain($"'{field}'").And.Contain("missing"));
        });
    }

    [TestCase("""{"id":{"value":1},"lid":"s1","statusId":"N"}""", "id")]
    [TestCase("""{"id":1,"lid":"s1","statusId":{"x":1}}""", "statusId")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","price":"1 480,00"}""", "price")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","canceled":"maybe"}""", "canceled")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","dateInsert":"yesterday"}""", "dateInsert")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","basketItems":"none"}""", "basketItems")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","basketItems":[{"id":1,"productId":2},{"id":3,"productId":4,"quantity":"x"}]}""",
        "basketItems[1].quantity")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","payments":[{"id":1,"sum":5}]}""", "payments[0].paySystemId")]
    [TestCase("""{"id":1,"lid":"s1","statusId":"N","shipments":[7]}""", "shipments[0]")]
    public void Malformed_field_is_named_with_its_path(string json, string field)
    {
        var error = Assert.Throws<BitrixPayloadException>(() => BitrixOrderParser.Parse(Json(json)))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Field, Is.EqualTo(field));
            Assert.That(error.Message, Does.Contain($"'{field}'"));
        });
    }

    [TestCase("""[]""")]
    [TestCase("""{"result":[]}""")]
    [TestCase("""{"error":200540400001,"error_description":"order does not exist"}""")]
    public void Response_without_an_order_is_rejected(string json)
    {
        var error = Assert.Throws<BitrixPayloadException>(() => BitrixOrderParser.ParseResponse(Json(json)))!;

        Assert.That(error.Field, Is.EqualTo("result.order"));
    }

    [Test]
    public void Non_object_order_is_rejected()
    {
        var error = Assert.Throws<BitrixPayloadException>(() => BitrixOrderParser.Parse(Json("[]")))!;

        Assert.That(error.Field, Is.EqualTo("order"));
    }
}
