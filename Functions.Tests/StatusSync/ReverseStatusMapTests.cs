using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.StatusSync;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.StatusSync;

public class ReverseStatusMapTests
{
    private static readonly MappingSet Defaults = new(DefaultMappings.Load());

    [TestCase("new", "N")]
    [TestCase("client-confirmed", "N")]
    [TestCase("assembling", "P")]
    [TestCase("complete-payment", "P")]
    [TestCase("delivery", "D")]
    [TestCase("complete", "F")]
    public void Crm_status_maps_to_a_bitrix_status_and_un_cancels(string crmStatus, string statusId)
    {
        Assert.That(Defaults.MapFromCrm("236", crmStatus), Is.EqualTo(new BitrixStatusUpdate("236", statusId, false)));
    }

    [Test]
    public void Cancelled_crm_status_sets_the_canceled_flag()
    {
        Assert.That(Defaults.MapFromCrm("236", "cancel-other"), Is.EqualTo(new BitrixStatusUpdate("236", "C", true)));
    }

    [Test]
    public void Cancel_map_value_other_than_y_does_not_cancel()
    {
        var mappings = new MappingSet(
        [
            new MappingEntry(MappingKind.StatusFromCrm, "no-call", "C"),
            new MappingEntry(MappingKind.CancelFromCrm, "no-call", "N"),
        ]);

        Assert.That(mappings.MapFromCrm("236", "no-call").Canceled, Is.False);
    }

    [Test]
    public void Unknown_crm_status_throws_naming_the_reverse_kind()
    {
        var error = Assert.Throws<UnmappedCodeException>(() => Defaults.MapFromCrm("236", "send-to-assembling"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(MappingKind.StatusFromCrm));
            Assert.That(error.Code, Is.EqualTo("send-to-assembling"));
        });
    }

    [Test]
    public void Forward_status_rows_are_not_read_backwards()
    {
        // "N" → "new" in the forward map must not make the Bitrix code "N" a known CRM status.
        Assert.Throws<UnmappedCodeException>(() => Defaults.MapFromCrm("236", "N"));
    }
}
