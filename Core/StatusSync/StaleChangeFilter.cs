namespace BitrixRetailCrm.StatusSync;

public enum ChangeDecision
{
    Apply,
    Ignore,
}

/// <summary>The newest RetailCRM status change applied to one Bitrix order, as far as its source told us.</summary>
public sealed record LastAppliedChange(long? HistoryId, DateTimeOffset? ChangedAt);

/// <summary>
/// Keeps a late or duplicated webhook (or a history entry the trigger already delivered) from reverting a newer status.
/// Rule, first match wins:
/// <list type="number">
/// <item>nothing applied yet → Apply;</item>
/// <item>a status re-read from the order itself (<see cref="CrmStatusChange.CurrentSource"/>) is the truth when it was
/// read, and reads of one order are serialised, so it applies unless it is strictly older than what was applied;</item>
/// <item>both carry a HistoryId → Apply only if the change's id is greater (ids are RetailCRM's monotonic cursor);</item>
/// <item>both carry ChangedAt → Apply only if the change is strictly later; an equal time is treated as the same change
/// delivered twice (RetailCRM times have whole seconds, so two changes within one second cannot be ordered);</item>
/// <item>no common key → Apply only if the last applied change carries neither key either, i.e. nothing newer can be
/// known. A trigger sending no changedAt therefore stops applying once a history entry was applied: configure the
/// changedAt parameter, or treat such triggers as a nudge to poll the history.</item>
/// </list>
/// </summary>
public static class StaleChangeFilter
{
    public static ChangeDecision Decide(LastAppliedChange? last, CrmStatusChange change) =>
        IsNewer(last, change) ? ChangeDecision.Apply : ChangeDecision.Ignore;

    /// <summary>
    /// What to store after applying <paramref name="applied"/>: each key keeps its highest value, so a trigger (no
    /// HistoryId) does not erase the history cursor that later history entries are compared with.
    /// </summary>
    public static LastAppliedChange Advance(LastAppliedChange? last, CrmStatusChange applied) =>
        new(Max(last?.HistoryId, applied.HistoryId), Max(last?.ChangedAt, applied.ChangedAt));

    private static bool IsNewer(LastAppliedChange? last, CrmStatusChange change) => (last, change) switch
    {
        (null, _) => true,
        (_, { Source: CrmStatusChange.CurrentSource, ChangedAt: { } at }) => last.ChangedAt is not { } lastAt || at >= lastAt,
        ({ HistoryId: { } lastId }, { HistoryId: { } id }) => id > lastId,
        ({ ChangedAt: { } lastAt }, { ChangedAt: { } at }) => at > lastAt,
        _ => last is { HistoryId: null, ChangedAt: null },
    };

    private static T? Max<T>(T? a, T? b) where T : struct, IComparable<T> =>
        a is { } x && b is { } y ? (x.CompareTo(y) >= 0 ? x : y) : a ?? b;
}
