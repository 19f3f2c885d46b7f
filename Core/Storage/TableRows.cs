using Azure.Data.Tables;

namespace BitrixRetailCrm.Storage;

/// <summary>Reads rows of one partition by row key, a few queries at once instead of a read per row.</summary>
internal static class TableRows
{
    /// <summary>
    /// The Table service allows at most 15 comparisons in one $filter (Azurite does not check): the partition plus 14
    /// row keys per query.
    /// </summary>
    private const int RowKeysPerQuery = 14;

    /// <summary>
    /// The rows that exist, and the storage service's time of the earliest answer (a lease read with it is never taken
    /// as expired early, whatever the instance's clock says).
    /// </summary>
    public static async Task<(Dictionary<string, TableEntity> Rows, DateTimeOffset Now)> ReadAsync(TableClient table,
        string partition, IReadOnlyCollection<string> rowKeys, CancellationToken ct)
    {
        var answers = await Task.WhenAll(rowKeys.Distinct().Chunk(RowKeysPerQuery).Select(keys => QueryAsync(table, partition, keys, ct)));
        var rows = answers.SelectMany(a => a.Rows).ToDictionary(r => r.RowKey);
        var now = answers.Select(a => a.Date).Where(d => d is not null).Min();
        return (rows, now ?? DateTimeOffset.UtcNow);
    }

    private static async Task<(List<TableEntity> Rows, DateTimeOffset? Date)> QueryAsync(TableClient table, string partition,
        string[] rowKeys, CancellationToken ct)
    {
        var keys = string.Join(" or ", rowKeys.Select(key => TableClient.CreateQueryFilter($"RowKey eq {key}")));
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {partition}")} and ({keys})";
        var rows = new List<TableEntity>();
        DateTimeOffset? date = null;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).AsPages())
        {
            date ??= page.GetRawResponse().Headers.Date;
            rows.AddRange(page.Values);
        }
        return (rows, date);
    }
}
