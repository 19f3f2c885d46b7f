using BitrixRetailCrm.Mapping;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.Mapping.BitrixSamples;

namespace BitrixRetailCrm.Tests.Mapping;

/// <summary>Per-site rows ({siteId}:{code}) and the optional kinds (order type, order property) in the mapper.</summary>
public class SiteOverrideAndOptionalKindTests
{
    private static MappingSet With(params MappingEntry[] extra) => new(DefaultMappings.Load().Concat(extra));

    private static MappedOrder MapFull(MappingSet mappings, string site = "s1", OrderMappingOptions? options = null)
    {
        var order = Order(Full) with { SiteId = site };
        return OrderMapper.Map(order, mappings, options ?? new OrderMappingOptions());
    }

    private static readonly MappingEntry[] TwoStorefronts =
    [
        new(MappingKind.Site, "s2", "shop2"),
        // On the second storefront delivery 2 is a pick-up point, not the courier.
        new(MappingKind.Delivery, "s2:2", "self-delivery"),
        new(MappingKind.Payment, "s2:2", "bank-transfer"),
        new(MappingKind.Status, "s2:P", "assembling"),
    ];

    [Test]
    public void Per_site_rows_win_for_their_site_only()
    {
        var mappings = With(TwoStorefronts);

        var first = MapFull(mappings, "s1");
        var second = MapFull(mappings, "s2");

        Assert.Multiple(() =>
        {
            Assert.That(first.Site, Is.EqualTo("shop"));
            Assert.That(first.Order.Delivery!.Code, Is.EqualTo("courier"));
            Assert.That(first.Order.Status, Is.EqualTo("complete-payment"));
            Assert.That(second.Site, Is.EqualTo("shop2"));
            Assert.That(second.Order.Delivery!.Code, Is.EqualTo("self-delivery"));
            Assert.That(second.Order.Status, Is.EqualTo("assembling"));
            Assert.That(second.Order.Payments.Select(p => p.Type), Has.Some.EqualTo("bank-transfer"));
            Assert.That(second.Order.ExternalId, Is.EqualTo(first.Order.ExternalId), "the Bitrix id is the externalId on every site");
        });
    }

    [Test]
    public void A_site_without_its_own_row_falls_back_to_the_plain_row()
    {
        var mappings = With(new MappingEntry(MappingKind.Site, "s3", "shop3"), new MappingEntry(MappingKind.Delivery, "s2:2", "self-delivery"));

        Assert.That(MapFull(mappings, "s3").Order.Delivery!.Code, Is.EqualTo("courier"));
    }

    [Test]
    public void Per_site_canceled_row_maps_a_cancelled_order_of_that_site()
    {
        var mappings = With(new MappingEntry(MappingKind.Site, "s2", "shop2"),
            new MappingEntry(MappingKind.Status, MappingSet.SiteKey("s2", OrderMapper.CanceledStatusCode), "cancel-fraud"));
        var order = Order(Canceled) with { SiteId = "s2" };

        Assert.That(OrderMapper.Map(order, mappings, new OrderMappingOptions()).Order.Status, Is.EqualTo("cancel-fraud"));
    }

    [Test]
    public void Order_type_kind_without_rows_keeps_the_configured_type_and_is_no_error()
    {
        var mapped = MapFull(With(), options: new OrderMappingOptions { OrderType = "eshop-individual" });

        Assert.That(mapped.Order.OrderType, Is.EqualTo("eshop-individual"));
    }

    [Test]
    public void Order_type_rows_map_the_payer_type_per_site()
    {
        var mappings = With(new MappingEntry(MappingKind.Site, "s2", "shop2"),
            new MappingEntry(MappingKind.OrderType, "1", "eshop-individual"),
            new MappingEntry(MappingKind.OrderType, "s2:1", "wholesale"));

        Assert.That(MapFull(mappings, "s1").Order.OrderType, Is.EqualTo("eshop-individual"));
        Assert.That(MapFull(mappings, "s2").Order.OrderType, Is.EqualTo("wholesale"));
    }

    [Test]
    public void Payer_type_missing_from_used_order_type_kind_is_an_unmapped_code()
    {
        var mappings = With(new MappingEntry(MappingKind.OrderType, "2", "legal-entity"));

        var ex = Assert.Throws<UnmappedCodeException>(() => MapFull(mappings));
        Assert.That(ex!.Kind, Is.EqualTo(MappingKind.OrderType));
        Assert.That(ex.Code, Is.EqualTo("1"));
    }

    [Test]
    public void Without_property_rows_no_custom_fields_are_sent_and_unknown_properties_are_ignored()
    {
        var order = MapFull(With()).Order;

        Assert.That(order.CustomFields, Is.Null);
        Assert.That(order.Email, Is.EqualTo("m.ivanova@example.ru"));
    }

    [Test]
    public void Mapped_properties_fill_custom_fields_and_order_fields_and_a_skipped_one_goes_nowhere()
    {
        var mappings = With(
            new MappingEntry(MappingKind.OrderProperty, "LOCATION", "customFields.bitrix_location"),
            new MappingEntry(MappingKind.OrderProperty, "s2:LOCATION", OrderPropertyTargets.Skip),
            new MappingEntry(MappingKind.OrderProperty, "EMAIL", "customFields.contact_email"),
            new MappingEntry(MappingKind.OrderProperty, "CITY", "managerComment"),
            new MappingEntry(MappingKind.Site, "s2", "shop2"));

        var first = MapFull(mappings, "s1").Order;
        var second = MapFull(mappings, "s2").Order;

        Assert.Multiple(() =>
        {
            Assert.That(first.CustomFields, Is.EqualTo(new Dictionary<string, string>
            {
                ["bitrix_location"] = "0000073738",
                ["contact_email"] = "m.ivanova@example.ru",
            }));
            Assert.That(first.Email, Is.EqualTo("m.ivanova@example.ru"), "a built-in code keeps its own field");
            Assert.That(first.ManagerComment, Is.EqualTo("Москва"), "a property mapped to an order field wins over the Bitrix comment");
            Assert.That(second.CustomFields!.Keys, Is.EqualTo(new[] { "contact_email" }));
        });
    }

    [Test]
    public void Property_missing_from_used_property_kind_is_an_unmapped_code_but_built_in_codes_need_no_row()
    {
        var mappings = With(new MappingEntry(MappingKind.OrderProperty, "GIFT_WRAP", "customFields.gift_wrap"));

        var ex = Assert.Throws<UnmappedCodeException>(() => MapFull(mappings));
        Assert.That(ex!.Kind, Is.EqualTo(MappingKind.OrderProperty));
        Assert.That(ex.Code, Is.EqualTo("LOCATION"), "FIO, EMAIL, PHONE, ZIP, CITY and ADDRESS are read by the mapper itself");
    }

    [Test]
    public void Property_row_with_an_unusable_target_names_the_target()
    {
        var mappings = With(new MappingEntry(MappingKind.OrderProperty, "LOCATION", "deliveryAddress"));

        var ex = Assert.Throws<UnmappedCodeException>(() => MapFull(mappings));
        Assert.That(ex!.Message, Does.Contain("\"deliveryAddress\" is neither an order field nor customFields.<code>"));
    }

    [Test]
    public void Custom_fields_serialise_in_code_order_under_their_own_codes()
    {
        var mappings = With(
            new MappingEntry(MappingKind.OrderProperty, "LOCATION", "customFields.z_location"),
            new MappingEntry(MappingKind.OrderProperty, "PHONE", "customFields.a_phone"));

        var json = BitrixRetailCrm.RetailCrm.CrmJson.Serialize(MapFull(mappings).Order);

        Assert.That(json, Does.EndWith("\"customFields\":{\"a_phone\":\"+7 (916) 123-45-67\",\"z_location\":\"0000073738\"}}"));
    }
}
