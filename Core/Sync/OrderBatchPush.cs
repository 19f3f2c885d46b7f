using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

/// <summary>
/// Pushes a batch of distinct orders: lease each order's orderstate row (ETag, across instances; a marker row per lease
/// lets <see cref="AbandonedPushRecovery"/> find the orders of an instance that dies), read them with a Bitrix
/// <c>batch</c> per 50, map and hash them, skip what did not change in Bitrix since the last sync, make their customers
/// exist (<see cref="CustomerWriter"/>), create the new orders with orders/upload (HTTP 460 partial answers are handled
/// per order: "already exists" becomes an edit, any other failure is retried alone with orders/create so that only that
/// order fails, with RetailCRM's own message), edit the orders RetailCRM already has with only the fields that changed,
/// and save each order's state. Every order gets its own <see cref="PushResult"/>.
/// </summary>
internal sealed class OrderBatchPush(
    BitrixClient bitrix,
    RetailCrmClient crm,
    MappingStore mappings,
    OrderStateStore states,
    StatusStateStore statusStates,
    CustomerWriter customers,
    IOptions<SyncOptions> sync,
    IOptions<RetailCrmOptions> retailCrm,
    TimeProvider clock,
    ILogger log)
{
    /// <summary>Outlasts the batch, whose work is cancelled at the push deadline, by the time that cancellation takes.</summary>
    private readonly TimeSpan _leaseDuration = sync.Value.PushDeadline + TimeSpan.FromSeconds(15);

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Lazy<OrderMappingOptions> _mappingOptions = new(() => new OrderMappingOptions
    {
        NumberTemplate = sync.Value.OrderNumberTemplate,
        CrmTimeZone = TimeZoneInfo.FindSystemTimeZoneById(retailCrm.Value.TimeZone),
    });

    private sealed class Work(OrderMessage message)
    {
        public string Id { get; } = message.OrderId;
        public string Site { get; } = message.SiteId ?? "";
        public OrderPushState? State;
        public MappedOrder? Mapped;
        public string? OrderHash;
        public string? CustomerHash;
        public long? CrmId;
        public DateTimeOffset? DateUpdate;
        public IReadOnlyDictionary<string, string>? FieldHashes;
        /// <summary>The status both sides last agreed on (<see cref="Storage.SyncedStatus"/>).</summary>
        public string? SyncedStatus;
        /// <summary>The fields of an order RetailCRM has that changed in Bitrix since the last sync; null sends the whole order.</summary>
        public List<string>? Fields;
        /// <summary>What an order with nothing to write records: this version, and the status it was found with.</summary>
        public OrderPushState? EchoState;
        public PushOutcome? Outcome;
        public Exception? Error;
        public bool Open => Error is null && Outcome is null;
    }

    public async Task<IReadOnlyDictionary<string, PushResult>> PushAsync(IReadOnlyList<OrderMessage> messages, CancellationToken ct)
    {
        if (crm.Unavailable) return WhileRetailCrmIsDown(messages);
        var work = messages.Select(m => new Work(m)).ToList();
        try
        {
            var started = Stopwatch.GetTimestamp();
            await LeaseAsync(work, ct);
            var leased = Stopwatch.GetElapsedTime(started);
            await ReadAndMapAsync(work.Where(w => w.Open).ToList(), ct);
            var read = Stopwatch.GetElapsedTime(started);
            await ReadSyncedStatusesAsync(work.Where(w => w.Open && w.State!.CrmId is not null).ToList(), ct);
            foreach (var w in work.Where(w => w.Open)) SkipUnchanged(w);
            var customersWritten = TimeSpan.Zero;
            await WriteCustomersThenOrdersAsync(work, ct, () => customersWritten = Stopwatch.GetElapsedTime(started));
            var written = Stopwatch.GetElapsedTime(started);
            await FinishAsync(work, ct);
            log.LogDebug("Batch of {Count}: leased {Leased:0.00} s, read {Read:0.00} s, customers {Customers:0.00} s, orders {Written:0.00} s, saved {Saved:0.00} s",
                work.Count, leased.TotalSeconds, read.TotalSeconds, customersWritten.TotalSeconds, written.TotalSeconds,
                Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch
        {
            // Cancelled (shutdown) or a bug: give every lease back so the retried messages are not "busy" for minutes.
            await Task.WhenAll(work.Where(w => w.State is not null).Select(async w =>
            {
                try { await states.ReleaseAsync(w.State!, CancellationToken.None); }
                catch (Exception ex) { log.LogWarning("Could not release the lease of order {OrderId}: {Error}", w.Id, ex.Message); }
            }));
            throw;
        }
        log.LogDebug("Pushed a batch of {Count} orders: {Created} created, {Updated} updated, {Unchanged} unchanged, {Failed} failed",
            work.Count, work.Count(w => w.Outcome == PushOutcome.Created), work.Count(w => w.Outcome == PushOutcome.Updated),
            work.Count(w => w.Outcome == PushOutcome.Unchanged), work.Count(w => w.Error is not null));
        return work.ToDictionary(w => w.Id, w => w.Error is not null ? PushResult.Failed(w.Error)
            : w.Outcome is { } outcome ? new PushResult(outcome)
            : PushResult.Failed(new InvalidOperationException($"order {w.Id} was left without an outcome")));
    }

    /// <summary>
    /// RetailCRM's circuit is open, so the writes would fail at once: fail the batch before reading Bitrix, whose quota
    /// the shop's other integrations share, and let the queue bring the messages back.
    /// </summary>
    private Dictionary<string, PushResult> WhileRetailCrmIsDown(IReadOnlyList<OrderMessage> messages)
    {
        log.LogWarning("RetailCRM is failing (circuit open): {Count} order(s) left for the queue to retry, Bitrix not read",
            messages.Count);
        var error = new ExternalCallException("RetailCRM", "push", "circuit open after repeated failures; the queue retries");
        return messages.DistinctBy(m => m.OrderId).ToDictionary(m => m.OrderId, _ => PushResult.Failed(error));
    }

    private async Task ReadAndMapAsync(List<Work> work, CancellationToken ct)
    {
        foreach (var w in work.Where(w => !long.TryParse(w.Id, out _)))
            w.Error = new FormatException($"Order id '{w.Id}' is not a number");
        work = work.Where(w => w.Error is null).ToList();
        if (work.Count == 0) return;
        IReadOnlyDictionary<string, BitrixOrderResult> orders;
        MappingSet mappingSet;
        try
        {
            var reads = await Task.WhenAll(work.Chunk(BitrixClient.MaxBatchCommands)
                .Select(chunk => bitrix.GetOrdersAsync(chunk.Select(w => w.Id).ToList(), ct)));
            orders = reads.SelectMany(read => read).ToDictionary();
            mappingSet = await mappings.GetAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var w in work) w.Error = ex;
            return;
        }
        foreach (var w in work)
        {
            try
            {
                var read = orders[w.Id];
                if (read.Error is not null) throw read.Error;
                w.DateUpdate = read.Order!.DateUpdate;
                w.Mapped = OrderMapper.Map(read.Order!, mappingSet, _mappingOptions.Value);
                w.OrderHash = Hash(w.Mapped.Site, CrmJson.Serialize(w.Mapped.Order));
                w.FieldHashes = CrmOrderFields.Hashes(w.Mapped.Site, w.Mapped.Order);
                w.CustomerHash = w.Mapped.Customer is null ? null : Hash(w.Mapped.Site, CrmJson.Serialize(w.Mapped.Customer));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                w.Error = ex;
            }
        }
    }

    /// <summary>
    /// The status each order RetailCRM already has was last synced with, from its push state and the RetailCRM change
    /// last applied to it (one query per 14 orders; orders new to RetailCRM need none).
    /// </summary>
    private async Task ReadSyncedStatusesAsync(List<Work> work, CancellationToken ct)
    {
        if (work.Count == 0) return;
        var applied = await statusStates.GetAsync(work.Select(w => w.Id).ToList(), ct);
        foreach (var w in work) w.SyncedStatus = SyncedStatus.Of(w.State, applied.GetValueOrDefault(w.Id));
    }

    /// <summary>
    /// What an order RetailCRM already has needs: the fields that changed in Bitrix since the last sync, nothing else.
    /// The status counts as changed only when Bitrix's differs from the one both sides last agreed on, so neither the
    /// echo of a status we applied from RetailCRM nor a later unrelated save (a payment callback) writes a coarser Bitrix
    /// status over the manager's. An order with no field to send and the same buyer details writes nothing.
    /// </summary>
    private void SkipUnchanged(Work w)
    {
        var state = w.State!;
        var status = w.Mapped!.Order.Status;
        if (state.OrderHash == w.OrderHash && state.CustomerHash == w.CustomerHash && (w.SyncedStatus ?? status) == status)
        {
            w.Outcome = PushOutcome.Unchanged;
            log.LogInformation("Order {OrderId} unchanged since {PushedAt}; no RetailCRM write", w.Id, state.PushedAt);
            return;
        }
        if (state.CrmId is null) return; // new to RetailCRM: the whole order
        var synced = state.FieldHashes;
        w.Fields = w.FieldHashes!.Keys.Union(synced?.Keys ?? []).Where(field => field == CrmOrderFields.Status
                ? status != w.SyncedStatus
                : synced?.GetValueOrDefault(field) is not { } hash || hash != w.FieldHashes!.GetValueOrDefault(field))
            .ToList();
        if (w.Fields.Count > 0 || w.CustomerHash != state.CustomerHash) return;
        w.EchoState = state with
        {
            OrderHash = w.OrderHash, FieldHashes = w.FieldHashes, PushedStatus = status, StatusSyncedAt = clock.GetUtcNow(),
            PushedDateUpdate = w.DateUpdate,
        };
        w.Outcome = PushOutcome.Unchanged;
        log.LogInformation("Order {OrderId}: nothing changed in Bitrix since the last sync (status {Status}); no RetailCRM write",
            w.Id, status);
    }

    // ---- customers ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The customers whose content changed in these orders since each order's last push, then the orders once their
    /// customers exist, while the customers' content is completed beside them. An order whose own customer content did
    /// not change never writes its customer, so an old order saved again cannot revert details a newer order brought.
    /// An order whose customer could not be written fails, even when the order itself went, so that its message comes
    /// back and the customer is written then.
    /// </summary>
    private async Task WriteCustomersThenOrdersAsync(List<Work> work, CancellationToken ct, Action customersReady)
    {
        var buyers = work.Where(w => w.Open && w.Mapped!.Customer is not null && w.CustomerHash != w.State!.CustomerHash).ToList();
        var progress = buyers.Count == 0 ? null : customers.Start(buyers.Select(w =>
            new CustomerWriter.Wanted(w.Mapped!.Site, w.Mapped.Customer!, w.CustomerHash!, w.DateUpdate)).ToList(), ct);
        try
        {
            if (progress is not null) FailBuyers(buyers, await progress.Ready);
            customersReady();
            await WriteOrdersAsync(work.Where(w => w.Open).ToList(), ct);
        }
        finally
        {
            if (progress is not null) FailBuyers(buyers, await progress.Done);
        }
    }

    private static void FailBuyers(List<Work> buyers, IReadOnlyDictionary<(string Site, string ExternalId), Exception?> results)
    {
        foreach (var w in buyers)
            if (results.GetValueOrDefault((w.Mapped!.Site, w.Mapped.Customer!.ExternalId)) is { } error) w.Error ??= error;
    }

    // ---- orders -------------------------------------------------------------------------------------------------

    private async Task WriteOrdersAsync(List<Work> work, CancellationToken ct)
    {
        foreach (var w in work.Where(w => w.Fields is { Count: 0 }))
        {
            // Only the customer changed: the customer writer takes care of it.
            w.CrmId = w.State!.CrmId;
            w.Outcome = PushOutcome.Updated;
        }
        var changed = work.Where(w => w.Outcome is null).ToList();
        var uploads = changed.Where(w => w.State!.CrmId is null)
            .GroupBy(w => w.Mapped!.Site)
            .SelectMany(site => site.Chunk(RetailCrmClient.MaxUploadBatch).Select(chunk => UploadOrdersAsync(site.Key, chunk, ct)));
        var edits = changed.Where(w => w.State!.CrmId is not null).Select(w => Attempt(w, async () =>
        {
            w.CrmId = w.Fields is { } fields
                ? await crm.EditOrderAsync(CrmOrderFields.Partial(w.Mapped!.Order, fields), w.Mapped.Site, ct)
                : await crm.EditOrderAsync(w.Mapped!.Order, w.Mapped.Site, ct);
            w.Outcome = PushOutcome.Updated;
        }));
        await Task.WhenAll(uploads.Concat(edits));
    }

    /// <summary>
    /// New orders with one orders/upload. An order whose earlier create had an unknown outcome (timeout) is found by
    /// its "already exists" and edited, so it is never duplicated.
    /// </summary>
    private async Task UploadOrdersAsync(string site, Work[] chunk, CancellationToken ct)
    {
        UploadResult result;
        try
        {
            result = await crm.UploadOrdersAsync(chunk.Select(w => w.Mapped!.Order).ToList(), site, ct);
        }
        catch (ExternalCallException refused) when (!refused.IsTransient)
        {
            // The whole request was refused: each order alone, so that only the bad ones fail.
            await Task.WhenAll(chunk.Select(w => Attempt(w, () => CreateOrEditAsync(w, ct))));
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var w in chunk) w.Error = ex;
            return;
        }
        await Task.WhenAll(chunk.Select(w => Attempt(w, async () =>
        {
            var externalId = w.Mapped!.Order.ExternalId;
            if (result.Uploaded.TryGetValue(externalId, out var id))
            {
                (w.CrmId, w.Outcome) = (id, PushOutcome.Created);
            }
            else if (result.Failed.TryGetValue(externalId, out var failure) && failure.AlreadyExists)
            {
                w.CrmId = await crm.EditOrderAsync(w.Mapped.Order, w.Mapped.Site, ct);
                w.Outcome = PushOutcome.Updated;
            }
            else
            {
                // A validation error in the 460 answer names fields, not orders: create this one alone for its own answer.
                await CreateOrEditAsync(w, ct);
            }
        })));
    }

    private async Task CreateOrEditAsync(Work w, CancellationToken ct)
    {
        var (order, site) = (w.Mapped!.Order, w.Mapped.Site);
        try
        {
            (w.CrmId, w.Outcome) = (await crm.CreateOrderAsync(order, site, ct), PushOutcome.Created);
        }
        catch (OrderAlreadyExistsException)
        {
            (w.CrmId, w.Outcome) = (await crm.EditOrderAsync(order, site, ct), PushOutcome.Updated);
        }
    }

    private static async Task Attempt(Work w, Func<Task> action)
    {
        try { await action(); }
        catch (Exception ex) when (ex is not OperationCanceledException) { w.Error = ex; }
    }

    // ---- state --------------------------------------------------------------------------------------------------

    /// <summary>Takes every order's lease at once; an order another instance is pushing fails alone and is retried.</summary>
    private async Task LeaseAsync(List<Work> work, CancellationToken ct)
    {
        var chunks = await Task.WhenAll(work.Chunk(OrderStateStore.MaxOrdersPerTransaction)
            .Select(chunk => states.AcquireAsync(chunk.ToDictionary(w => w.Id, w => w.Site), _owner, _leaseDuration, ct)));
        var leased = chunks.SelectMany(chunk => chunk).ToDictionary();
        foreach (var w in work)
            if (leased.TryGetValue(w.Id, out var state)) w.State = state;
            else w.Error = new OrderBusyException(w.Id);
    }

    /// <summary>
    /// Saves what was pushed and gives back the other leases, in a transaction per 50 orders when nothing is in the way.
    /// </summary>
    private async Task FinishAsync(List<Work> work, CancellationToken ct)
    {
        var finishing = work.Where(w => w.State is not null).ToDictionary(w => w, w => (Lease: w.State!, Pushed: PushedState(w)));
        foreach (var w in finishing.Keys) w.State = null;
        await Task.WhenAll(finishing.Keys.Chunk(OrderStateStore.MaxOrdersPerTransaction).Select(async chunk =>
        {
            if (!await states.FinishAsync([.. chunk.Select(w => finishing[w])], ct))
                await ForEachAsync(chunk, w => FinishAloneAsync(finishing[w].Lease, finishing[w].Pushed, ct));
        }));
        foreach (var w in finishing.Keys.Where(w => w.Error is null && w.Outcome != PushOutcome.Unchanged))
            log.LogInformation("Order {OrderId} {Outcome} in RetailCRM as {CrmId}, {Direction}",
                w.Id, w.Outcome, w.CrmId, SyncDirection.BitrixToRetailCrm);
    }

    /// <summary>The state to record for an order, or null when only its lease is to be given back.</summary>
    private OrderPushState? PushedState(Work w) => w.Error is not null ? RefusedState(w)
        : w.EchoState is { } echo ? echo
        : w.Outcome != PushOutcome.Unchanged ? w.State! with
        {
            CrmId = w.CrmId, OrderHash = w.OrderHash, CustomerHash = w.CustomerHash, PushedStatus = w.Mapped!.Order.Status,
            PushedAt = clock.GetUtcNow(), PushedDateUpdate = w.DateUpdate, FieldHashes = w.FieldHashes,
            StatusSyncedAt = clock.GetUtcNow(),
            StatusSentAt = w.Fields?.Contains(CrmOrderFields.Status) == false ? w.State.StatusSentAt : clock.GetUtcNow(),
        }
        // Nothing to write, but this version counts as pushed: the reconciliation must not queue it again.
        : w.State!.PushedDateUpdate != w.DateUpdate ? w.State with { PushedDateUpdate = w.DateUpdate }
        : null;

    /// <summary>
    /// A version refused for good (an unmapped code, a validation error) fails the same way every time, so it counts as
    /// handled and the reconciliation does not queue it again: a fix in Bitrix gives the order a new dateUpdate, a
    /// mapping fix is followed by a replay. A version that failed for a while (an outage) stays unhandled.
    /// </summary>
    private static OrderPushState? RefusedState(Work w) =>
        w.DateUpdate is { } version && w.State!.PushedDateUpdate != version && QueueFailures.IsPermanent(w.Error!)
            ? w.State with { PushedDateUpdate = version }
            : null;

    private async Task FinishAloneAsync(OrderPushState lease, OrderPushState? pushed, CancellationToken ct)
    {
        if (pushed is null)
        {
            await states.ReleaseAsync(lease, CancellationToken.None);
            return;
        }
        try
        {
            await states.SaveAsync(pushed, ct);
        }
        catch
        {
            await states.ReleaseAsync(lease, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> for every order at once; an exception fails only that order.</summary>
    private static Task ForEachAsync(IEnumerable<Work> work, Func<Work, Task> action) =>
        Task.WhenAll(work.ToList().Select(async w =>
        {
            try { await action(w); }
            catch (Exception ex) when (ex is not OperationCanceledException) { w.Error ??= ex; w.Outcome = null; }
        }));

    internal static string Hash(string site, string json) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{site}\n{json}")));
}
