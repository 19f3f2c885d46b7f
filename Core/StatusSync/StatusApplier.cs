using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.StatusSync;

public enum StatusApplyOutcome { Applied, AlreadyInBitrix, Stale, OwnWrite }

/// <summary>
/// Applies one RetailCRM status to the Bitrix order: in RetailCRM's order (stale changes ignored), never our own push
/// reported back, and without a Bitrix write when Bitrix already shows it. Shared by the trigger queue and the history poll.
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
        var last = await statusStates.GetAsync(orderId, ct);
        if (StaleChangeFilter.Decide(last?.Change, change) == ChangeDecision.Ignore)
        {
            log.LogInformation("Status {Status} of order {OrderId} from {Source} is not newer than the applied one; ignored",
                change.Status, orderId, change.Source);
            metrics.StatusApplied(nameof(StatusApplyOutcome.Stale));
            return StatusApplyOutcome.Stale;
        }
        var outcome = await WriteToBitrixAsync(orderId, change, ct);
        await statusStates.SaveAsync(new AppliedStatus(orderId, change.Status, StaleChangeFilter.Advance(last?.Change, change),
            clock.GetUtcNow()), ct);
        log.LogInformation("Status {Status} of order {OrderId} {Outcome}, {Direction}", change.Status, orderId, outcome,
            SyncDirection.RetailCrmToBitrix);
        metrics.StatusApplied(outcome.ToString());
        return outcome;
    }

    private async Task<StatusApplyOutcome> WriteToBitrixAsync(string orderId, CrmStatusChange change, CancellationToken ct)
    {
        // RetailCRM showing exactly what we pushed means Bitrix already has it, or a newer Bitrix change is on its way.
        if ((await orderStates.GetAsync(orderId, ct))?.PushedStatus == change.Status) return StatusApplyOutcome.OwnWrite;
        var update = (await mappings.GetAsync(ct)).MapFromCrm(orderId, change.Status);
        var order = await bitrix.GetOrderAsync(orderId, ct);
        if (order.StatusId == update.StatusId && order.Canceled == update.Canceled) return StatusApplyOutcome.AlreadyInBitrix;
        await bitrix.UpdateOrderStatusAsync(orderId, update.StatusId, update.Canceled, ct);
        return StatusApplyOutcome.Applied;
    }
}
