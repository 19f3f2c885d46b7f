using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Sync;

/// <summary>
/// Makes RetailCRM hold the customers of a push batch with a few requests per batch, not per customer. Per site: the
/// customer state (shared by every instance) says which customers already hold this content (no request) and which we
/// wrote before with other content (an edit each); the rest are looked up with one <c>GET customers</c> filtered by
/// their externalIds: found and equal, nothing to write; found and different, an edit; not found, one
/// <c>customers/upload</c>. An upload's refusals are not read from its error text, which names fields rather than
/// customers (the errors may be an object keyed by field): the refused customers are looked up again with one list
/// request, and only those still missing are created alone, for their own error.
/// </summary>
public sealed class CustomerWriter(RetailCrmClient crm, CustomerStateStore states, ILogger<CustomerWriter> log)
{
    /// <param name="Version">The Bitrix dateUpdate of the order the content comes from.</param>
    public sealed record Wanted(string Site, CrmCustomer Customer, string Hash, DateTimeOffset? Version);

    /// <summary>Per site and externalId: null when RetailCRM holds the customer's content, else why it does not.</summary>
    public async Task<IReadOnlyDictionary<(string Site, string ExternalId), Exception?>> WriteAsync(IReadOnlyList<Wanted> wanted,
        CancellationToken ct)
    {
        var results = new ConcurrentDictionary<(string Site, string ExternalId), Exception?>();
        var held = new List<IDisposable>();
        try
        {
            // Concurrent batches of this instance with a buyer in common write it one after the other: the later one
            // then finds the earlier one's record. Keys are taken in one order, so two batches never wait on each other.
            foreach (var key in wanted.Select(w => $"{w.Site}\n{w.Customer.ExternalId}").Distinct().Order(StringComparer.Ordinal))
                held.Add(await _writing.AcquireAsync(key, ct));
            await Task.WhenAll(wanted.GroupBy(w => w.Site).Select(site => new SiteWrite(crm, states, log, site.Key, results, ct).RunAsync(Newest(site))));
        }
        finally
        {
            foreach (var key in held) key.Dispose();
        }
        return results;
    }

    private readonly KeyedLock _writing = new();

    /// <summary>A buyer with several orders in the batch: the content of the most recently updated order.</summary>
    private static List<Wanted> Newest(IEnumerable<Wanted> site) => site
        .GroupBy(w => w.Customer.ExternalId)
        .Select(same => same.OrderBy(w => w.Version ?? DateTimeOffset.MinValue).Last())
        .ToList();

    /// <summary>The customers of one site: what is known of them, what got written, and each one's result.</summary>
    private sealed class SiteWrite(RetailCrmClient crm, CustomerStateStore states, ILogger log, string site,
        ConcurrentDictionary<(string, string), Exception?> results, CancellationToken ct)
    {
        private readonly ConcurrentBag<CustomerState> _written = [];
        private IReadOnlyDictionary<string, CustomerState> _known = new Dictionary<string, CustomerState>();

        public async Task RunAsync(List<Wanted> customers)
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
            var edits = new List<Wanted>();
            foreach (var c in customers)
            {
                if (!_known.TryGetValue(c.Customer.ExternalId, out var state)) unknown.Add(c);
                else if (state.Hash == c.Hash || state.SourceVersion > c.Version) results[(site, c.Customer.ExternalId)] = null;
                else edits.Add(c);
            }
            await Task.WhenAll(EditAllAsync(edits), unknown.Count == 0 ? Task.CompletedTask : LookUpAndWriteAsync(unknown, upload: true));
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

        /// <summary>
        /// Customers RetailCRM may or may not have: one list request tells. The missing ones are uploaded together, or,
        /// after an upload refused them, created alone.
        /// </summary>
        private async Task LookUpAndWriteAsync(IReadOnlyList<Wanted> customers, bool upload)
        {
            Dictionary<string, JsonObject> found;
            try
            {
                found = [];
                foreach (var chunk in customers.Chunk(RetailCrmClient.MaxCustomersPerList))
                    foreach (var (id, customer) in await crm.ListCustomersAsync(chunk.Select(c => c.Customer.ExternalId).ToList(), site, ct))
                        found[id] = customer;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail(customers, ex);
                return;
            }
            var (different, missing) = (new List<Wanted>(), new List<Wanted>());
            foreach (var c in customers)
            {
                if (!found.TryGetValue(c.Customer.ExternalId, out var held)) missing.Add(c);
                else if (CrmContent.Holds(held, c.Customer)) Written(c);
                else different.Add(c);
            }
            var creates = upload
                ? missing.Chunk(RetailCrmClient.MaxUploadBatch).Select(UploadAsync)
                : missing.Select(c => AttemptAsync(c, () => crm.CreateCustomerAsync(c.Customer, site, ct)));
            await Task.WhenAll(creates.Append(EditAllAsync(different)));
        }

        private async Task UploadAsync(Wanted[] chunk)
        {
            UploadResult result;
            try
            {
                result = await crm.UploadCustomersAsync(chunk.Select(c => c.Customer).ToList(), site, ct);
            }
            catch (ExternalCallException refused) when (!refused.IsTransient)
            {
                // The whole request was refused (one invalid customer can do that): each alone, for its own answer.
                await Task.WhenAll(chunk.Select(c => AttemptAsync(c, () => crm.CreateCustomerAsync(c.Customer, site, ct))));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail(chunk, ex);
                return;
            }
            var refusedOnes = new List<Wanted>();
            foreach (var c in chunk)
            {
                if (result.Uploaded.ContainsKey(c.Customer.ExternalId)) Written(c);
                else refusedOnes.Add(c);
            }
            // Refused: created meanwhile by another instance, or invalid. The list tells which.
            if (refusedOnes.Count > 0) await LookUpAndWriteAsync(refusedOnes, upload: false);
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
                log.LogInformation("Customer {CustomerId} written to RetailCRM site {Site} as {CrmCustomerId}",
                    c.Customer.ExternalId, site, id);
                Written(c);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[(site, c.Customer.ExternalId)] = ex;
            }
        }

        private void Written(Wanted c)
        {
            _written.Add(new CustomerState(c.Customer.ExternalId, c.Hash, c.Version,
                _known.GetValueOrDefault(c.Customer.ExternalId)?.ETag ?? default));
            results[(site, c.Customer.ExternalId)] = null;
        }

        private void Fail(IEnumerable<Wanted> customers, Exception ex)
        {
            foreach (var c in customers) results[(site, c.Customer.ExternalId)] = ex;
        }
    }
}
