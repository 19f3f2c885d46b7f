using BitrixRetailCrm.StatusSync;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.StatusSync.StatusSyncSamples;

namespace BitrixRetailCrm.Tests.StatusSync;

public class StaleChangeFilterTests
{
    private static readonly DateTimeOffset Earlier = MoscowTime(2024, 5, 14, 16, 0, 1);
    private static readonly DateTimeOffset Later = MoscowTime(2024, 5, 14, 16, 2, 11);

    private static CrmStatusChange History(long id, DateTimeOffset at, string status = "complete") =>
        new("236", 2031, status, "shop", id, at, CrmStatusChange.HistorySource);

    private static CrmStatusChange Trigger(DateTimeOffset? at, string status = "complete") =>
        new("236", 2031, status, "shop", null, at, CrmStatusChange.TriggerSource);

    [Test]
    public void First_change_of_an_order_is_applied()
    {
        Assert.That(StaleChangeFilter.Decide(null, Trigger(null)), Is.EqualTo(ChangeDecision.Apply));
    }

    [TestCase(9005, ChangeDecision.Apply)]
    [TestCase(9004, ChangeDecision.Ignore)]
    [TestCase(9001, ChangeDecision.Ignore)]
    public void History_ids_decide_even_against_the_clock(long id, ChangeDecision expected)
    {
        // The applied entry's time is later than every incoming one: ids, not times, order history entries.
        var last = new LastAppliedChange(9004, Later);

        Assert.That(StaleChangeFilter.Decide(last, History(id, Earlier)), Is.EqualTo(expected));
    }

    [Test]
    public void Late_trigger_does_not_revert_a_newer_status()
    {
        var last = new LastAppliedChange(9004, Later);

        Assert.That(StaleChangeFilter.Decide(last, Trigger(Earlier, "assembling")), Is.EqualTo(ChangeDecision.Ignore));
    }

    [Test]
    public void Duplicated_trigger_is_ignored()
    {
        var last = new LastAppliedChange(null, Later);

        Assert.That(StaleChangeFilter.Decide(last, Trigger(Later)), Is.EqualTo(ChangeDecision.Ignore));
    }

    [Test]
    public void Later_trigger_is_applied()
    {
        var last = new LastAppliedChange(9001, Earlier);

        Assert.That(StaleChangeFilter.Decide(last, Trigger(Later)), Is.EqualTo(ChangeDecision.Apply));
    }

    [Test]
    public void History_entry_already_delivered_by_the_trigger_is_ignored()
    {
        var last = new LastAppliedChange(null, Later);

        Assert.That(StaleChangeFilter.Decide(last, History(9004, Later)), Is.EqualTo(ChangeDecision.Ignore));
    }

    [Test]
    public void Change_without_id_or_time_is_applied_only_while_nothing_newer_is_known()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StaleChangeFilter.Decide(new LastAppliedChange(null, null), Trigger(null)),
                Is.EqualTo(ChangeDecision.Apply));
            Assert.That(StaleChangeFilter.Decide(new LastAppliedChange(null, Earlier), Trigger(null)),
                Is.EqualTo(ChangeDecision.Ignore));
            Assert.That(StaleChangeFilter.Decide(new LastAppliedChange(9001, Earlier), Trigger(null)),
                Is.EqualTo(ChangeDecision.Ignore));
        });
    }

    [Test]
    public void Change_sharing_no_key_with_the_last_one_is_ignored()
    {
        var last = new LastAppliedChange(9004, null);

        Assert.That(StaleChangeFilter.Decide(last, Trigger(Later)), Is.EqualTo(ChangeDecision.Ignore));
    }

    [Test]
    public void Advancing_after_a_trigger_keeps_the_history_cursor()
    {
        var last = new LastAppliedChange(9004, Earlier);

        var next = StaleChangeFilter.Advance(last, Trigger(Later));

        Assert.That(next, Is.EqualTo(new LastAppliedChange(9004, Later)));
    }

    [Test]
    public void Advancing_from_nothing_takes_the_change_keys()
    {
        Assert.That(StaleChangeFilter.Advance(null, History(9001, Earlier)), Is.EqualTo(new LastAppliedChange(9001, Earlier)));
    }
}

public class CurrentStatusStaleRuleTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(3));

    private static CrmStatusChange Current(DateTimeOffset at) => new("1", 7, "complete", "shop", null, at, CrmStatusChange.CurrentSource);

    [Test]
    public void A_status_reread_in_the_same_second_as_the_last_change_still_applies() =>
        Assert.That(StaleChangeFilter.Decide(new LastAppliedChange(41, T), Current(T)), Is.EqualTo(ChangeDecision.Apply));

    [Test]
    public void A_status_reread_older_than_the_applied_change_is_ignored() =>
        Assert.That(StaleChangeFilter.Decide(new LastAppliedChange(41, T), Current(T.AddSeconds(-5))), Is.EqualTo(ChangeDecision.Ignore));
}
