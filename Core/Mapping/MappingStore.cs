using Azure.Data.Tables;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Mapping;

/// <summary>
/// Mapping tables in Table Storage: a partition per kind, RowKey = Bitrix code, CrmCode = RetailCRM code.
/// Seeded from the versioned default-mappings.json without overwriting rows an operator edited; read through a
/// short-lived in-memory snapshot so edits apply without a redeploy.
/// </summary>
public sealed class MappingStore(StorageClients storage, IOptions<SyncOptions> options, TimeProvider clock)
{
    private const string MetaPartition = "_meta";
    private const string SeedRow = "seed";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (MappingSet Set, DateTimeOffset ExpiresAt)? _cache;
    private bool _seeded;

    public async Task<MappingSet> GetAsync(CancellationToken ct)
    {
        if (_cache is { } fresh && fresh.ExpiresAt > clock.GetUtcNow()) return fresh.Set;
        await _refresh.WaitAsync(ct);
        try
        {
            if (_cache is { } again && again.ExpiresAt > clock.GetUtcNow()) return again.Set;
            if (!_seeded) await SeedAsync(ct);
            var set = await LoadAsync(ct);
            _cache = (set, clock.GetUtcNow() + options.Value.MappingCacheTtl);
            return set;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Adds the default rows that are missing when the file's version is newer than the last seeded one.</summary>
    public async Task SeedAsync(CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var meta = await table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, SeedRow, cancellationToken: ct);
        var seededVersion = meta.HasValue ? meta.Value!.GetInt32("Version") ?? 0 : 0;
        if (seededVersion < DefaultMappings.Version)
        {
            var existing = (await LoadAsync(ct)).Entries.Select(e => (e.Kind, e.BitrixCode)).ToHashSet();
            foreach (var entry in DefaultMappings.Load().Where(e => !existing.Contains((e.Kind, e.BitrixCode))))
                await table.UpsertEntityAsync(ToEntity(entry), TableUpdateMode.Replace, ct);
            await table.UpsertEntityAsync(new TableEntity(MetaPartition, SeedRow) { ["Version"] = DefaultMappings.Version },
                TableUpdateMode.Replace, ct);
        }
        _seeded = true;
    }

    /// <summary>Writes one mapping row; this instance sees it at once, others within the cache TTL.</summary>
    public async Task SetAsync(MappingEntry entry, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        await table.UpsertEntityAsync(ToEntity(entry), TableUpdateMode.Replace, ct);
        _cache = null;
    }

    public async Task RemoveAsync(MappingKind kind, string bitrixCode, CancellationToken ct)
    {
        var table = await TableAsync(ct);
        await table.DeleteEntityAsync(kind.ToKey(), bitrixCode, cancellationToken: ct);
        _cache = null;
    }

    private async Task<MappingSet> LoadAsync(CancellationToken ct)
    {
        var table = await TableAsync(ct);
        var entries = new List<MappingEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey != MetaPartition, cancellationToken: ct))
            if (MappingKindExtensions.TryParse(e.PartitionKey, out var kind) && e.GetString("CrmCode") is { Length: > 0 } code)
                entries.Add(new MappingEntry(kind, e.RowKey, code));
        return new MappingSet(entries);
    }

    private static TableEntity ToEntity(MappingEntry entry) =>
        new(entry.Kind.ToKey(), entry.BitrixCode) { ["CrmCode"] = entry.CrmCode };

    private Task<TableClient> TableAsync(CancellationToken ct) => storage.TableAsync(options.Value.MappingTable, ct);
}
