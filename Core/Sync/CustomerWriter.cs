using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Sync;

/// <summary>
/// Makes RetailCRM hold the customers of a push batch with a few requests per batch, not per customer, and lets the
/// batch's orders go after one round trip. Per site: the customer state (shared by every instance) says which customers
/// already hold this content (no request) and which we wrote before with other content (an edit each); the others are
/// looked up with one <c>GET customers</c> filtered by their externalIds while one <c>customers/upload</c> creates those
/// that are new (the upload refuses the ones that exist, changing nothing). Then every customer exists and the orders
/// may go (<see cref="Progress.Ready"/>), while the content is completed beside them (<see cref="Progress.Done"/>):
/// found with other content, an edit; refused by the upload yet not found, looked up once more (another instance may
/// have created it meanwhile) and created alone only if still missing, for its own error. An upload's refusals are never
/// read from its error text, which names fields rather than customers (the errors may be an object keyed by field).
/// <para>
/// Concurrent batches of this instance with a buyer in common do not both write it: the first claims the customer; a
/// later batch waits for it to exist before its orders go and for its content before its own, newer content (if any)
/// is written. Claims are taken in one step per batch and a batch only waits for claims older than its own, so no two
/// batches ever wait on each other; every wait also ends at the batch's deadline.
/// </para>
/// </summary>
public sealed class CustomerWriter(RetailCrmClient crm, CustomerStateStore states, ILogger<CustomerWriter> log)
{
    /// <param name="Version">The Bitrix dateUpdate of the order the content comes from.</param>
    public sealed record Wanted(string Site, CrmCustomer Customer, string Hash, DateTimeOffset? Version)
    {
        public (string Site, string ExternalId) Key => (Site, Customer.ExternalId);
    }

    /// <summary>Per site and externalId, null when all is well, else why not.</summary>
    /// <param name="Ready">Whether RetailCRM has the customer, so that its orders may go.</param>
    /// <param name="Done">Whether RetailCRM holds the customer's content.</param>
    public sealed record Progress(Task<IReadOnlyDictionary<(string Site, string ExternalId), Exception?>> Ready,
        Task<IReadOnlyDictionary<(string Site, string ExternalId), Exception?>> Done);

    private readonly Dictionary<(string Site, string ExternalId), Claim> _claims = [];

    public Progress Start(IReadOnlyList<Wanted> wanted, CancellationToken ct)
    {
        // A buyer with several orders in the batch: the content of the most recently updated order.
        var newest = wanted.GroupBy(w => w.Key).Select(same => same.OrderBy(w => w.Version ?? DateTimeOffset.MinValue).Last()).ToList();
        var claim = new Claim();
        var (mine, others) = (new List<Wanted>(), new List<(Wanted Wanted, Claim Claim)>());
        lock (_claims)
        {
            foreach (var c in newest)
            {
                if (_claims.TryGetValue(c.Key, out var theirs)) others.Add((c, theirs));
                else
                {
                    _claims[c.Key] = claim;
                    mine.Add(c);
                }
            }
        }
        var sites = mine.GroupBy(c => c.Site).Select(site => new SiteWrite(crm, states, log, site.Key, [.. site], claim, ct)).ToList();
        var ready = ReadyAsync(sites, claim, others, ct);
        var done = DoneAsync(ready, sites, claim, mine, others, ct);
        return new Progress(ready, done);
    }

    private static async Task<IReadOnlyDictionary<(string Site, string ExternalId), Exception?>> ReadyAsync(List<SiteWrite> sites,
        Claim claim, List<(Wanted Wanted, Claim Claim)> others, CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(sites.Select(site => site.MakeExistAsync()));
        }
        finally
        {
            claim.Exists.TrySetResult();
        }
        var results = new Dictionary<(string Site, string ExternalId), Exception?>(claim.Results);
        foreach (var (c, theirs) in others)
        {
            await theirs.Exists.Task.WaitAsync(ct);
            results[c.Key] = theirs.Results.GetValueOrDefault(c.Key);
        }
        return results;
    }

    private async Task<IReadOnlyDictionary<(string Site, string ExternalId), Exception?>> DoneAsync(
        Task<IReadOnlyDictionary<(string Site, string ExternalId), Exception?>> ready, List<SiteWrite> sites, Claim claim,
        List<Wanted> mine, List<(Wanted Wanted, Claim Claim)> others, CancellationToken ct)
    {
        try
        {
            await ready;
            await Task.WhenAll(sites.Select(site => site.CompleteAsync()));
        }
        finally
        {
            lock (_claims)
                foreach (var c in mine)
                    if (_claims.GetValueOrDefault(c.Key) == claim) _claims.Remove(c.Key);
            claim.Written.TrySetResult();
        }
        var results = new Dictionary<(string Site, string ExternalId), Exception?>(claim.Results);
        foreach (var (c, theirs) in others)
        {
            await theirs.Written.Task.WaitAsync(ct);
            results[c.Key] = theirs.Results.GetValueOrDefault(c.Key)
                ?? (theirs.Content.TryGetValue(c.Key, out var held) && held.Hash != c.Hash && c.Version > held.Version
                    ? await WriteNewerAsync(c, ct)
                    : null);
        }
        return results;
    }

    /// <summary>An earlier batch wrote this customer from an older order: this batch's content is newer.</summary>
    private async Task<Exception?> WriteNewerAsync(Wanted c, CancellationToken ct)
    {
        try
        {
            var known = await states.GetAsync(c.Site, [c.Customer.ExternalId], ct);
            await crm.EditCustomerAsync(c.Customer, c.Site, ct);
            await states.SaveAsync(c.Site, [new CustomerState(c.Customer.ExternalId, c.Hash, c.Version,
                known.GetValueOrDefault(c.Customer.ExternalId)?.ETag ?? default)], ct);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex;
        }
    }

    /// <summary>One batch's hold on its customers, and what became of them.</summary>
    private sealed class Claim
    {
        public TaskCompletionSource Exists { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentDictionary<(string Site, string ExternalId), Exception?> Results { get; } = new();
        public ConcurrentDictionary<(string Site, string ExternalId), (string Hash, DateTimeOffset? Version)> Content { get; } = new();
    }

    /// <summary>The customers of one site that a batch claimed: what is known of them, and what was written.</summary>
    private sealed class SiteWrite(RetailCrmClient crm, CustomerStateStore states, ILogger log, string site, List<Wanted> customers,
        Claim claim, CancellationToken ct)
    {
        private readonly ConcurrentBag<CustomerState> _written = [];
        private readonly List<Wanted> _edits = [];
        private List<Wanted> _refused = [];
        private IReadOnlyDictionary<string, CustomerState> _known = new Dictionary<string, CustomerState>();

        /// <summary>One round trip: the customer state, then the lookup beside the upload of every unknown customer.</summary>
        public async Task MakeExistAsync()
        {
            try
            {
                _known = await states.GetAsync(site, customers.Select(c => c.Customer.ExternalId).ToList(), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail(customers, ex);
                return;
            }
            var unknown = new List<Wanted>();
            foreach (var c in customers)
            {
                if (!_known.TryGetValue(c.Customer.ExternalId, out var state)) unknown.Add(c);
                else if (state.Hash == c.Hash || state.SourceVersion > c.Version) Held(c, state.Hash, state.SourceVersion);
                else _edits.Add(c);
            }
            if (unknown.Count > 0) await LookUpAndUploadAsync(unknown);
        }

        /// <summary>Beside the orders: the edits, the refused customers, and the record of what RetailCRM now holds.</summary>
        public async Task CompleteAsync()
        {
            await Task.WhenAll(EditAllAsync(_edits), RetryMissingAsync(_refused));
            if (_written.IsEmpty) return;
            try
            {
                await states.SaveAsync(site, [.. _written], ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // RetailCRM has them; without the record the next push looks them up once more.
                log.LogWarning(ex, "Could not record {Count} customer(s) of site {Site} as written", _written.Count, site);
            }
        }

        private async Task LookUpAndUploadAsync(List<Wanted> unknown)
        {
            var chunks = unknown.Chunk(RetailCrmClient.MaxUploadBatch).ToList();
            var listing = ListAsync(unknown);
            var uploads = chunks.Select(UploadAsync).ToList();
            var found = await listing;
            var refused = new List<Wanted>();
            foreach (var (chunk, upload) in chunks.Zip(uploads))
            {
                var (result, error) = await upload;
                foreach (var c in chunk)
                {
                    var id = c.Customer.ExternalId;
                    if (result?.Created.Contains(id) == true) Written(c);
                    else if (found.Customers is { } customers && customers.TryGetValue(id, out var held))
                    {
                        if (CrmContent.Holds(held, c.Customer)) Written(c);
                        else _edits.Add(c);
                    }
                    // Not created, and nothing tells whether it exists: the queue tries again.
                    else if (found.Error is not null) Fail([c], found.Error);
                    else if (error is not null and not ExternalCallException { IsTransient: false }) Fail([c], error);
                    // Most likely created meanwhile by another instance; its orders go, and the next step makes sure.
                    else refused.Add(c);
                }
            }
            _refused = refused;
        }

        /// <summary>
        /// Refused by the upload yet not found by the lookup beside it: created meanwhile by another instance, or invalid.
        /// One more lookup tells which; only the missing are created alone, for their own error.
        /// </summary>
        private async Task RetryMissingAsync(List<Wanted> refused)
        {
            if (refused.Count == 0) return;
            var found = await ListAsync(refused);
            if (found.Error is not null)
            {
                Fail(refused, found.Error);
                return;
            }
            var different = new List<Wanted>();
            var missing = new List<Wanted>();
            foreach (var c in refused)
            {
                if (!found.Customers!.TryGetValue(c.Customer.ExternalId, out var held)) missing.Add(c);
                else if (CrmContent.Holds(held, c.Customer)) Written(c);
                else different.Add(c);
            }
            await Task.WhenAll(missing.Select(c => AttemptAsync(c, () => crm.CreateCustomerAsync(c.Customer, site, ct))).Append(EditAllAsync(different)));
        }

        private async Task<(UploadResult? Result, Exception? Error)> UploadAsync(Wanted[] chunk)
        {
            try
            {
                return (await crm.UploadCustomersAsync(chunk.Select(c => c.Customer).ToList(), site, ct), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (null, ex);
            }
        }

        private async Task<(Dictionary<string, JsonObject>? Customers, Exception? Error)> ListAsync(IReadOnlyList<Wanted> wanted)
        {
            try
            {
                var found = new Dictionary<string, JsonObject>();
                foreach (var chunk in wanted.Chunk(RetailCrmClient.MaxCustomersPerList))
                    foreach (var (id, customer) in await crm.ListCustomersAsync(chunk.Select(c => c.Customer.ExternalId).ToList(), site, ct))
                        found[id] = customer;
                return (found, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (null, ex);
            }
        }

        private Task EditAllAsync(List<Wanted> edits) => Task.WhenAll(edits.Select(c => AttemptAsync(c, async () =>
        {
            try
            {
                return await crm.EditCustomerAsync(c.Customer, site, ct);
            }
            catch (RetailCrmException gone) when (gone.Response.StatusCode == 404)
            {
                return await crm.CreateCustomerAsync(c.Customer, site, ct); // deleted in RetailCRM since we wrote it
            }
        })));

        private async Task AttemptAsync(Wanted c, Func<Task<long>> write)
        {
            try
            {
                var id = await write();
                log.LogInformation("Customer {CustomerId} written to RetailCRM site {Site} as {CrmCustomerId}", c.Customer.ExternalId, site, id);
                Written(c);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail([c], ex);
            }
        }

        private void Written(Wanted c)
        {
            _written.Add(new CustomerState(c.Customer.ExternalId, c.Hash, c.Version,
                _known.GetValueOrDefault(c.Customer.ExternalId)?.ETag ?? default));
            Held(c, c.Hash, c.Version);
        }

        private void Held(Wanted c, string hash, DateTimeOffset? version)
        {
            claim.Content[c.Key] = (hash, version);
            claim.Results[c.Key] = null;
        }

        private void Fail(IEnumerable<Wanted> failed, Exception ex)
        {
            foreach (var c in failed) claim.Results[c.Key] = ex;
        }
    }
}
