using BitrixRetailCrm.Mapping;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Mapping;

public class DefaultMappingsTests
{
    private static readonly MappingSet Defaults = new(DefaultMappings.Load());

    [Test]
    public void Embedded_file_version_covers_the_reverse_status_maps()
    {
        // Version 2 added statusFromCrm and cancelFromCrm; a lower number would never seed them into existing tables.
        Assert.That(DefaultMappings.Version, Is.GreaterThanOrEqualTo(2));
    }

    [TestCase("N", "new")]
    [TestCase("P", "complete-payment")]
    [TestCase("D", "delivery")]
    [TestCase("F", "complete")]
    [TestCase("C", "cancel-other")]
    [TestCase(OrderMapper.CanceledStatusCode, "cancel-other")]
    public void Status_map_has_the_required_codes(string bitrix, string crm)
    {
        Assert.That(Defaults.Map(MappingKind.Status, bitrix), Is.EqualTo(crm));
    }

    [TestCase(MappingKind.Delivery, "1", "self-delivery")]
    [TestCase(MappingKind.Delivery, "2", "courier")]
    [TestCase(MappingKind.Delivery, "3", "russian-post")]
    [TestCase(MappingKind.Payment, "1", "cash")]
    [TestCase(MappingKind.Payment, "2", "bank-card")]
    [TestCase(MappingKind.Payment, "3", "bank-transfer")]
    [TestCase(MappingKind.PaymentStatus, "Y", "paid")]
    [TestCase(MappingKind.PaymentStatus, "N", "not-paid")]
    [TestCase(MappingKind.Site, "s1", "shop")]
    [TestCase(MappingKind.StatusFromCrm, "new", "N")]
    [TestCase(MappingKind.StatusFromCrm, "client-confirmed", "N")]
    [TestCase(MappingKind.StatusFromCrm, "assembling", "P")]
    [TestCase(MappingKind.StatusFromCrm, "complete-payment", "P")]
    [TestCase(MappingKind.StatusFromCrm, "delivery", "D")]
    [TestCase(MappingKind.StatusFromCrm, "complete", "F")]
    [TestCase(MappingKind.StatusFromCrm, "cancel-other", "C")]
    [TestCase(MappingKind.CancelFromCrm, "cancel-other", "Y")]
    public void Other_dictionaries_are_seeded(MappingKind kind, string bitrix, string crm)
    {
        Assert.That(Defaults.Map(kind, bitrix), Is.EqualTo(crm));
    }

    [Test]
    public void Parse_reads_a_mapping_file()
    {
        var entries = DefaultMappings.Parse("""{"version":3,"mappings":{"delivery":{"9":"pickup"},"site":{"s2":"shop-b2b"}}}""");

        Assert.That(entries, Is.EqualTo(new[]
        {
            new MappingEntry(MappingKind.Delivery, "9", "pickup"),
            new MappingEntry(MappingKind.Site, "s2", "shop-b2b"),
        }));
    }

    [TestCase("""{"mappings":{}}""")]
    [TestCase("""{"version":0,"mappings":{}}""")]
    [TestCase("""{"version":"1","mappings":{}}""")]
    [TestCase("""{"version":1}""")]
    [TestCase("""{"version":1,"mappings":{"statuses":{"N":"new"}}}""")]
    [TestCase("""{"version":2,"mappings":{"statusFromCrm":{"complete":""}}}""")]
    [TestCase("""{"version":1,"mappings":{"status":["new"]}}""")]
    [TestCase("""{"version":1,"mappings":{"status":{"N":""}}}""")]
    [TestCase("""{"version":1,"mappings":{"status":{"N":1}}}""")]
    public void Malformed_file_is_rejected(string json)
    {
        Assert.Throws<FormatException>(() => DefaultMappings.Parse(json));
    }
}
