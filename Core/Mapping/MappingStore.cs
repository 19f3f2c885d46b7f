using Azure;
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

    /// <summary>The rows as stored now, bypassing the cache (for listing and export).</summary>
    public async Task<MappingSet> ReadAsync(CancellationToken ct)
    {
        if (!_seeded) await SeedAsync(ct);
        return await LoadAsync(ct);
    }

    /// <summary>
    /// Writes a validated set of rows (see <see cref="MappingFile"/>): one transaction per kind, so a kind is written
    /// whole or not at all. With <paramref name="replace"/>, rows of the kinds present in <paramref name="entries"/>
    /// that the set does not contain are deleted in the same transaction; kinds absent from the set are untouched.
    /// </summary>
    public async Task<MappingImportResult> ImportAsync(IReadOnlyCollection<MappingEntry> entries, bool replace, CancellationToken ct)
    {
        _ = new MappingSet(entries); // rejects duplicates before anything is written
        var table = await TableAsync(ct);
        if (!_seeded) await SeedAsync(ct);
        var current = (await LoadAsync(ct)).Entries.ToLookup(e => e.Kind);
        int written = 0, unchanged = 0, removed = 0;
        foreach (var kind in entries.GroupBy(e => e.Kind))
        {
            var existing = current[kind.Key].ToDictionary(e => e.BitrixCode);
            var actions = new List<TableTransactionAction>();
            foreach (var entry in kind)
            {
                if (existing.TryGetValue(entry.BitrixCode, out var old) && old.CrmCode == entry.CrmCode) { unchanged++; continue; }
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(entry)));
                written++;
            }
            if (replace)
            {
                var keep = kind.Select(e => e.BitrixCode).ToHashSet();
                foreach (var stale in existing.Values.Where(e => !keep.Contains(e.BitrixCode)))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, ToEntity(stale), ETag.All));
                    removed++;
                }
            }
            // A Table Storage transaction holds at most 100 operations; larger kinds are written in chunks.
            foreach (var chunk in actions.Chunk(100))
                await table.SubmitTransactionAsync(chunk, ct);
        }
        _cache = null;
        return new MappingImportResult(written, unchanged, removed);
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

public sealed record MappingImportResult(int Written, int Unchanged, int Removed);
