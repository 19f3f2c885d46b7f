using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.RetailCrm;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Mapping.BitrixSamples;

namespace BitrixRetailCrm.Tests.Mapping;

public class CrmJsonTests
{
    [Test]
    public void Serialized_order_has_no_deprecated_v5_fields()
    {
        var names = PropertyNames(JsonNode.Parse(CrmJson.Serialize(Mapped(Full).Order))!).ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(names, Does.Not.Contain("discount").And.Not.Contain("discountPercent")
                .And.Not.Contain("paymentType").And.Not.Contain("paymentStatus"));
            Assert.That(names, Does.Contain("discountManualAmount").And.Contain("payments"), "the v5 replacements are there");
        });
    }

    [Test]
    public void Serialized_order_uses_camel_case_wire_names()
    {
        var json = JsonNode.Parse(CrmJson.Serialize(Mapped(Full).Order))!;
        var item = json["items"]![0]!;

        Assert.Multiple(() =>
        {
            Assert.That(json["externalId"]!.GetValue<string>(), Is.EqualTo("1045"));
            Assert.That(json["createdAt"]!.GetValue<string>(), Is.EqualTo("2024-05-14 10:30:00"));
            Assert.That(json["customer"]!["externalId"]!.GetValue<string>(), Is.EqualTo("57"));
            Assert.That(item["offer"]!["externalId"]!.GetValue<string>(), Is.EqualTo("812"));
            Assert.That(item["initialPrice"]!.GetValue<decimal>(), Is.EqualTo(3490m));
            Assert.That(item["externalIds"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("bitrix"));
            Assert.That(json["delivery"]!["address"]!["text"]!.GetValue<string>(), Does.StartWith("101000"));
        });
    }

    [Test]
    public void Cyrillic_and_quotes_are_written_as_is()
    {
        var json = CrmJson.Serialize(Mapped(Full).Order);

        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"lastName\":\"Иванова\""));
            Assert.That(json, Does.Contain("Чайник электрический \\\"Смарт\\\" 1,7 л"));
            Assert.That(json, Does.Contain("<не работает>"));
            Assert.That(json, Does.Not.Contain("\\u"));
        });
    }

    [Test]
    public void Nulls_and_empty_lists_are_left_out()
    {
        var json = JsonNode.Parse(CrmJson.Serialize(Mapped(Canceled).Order))!.AsObject();

        Assert.Multiple(() =>
        {
            Assert.That(json.ContainsKey("patronymic"), Is.False, "null");
            Assert.That(json.ContainsKey("managerComment"), Is.False, "null");
            Assert.That(json.ContainsKey("payments"), Is.False, "empty: an edit must not wipe CRM payments");
            Assert.That(PropertyNames(json).Where(n => n == "xmlId"), Has.Exactly(1).Items, "offer xmlId is set");
        });
    }

    [Test]
    public void Customer_serializes_to_the_exact_wire_shape()
    {
        var json = CrmJson.Serialize(Mapped(Full).Customer);

        Assert.That(json, Is.EqualTo("""
            {"externalId":"57","firstName":"Мария","lastName":"Иванова","patronymic":"Сергеевна","email":"m.ivanova@example.ru","phones":[{"number":"+7 (916) 123-45-67"}],"address":{"text":"101000, Москва, ул. Тверская, д. 7, кв. 12"}}
            """));
    }

    [Test]
    public void Output_is_the_same_for_the_same_order()
    {
        Assert.That(CrmJson.Serialize(Mapped(Full).Order), Is.EqualTo(CrmJson.Serialize(Mapped(Full).Order)));
    }

    [TestCase(980, "980")]
    [TestCase(349.5, "349.5")]
    [TestCase(0.1, "0.1")]
    public void Decimals_are_written_without_trailing_zeros(decimal value, string expected)
    {
        var withZeros = decimal.Parse(value.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
            System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(CrmJson.Serialize(new CrmDelivery("courier", withZeros)), Is.EqualTo($$"""{"code":"courier","cost":{{expected}}}"""));
    }

    [Test]
    public void Order_round_trips_through_the_options()
    {
        var order = Mapped(Full).Order;

        var back = JsonSerializer.Deserialize<CrmOrder>(CrmJson.Serialize(order), CrmJson.Options)!;

        Assert.Multiple(() =>
        {
            Assert.That(back.ExternalId, Is.EqualTo(order.ExternalId));
            Assert.That(back.CustomerComment, Is.EqualTo(order.CustomerComment));
            Assert.That(back.Items.Select(i => i.ProductName), Is.EqualTo(order.Items.Select(i => i.ProductName)));
            Assert.That(back.Payments, Is.EqualTo(order.Payments));
        });
    }

    private static IEnumerable<string> PropertyNames(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => PropertyNames(p.Value!).Prepend(p.Key)),
        JsonArray a => a.SelectMany(n => PropertyNames(n!)),
        _ => [],
    };
}
