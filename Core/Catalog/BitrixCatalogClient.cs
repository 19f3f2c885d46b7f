using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Http;
using Flurl.Http;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// The catalogue over Bitrix REST, the cheap way (bitrix-api.md §3.1, §5.1): every HTTP request is a batch of up to 50
/// commands, pages are ordered by their key and continue with filter[&gt;key] instead of an offset, and start=-1 skips
/// Bitrix's COUNT(*). Chained pages refer to the previous page's last key ($result[p0][rows][49][id]), so one request
/// fetches 50 pages without waiting for each. All calls go through the "bitrix" HttpClient and its rate limiter.
/// </summary>
public sealed class BitrixCatalogClient(IHttpClientFactory httpClientFactory, IOptions<CatalogOptions> options)
{
    public const int PageSize = BitrixClient.ListPageSize;
    private const int MaxCommands = BitrixClient.MaxBatchCommands;

    /// <summary>HTTP requests this instance sent (each batch is one), for the benchmark and the logs.</summary>
    public int Requests => _requests;
    private int _requests;

    /// <summary>
    /// Every row of the query in key order, one window (a batch's worth of pages) at a time, so the caller can work on
    /// 2,500 rows while never holding the catalogue. The first request fetches one page with start=0 to learn the total;
    /// later batches carry exactly as many pages as remain. A window's rows live in one pooled JsonDocument that is
    /// released when the caller asks for the next window: Clone() a row to keep it longer.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<JsonElement>> ScanAsync(BitrixListRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        string? last = null;
        int? remaining = null;
        while (remaining is null or > 0)
        {
            var pages = remaining is null ? 1 : Math.Min(options.Value.PagesPerBatch, (remaining.Value + PageSize - 1) / PageSize);
            var commands = Enumerable.Range(0, pages).Select(i => ($"p{i}", request.PageCommand(i, last, countTotal: remaining is null))).ToList();
            using var batch = await BatchAsync(commands, ct);
            remaining ??= batch.Total("p0") ?? int.MaxValue;
            var window = new List<JsonElement>(pages * PageSize);
            foreach (var (key, _) in commands)
            {
                var before = window.Count;
                window.AddRange(Rows(batch, key, request.ResultKey));
                var count = window.Count - before;
                remaining -= count;
                if (count < PageSize) remaining = 0; // a short page is the last; later chained pages are void
                if (remaining <= 0) break;
                last = CatalogElement.Text(CatalogElement.Field(window[^1], request.KeyField));
            }
            if (window.Count > 0) yield return window;
        }
    }

    /// <summary>
    /// The rows whose <paramref name="idField"/> is one of <paramref name="ids"/>: 50 ids per command (filter[@field]),
    /// 50 commands per request; a command with more than a page of rows is continued with its result_next. A row is valid
    /// until the rows of its batch have been enumerated (its batch's document is then released): Clone() it to keep it.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ByIdsAsync(BitrixListRequest request, string idField, IEnumerable<long> ids,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var pending = new Queue<(string Command, int Start)>(ids.Distinct().Chunk(PageSize)
            .Select(chunk => (IdsCommand(request, idField, chunk), 0)));
        while (pending.Count > 0)
        {
            var commands = new List<(string Key, string Command, int Start)>();
            while (pending.Count > 0 && commands.Count < MaxCommands)
            {
                var (command, start) = pending.Dequeue();
                commands.Add(($"q{commands.Count}", command, start));
            }
            using var batch = await BatchAsync(commands.Select(c => (c.Key, $"{c.Command}&start={c.Start}")).ToList(), ct);
            foreach (var (key, command, _) in commands)
            {
                foreach (var row in Rows(batch, key, request.ResultKey)) yield return row;
                if (batch.Next(key) is { } next) pending.Enqueue((command, next));
            }
        }
    }

    private static string IdsCommand(BitrixListRequest request, string idField, long[] ids) =>
        request.Command(ids.Select((id, i) => BitrixListRequest.P($"filter[@{idField}][{i}]", id)));

    /// <summary>
    /// Sends one batch and parses the answer straight from the response stream into a pooled JsonDocument: a 2,500-row
    /// answer is megabytes, and reading it as a string first (then a node tree) put several large-object-heap copies of
    /// every window in the working set.
    /// </summary>
    private async Task<BitrixBatchResponse> BatchAsync(IReadOnlyList<(string Key, string Command)> commands, CancellationToken ct)
    {
        var cmd = new JsonObject();
        foreach (var (key, command) in commands) cmd[key] = command;
        var body = new JsonObject { ["halt"] = 1, ["cmd"] = cmd }.ToJsonString();
        Interlocked.Increment(ref _requests);
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(BitrixClient.HttpClientName));
        using var response = await FlurlCalls.OpenAsync("Bitrix", "batch", () => flurl.Request("batch").AllowAnyHttpStatus()
            .PostAsync(new StringContent(body, Encoding.UTF8, "application/json"), HttpCompletionOption.ResponseHeadersRead, ct));
        if (response.StatusCode != 200) throw BitrixError.Failure("batch", response.StatusCode, await response.GetStringAsync());
        var batch = BitrixBatchResponse.From(await JsonDocument.ParseAsync(await response.GetStreamAsync(), cancellationToken: ct));
        // halt=1: the first failing command stops the batch, and a half-read catalogue must not become a feed.
        if (batch.HaltedBy("batch") is not { } failed) return batch;
        batch.Dispose();
        throw failed;
    }

    /// <summary>Rows of one command; catalog.section.list's published sample has no "sections" wrapper, so a bare array is accepted too.</summary>
    private static IEnumerable<JsonElement> Rows(BitrixBatchResponse batch, string key, string resultKey) => batch.Result(key) switch
    {
        { ValueKind: JsonValueKind.Object } wrapped => Objects(CatalogElement.Field(wrapped, resultKey)),
        var bare => Objects(bare),
    };

    private static IEnumerable<JsonElement> Objects(JsonElement? array) =>
        array is { ValueKind: JsonValueKind.Array } rows ? rows.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object) : [];
}
