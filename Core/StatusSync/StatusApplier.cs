using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.StatusSync;

public enum StatusApplyOutcome { Applied, AlreadyInBitrix, Stale, OwnWrite, BitrixNewer, NotOurs }

/// <summary>
/// Applies one RetailCRM status to the Bitrix order: in RetailCRM's order (stale changes ignored), never our own push
/// reported back, and without a Bitrix write when Bitrix already shows it. Shared by the trigger queue and the history poll.
/// Only orders of this integration are touched: a RetailCRM account also holds orders of marketplaces, of the phone and
/// of other stores, some with an externalId that looks like a Bitrix order id. A change applies only to an order of a
/// mapped RetailCRM site that this integration pushed, as the same RetailCRM order; everything else is ignored and
/// counted (<c>statuses_applied{outcome="NotOurs"}</c>), never written to Bitrix.
/// <para>
/// When both sides changed the status since they last agreed on it (<see cref="SyncedStatus"/>), the later change wins:
/// Bitrix's time is its dateStatus (dateUpdate when absent; a later unrelated save must not make an older status
/// change win), RetailCRM's is the change's time; both have whole seconds, and a tie goes to the manager's change. A change older than a status our push wrote to RetailCRM since is no
/// longer RetailCRM's status and is not applied either. Either way the conflict is logged with both values.
/// </para>
/// </summary>
public sealed class StatusApplier(
    BitrixClient bitrix,
    MappingStore mappings,
    StatusStateStore statusStates,
    OrderStateStore orderStates,
    SyncMetrics metrics,
    TimeProvider clock,
    ILogger<StatusApplier> log)
{
    private readonly KeyedLock _locks = new();

    /// <param name="change">A change whose ExternalId is the Bitrix order ID.</param>
    /// <param name="readCurrent">For trigger nudges: re-reads the order's current status inside the order's lock.</param>
    public async Task<StatusApplyOutcome> ApplyAsync(CrmStatusChange change, Func<Task<CrmStatusChange?>>? readCurrent,
        CancellationToken ct)
    {
        var orderId = change.ExternalId ?? throw new ArgumentException("A status change to apply needs the Bitrix order ID");
        using (await _locks.AcquireAsync(orderId, ct))
        {
            if (readCurrent is not null && await readCurrent() is { } current) change = current;
            return await ApplyLockedAsync(orderId, change, ct);
        }
    }

    private async Task<StatusApplyOutcome> ApplyLockedAsync(string orderId, CrmStatusChange change, CancellationToken ct)
    {
        var pushed = long.TryParse(orderId, out var id) && id > 0 ? await orderStates.GetAsync(orderId, ct) : null;
        if (!await IsOursAsync(change, pushed, ct))
        {
            log.LogInformation("RetailCRM order {ExternalId} ({CrmId}, site {Site}) is not one this integration pushed; its status {Status} is ignored",
                orderId, change.CrmId, change.Site, change.Status);
            metrics.StatusApplied(nameof(StatusApplyOutcome.NotOurs));
            return StatusApplyOutcome.NotOurs;
        }
        var last = await statusStates.GetAsync(orderId, ct);
        if (StaleChangeFilter.Decide(last?.Change, change) == ChangeDecision.Ignore)
        {
            log.LogInformation("Status {Status} of order {OrderId} from {Source} is not newer than the applied one; ignored",
                change.Status, orderId, change.Source);
            metrics.StatusApplied(nameof(StatusApplyOutcome.Stale));
            return StatusApplyOutcome.Stale;
        }
        var (outcome, synced) = await WriteToBitrixAsync(orderId, change, pushed, last, ct);
        await statusStates.SaveAsync(new AppliedStatus(orderId, change.Status, StaleChangeFilter.Advance(last?.Change, change),
            clock.GetUtcNow(), synced ?? last?.SyncedStatus), ct);
        log.LogInformation("Status {Status} of order {OrderId} {Outcome}, {Direction}", change.Status, orderId, outcome,
            SyncDirection.RetailCrmToBitrix);
        metrics.StatusApplied(outcome.ToString());
        return outcome;
    }

    /// <returns>The outcome, and the RetailCRM status of what Bitrix shows afterwards when both sides now agree on it.</returns>
    private async Task<(StatusApplyOutcome Outcome, string? Synced)> WriteToBitrixAsync(string orderId, CrmStatusChange change,
        OrderPushState? pushed, AppliedStatus? last, CancellationToken ct)
    {
        // RetailCRM showing exactly what we pushed means Bitrix already has it, or a newer Bitrix change is on its way.
        if (pushed?.PushedStatus == change.Status) return (StatusApplyOutcome.OwnWrite, null);
        var mappingSet = await mappings.GetAsync(ct);
        var update = mappingSet.MapFromCrm(orderId, change.Status);
        var order = await bitrix.GetOrderAsync(orderId, ct);
        var bitrixStatus = OrderMapper.StatusOf(order.StatusId, order.Canceled, order.SiteId, mappingSet);
        if (order.StatusId == update.StatusId && order.Canceled == update.Canceled) return (StatusApplyOutcome.AlreadyInBitrix, bitrixStatus);
        if (IsOlderThanBitrix(orderId, change, order, bitrixStatus, SyncedStatus.Of(pushed, last), pushed))
            return (StatusApplyOutcome.BitrixNewer, null);
        await bitrix.UpdateOrderStatusAsync(orderId, update.StatusId, update.Canceled, ct);
        return (StatusApplyOutcome.Applied, OrderMapper.StatusOf(update.StatusId, update.Canceled, order.SiteId, mappingSet));
    }

    /// <summary>Pushed by us (so its externalId is a Bitrix order id), as the same RetailCRM order, on a mapped site.</summary>
    private async Task<bool> IsOursAsync(CrmStatusChange change, OrderPushState? pushed, CancellationToken ct)
    {
        if (pushed?.CrmId is not { } crmId || change.CrmId is { } id && id != crmId) return false;
        if (change.Site is not { } site) return true;
        return (await mappings.GetAsync(ct)).Entries.Any(e => e.Kind == MappingKind.Site && e.CrmCode == site);
    }

    private bool IsOlderThanBitrix(string orderId, CrmStatusChange change, BitrixOrder order, string bitrixStatus, string? synced,
        OrderPushState? pushed)
    {
        if (change.ChangedAt is not { } changedAt) return false; // nothing to compare: RetailCRM's change is the news
        if (synced is not null && bitrixStatus != synced)
        {
            var bitrixAt = order.DateStatus ?? order.DateUpdate;
            var bitrixWins = bitrixAt > changedAt; // whole seconds on both sides: a tie goes to the manager's explicit change
            log.LogWarning("Order {OrderId}: status changed on both sides since they last agreed on {SyncedStatus}: in Bitrix to {BitrixStatus} at {BitrixChangedAt}, in RetailCRM to {CrmStatus} at {CrmChangedAt}; the later one wins: {Winner}",
                orderId, synced, bitrixStatus, bitrixAt, change.Status, changedAt, bitrixWins ? "Bitrix" : "RetailCRM");
            return bitrixWins;
        }
        // RetailCRM's times have whole seconds: a push within the same second is not known to be later.
        if (pushed?.StatusSentAt is { } sentAt && WholeSeconds(sentAt) > changedAt && pushed.PushedStatus != change.Status)
        {
            log.LogWarning("Order {OrderId}: RetailCRM's status {CrmStatus} of {CrmChangedAt} was replaced by the site's {BitrixStatus}, pushed at {PushedAt}; not applied",
                orderId, change.Status, changedAt, pushed.PushedStatus, sentAt);
            return true;
        }
        return false;
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerSecond));
}
