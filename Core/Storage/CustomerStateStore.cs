using Azure;
using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// Per-customer state in the order-state table, a partition per RetailCRM site, shared by every instance: a customer
/// whose content is already in RetailCRM is not written again, whichever instance wrote it.
/// </summary>
public sealed class CustomerStateStore(StorageClients storage, IOptions<SyncOptions> options)
{
    /// <summary>Most operations one entity-group transaction takes.</summary>
    private const int MaxTransactionActions = 100;

    public async Task<IReadOnlyDictionary<string, CustomerState>> GetAsync(string site, IReadOnlyCollection<string> externalIds,
        CancellationToken ct)
    {
        if (externalIds.Count == 0) return new Dictionary<string, CustomerState>();
        var table = await TableAsync(ct);
        var (rows, _) = await TableRows.ReadAsync(table, Partition(site), externalIds.Select(Key).ToList(), ct);
        return rows.Values.ToDictionary(r => Uri.UnescapeDataString(r.RowKey), r => new CustomerState(Uri.UnescapeDataString(r.RowKey),
            r.GetString("Hash") ?? "", r.GetDateTimeOffset("SourceVersion"), r.ETag));
    }

    /// <summary>
    /// Records what is now in RetailCRM, a transaction per 100 customers. A row another instance changed since it was
    /// read keeps that instance's record (both wrote RetailCRM; either content is a true one).
    /// </summary>
    public async Task SaveAsync(string site, IReadOnlyList<CustomerState> states, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        foreach (var chunk in states.Chunk(MaxTransactionActions))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(s => Action(site, s)), ct);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                await Task.WhenAll(chunk.Select(async s =>
                {
                    try { await table.SubmitTransactionAsync([Action(site, s)], ct); }
                    catch (TableTransactionFailedException one) when (one.Status is 409 or 412) { }
                }));
            }
        }
    }

    private static TableTransactionAction Action(string site, CustomerState state)
    {
        var entity = new TableEntity(Partition(site), Key(state.ExternalId))
        {
            ["Hash"] = state.Hash,
            ["SourceVersion"] = state.SourceVersion,
        };
        return state.ETag == default
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, state.ETag);
    }

    /// <summary>Table keys may not hold '/', '\', '#', '?' or control characters; escaping keeps any code usable.</summary>
    private static string Key(string value) => Uri.EscapeDataString(value);

    private static string Partition(string site) => "customer-" + Key(site);

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.OrderStateTable, ct);
}
