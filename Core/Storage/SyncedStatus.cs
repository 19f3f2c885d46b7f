namespace BitrixRetailCrm.Storage;

/// <summary>
/// The status both sides last agreed on for an order, in RetailCRM's terms: the one the push last recorded (sent, or
/// found unchanged), or the one Bitrix showed after a RetailCRM change was applied, whichever is more recent. The push
/// sends the status only when Bitrix's differs from it, so a coarser Bitrix status never writes over the manager's
/// finer one; a RetailCRM change meets a conflict when Bitrix's differs from it.
/// </summary>
public static class SyncedStatus
{
    public static string? Of(OrderPushState? pushed, AppliedStatus? applied) =>
        applied?.SyncedStatus is { } fromCrm && (pushed?.StatusSyncedAt is not { } recorded || applied.AppliedAt > recorded)
            ? fromCrm
            : pushed?.PushedStatus;
}
