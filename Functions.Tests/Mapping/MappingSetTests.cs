using BitrixRetailCrm.Mapping;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Mapping;

public class MappingSetTests
{
    private static readonly MappingSet Set = new(
    [
        new MappingEntry(MappingKind.Delivery, "2", "courier"),
        new MappingEntry(MappingKind.Payment, "2", "bank-card"),
    ]);

    [Test]
    public void Map_returns_the_crm_code_of_the_kind()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Set.Map(MappingKind.Delivery, "2"), Is.EqualTo("courier"));
            Assert.That(Set.Map(MappingKind.Payment, "2"), Is.EqualTo("bank-card"));
        });
    }

    [Test]
    public void Unmapped_code_throws_naming_kind_and_code()
    {
        var error = Assert.Throws<UnmappedCodeException>(() => Set.Map(MappingKind.Delivery, "7"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Is.EqualTo("No delivery mapping for Bitrix code '7'"));
            Assert.That(error.Kind, Is.EqualTo(MappingKind.Delivery));
            Assert.That(error.Code, Is.EqualTo("7"));
        });
    }

    [Test]
    public void Codes_of_another_kind_do_not_match()
    {
        Assert.That(Set.TryMap(MappingKind.Status, "2", out _), Is.False);
    }

    [Test]
    public void Codes_match_exactly()
    {
        var set = new MappingSet([new MappingEntry(MappingKind.Site, "s1", "shop")]);

        Assert.Multiple(() =>
        {
            Assert.That(set.TryMap(MappingKind.Site, "s1", out var code), Is.True);
            Assert.That(code, Is.EqualTo("shop"));
            Assert.That(set.TryMap(MappingKind.Site, "S1", out _), Is.False);
        });
    }

    [Test]
    public void Duplicate_code_is_rejected()
    {
        var entries = new[] { new MappingEntry(MappingKind.Status, "N", "new"), new MappingEntry(MappingKind.Status, "N", "complete") };

        var error = Assert.Throws<ArgumentException>(() => _ = new MappingSet(entries))!;

        Assert.That(error.Message, Does.StartWith("Duplicate status mapping for Bitrix code 'N'"));
    }

    [Test]
    public void Entries_lists_every_mapping()
    {
        Assert.That(Set.Entries, Is.EquivalentTo(new[]
        {
            new MappingEntry(MappingKind.Delivery, "2", "courier"),
            new MappingEntry(MappingKind.Payment, "2", "bank-card"),
        }));
    }

    [TestCase(MappingKind.Status, "status")]
    [TestCase(MappingKind.Delivery, "delivery")]
    [TestCase(MappingKind.Payment, "payment")]
    [TestCase(MappingKind.PaymentStatus, "paymentStatus")]
    [TestCase(MappingKind.Site, "site")]
    public void Kind_has_a_stable_key(MappingKind kind, string key)
    {
        Assert.Multiple(() =>
        {
            Assert.That(kind.ToKey(), Is.EqualTo(key));
            Assert.That(MappingKindExtensions.Parse(key), Is.EqualTo(kind));
        });
    }

    [Test]
    public void Every_kind_has_a_key()
    {
        Assert.That(Enum.GetValues<MappingKind>().Select(k => k.ToKey()), Is.Unique);
    }

    [TestCase("Status")]
    [TestCase("payment_status")]
    [TestCase("_meta")]
    public void Unknown_key_is_not_a_kind(string key)
    {
        Assert.Multiple(() =>
        {
            Assert.That(MappingKindExtensions.TryParse(key, out _), Is.False);
            Assert.Throws<FormatException>(() => MappingKindExtensions.Parse(key));
        });
    }
}
