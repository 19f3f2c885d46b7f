using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Http;
using Flurl.Http;

namespace BitrixRetailCrm.Bitrix;

/// <summary>Bitrix REST through the inbound-webhook URL (the HttpClient's base address).</summary>
public sealed class BitrixClient(IHttpClientFactory httpClientFactory)
{
    public const string HttpClientName = "bitrix";

    // Core and the docs disagree on the not-found code (bitrix-api.md §8); accept both.
    private static readonly HashSet<string> OrderNotFoundCodes = ["200540400001", "201240400001"];

    public async Task<BitrixOrder> GetOrderAsync(string orderId, CancellationToken ct)
    {
        using var result = await CallAsync("sale.order.get", new JsonObject { ["id"] = long.Parse(orderId) }, ct);
        var order = result.RootElement.GetProperty("result").GetProperty("order");
        return BitrixOrderParser.Parse(order);
    }

    /// <summary>Most sub-calls one <c>batch</c> request may carry (bitrix-api.md §3.1).</summary>
    public const int MaxBatchCommands = 50;

    /// <summary>
    /// Reads up to 50 orders with one <c>batch</c> call (halt=0), so one HTTP request — one unit of the leaky bucket —
    /// serves the whole group. Each order comes back on its own: the parsed order, or the exception a single
    /// sale.order.get would have thrown (<see cref="BitrixOrderNotFoundException"/> for a missing order). A failure of
    /// the batch call itself (rate limit, outage) throws for all of them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, BitrixOrderResult>> GetOrdersAsync(IReadOnlyCollection<string> orderIds,
        CancellationToken ct)
    {
        if (orderIds.Count > MaxBatchCommands)
            throw new ArgumentOutOfRangeException(nameof(orderIds), $"at most {MaxBatchCommands} orders per batch");
        var commands = new JsonObject();
        foreach (var id in orderIds)
            commands[$"o{long.Parse(id)}"] = $"sale.order.get?id={long.Parse(id)}";
        using var batch = BitrixBatchResponse.From(await CallAsync("batch", new JsonObject { ["halt"] = 0, ["cmd"] = commands }, ct));
        var results = new Dictionary<string, BitrixOrderResult>();
        foreach (var id in orderIds)
        {
            var key = $"o{long.Parse(id)}";
            try
            {
                if (batch.Result(key) is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("order", out var order))
                {
                    results[id] = new BitrixOrderResult(BitrixOrderParser.Parse(order), null);
                    continue;
                }
                var error = batch.Error(key);
                var (code, description) = error is { } e ? BitrixError.From(e) : new BitrixError("", "no result");
                var body = error?.GetRawText() ?? "";
                results[id] = new BitrixOrderResult(null, OrderNotFoundCodes.Contains(code)
                    ? new BitrixOrderNotFoundException("sale.order.get", description, body)
                    // Unknown sub-call errors are treated as transient: the queue retries, the last attempt dead-letters.
                    : new ExternalCallException("Bitrix", "sale.order.get", $"batch sub-call {code}: {description}", null, body));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[id] = new BitrixOrderResult(null, ex); // e.g. BitrixPayloadException for one malformed order
            }
        }
        return results;
    }

    /// <summary>Rows per page of every *.list method; fixed by Bitrix (bitrix-api.md §2.2).</summary>
    public const int ListPageSize = 50;

    /// <summary>
    /// Orders updated at or after <paramref name="since"/> with an id above <paramref name="afterId"/>, in id order, read
    /// the cheap way (bitrix-api.md §2.2): start=-1 skips the count (which fetches every matching row), and up to
    /// <paramref name="pages"/> pages share one batch request, each continuing after the previous page's last id
    /// ($result[p0][orders][49][id]). The pages end at the first short one: later pages of the batch refer to a row that
    /// does not exist, which Bitrix leaves unresolved, so they are dropped unread.
    /// </summary>
    public async Task<BitrixOrderPages> ListUpdatedOrdersAsync(DateTimeOffset since, long? afterId, int pages, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pages, MaxBatchCommands);
        var commands = new JsonObject();
        for (var i = 0; i < pages; i++)
            commands[$"p{i}"] = UpdatedOrders(since).PageCommand(i, afterId?.ToString(CultureInfo.InvariantCulture), countTotal: false);
        var doc = await CallAsync("batch", new JsonObject { ["halt"] = 1, ["cmd"] = commands }, ct);
        var serverTime = ServerTime(doc.RootElement);
        using var batch = BitrixBatchResponse.From(doc);
        if (batch.HaltedBy("sale.order.list") is { } failed) throw failed;
        var read = new List<IReadOnlyList<BitrixOrderStamp>>();
        for (var i = 0; i < pages; i++)
        {
            var page = batch.Result($"p{i}") is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("orders", out var orders)
                       && orders.ValueKind == JsonValueKind.Array
                ? orders.EnumerateArray().Select((row, k) => OrderStamp(new BitrixJsonObject(row, $"p{i}.orders[{k}]"))).ToList()
                : [];
            read.Add(page);
            if (page.Count < ListPageSize) break;
        }
        return new BitrixOrderPages(read, serverTime);
    }

    private static BitrixListRequest UpdatedOrders(DateTimeOffset since) => new("sale.order.list", "orders", "id",
    [
        BitrixListRequest.P("select[]", "id"), BitrixListRequest.P("select[]", "dateUpdate"), BitrixListRequest.P("select[]", "lid"),
        BitrixListRequest.P("filter[>=dateUpdate]", since.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
    ]);

    private static BitrixOrderStamp OrderStamp(BitrixJsonObject row) =>
        new(row.RequiredString("id"), row.String("lid"), row.Date("dateUpdate"));

    /// <summary>Bitrix's clock when it began answering (time.date_start of every envelope).</summary>
    private static DateTimeOffset? ServerTime(JsonElement root) =>
        root.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.Object
        && time.TryGetProperty("date_start", out var start) && start.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(start.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment)
            ? moment
            : null;

    /// <summary>
    /// sale.order.update with only statusId and canceled, so basket, payments and shipments stay untouched
    /// (bitrix-api.md §2.3). Bitrix saves the order and fires OnSaleOrderSaved: our own hook hears an echo.
    /// </summary>
    public async Task UpdateOrderStatusAsync(string orderId, string statusId, bool canceled, CancellationToken ct)
    {
        var fields = new JsonObject { ["statusId"] = statusId, ["canceled"] = canceled ? "Y" : "N" };
        using var _ = await CallAsync("sale.order.update", new JsonObject { ["id"] = long.Parse(orderId), ["fields"] = fields }, ct);
    }

    private async Task<JsonDocument> CallAsync(string method, JsonObject parameters, CancellationToken ct)
    {
        var (status, body) = await PostAsync(httpClientFactory, method, parameters, ct);
        var error = BitrixError.TryParse(body);
        if (status == 200 && error is null)
            return JsonDocument.Parse(body);
        if (error is not null && OrderNotFoundCodes.Contains(error.Code))
            throw new BitrixOrderNotFoundException(method, error.Description, body);
        throw BitrixError.Failure(method, status, body);
    }

    /// <summary>One REST method through the inbound-webhook client, parameters as a JSON body.</summary>
    internal static async Task<(int Status, string Body)> PostAsync(IHttpClientFactory httpClientFactory, string method,
        JsonObject parameters, CancellationToken ct)
    {
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        return await FlurlCalls.SendAsync("Bitrix", method, () => flurl.Request(method)
            .AllowAnyHttpStatus()
            .PostAsync(new StringContent(parameters.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken: ct));
    }
}

/// <summary>An order as sale.order.list shows it to the reconciliation: enough to tell whether it changed since its push.</summary>
public sealed record BitrixOrderStamp(string Id, string? SiteId, DateTimeOffset? DateUpdate);

/// <summary>Pages of a scan in id order, the last one short when the scan is complete; and Bitrix's clock at the request.</summary>
public sealed record BitrixOrderPages(IReadOnlyList<IReadOnlyList<BitrixOrderStamp>> Pages, DateTimeOffset? ServerTime);

/// <summary>One order of a batch read: the order, or why it could not be read.</summary>
public sealed record BitrixOrderResult(BitrixOrder? Order, Exception? Error);

public sealed class BitrixOrderNotFoundException(string method, string description, string responseBody)
    : ExternalCallException("Bitrix", method, $"order not found ({description})", 400, responseBody);

/// <summary>The Bitrix error envelope; `error` is a string on system errors and a number on sale errors.</summary>
public sealed record BitrixError(string Code, string Description)
{
    /// <summary>The exception for a failed call, naming Bitrix's error code when the body carries one.</summary>
    public static ExternalCallException Failure(string method, int status, string body) =>
        TryParse(body) is { } error
            ? new ExternalCallException("Bitrix", method, $"HTTP {status} {error.Code}: {error.Description}", status, body)
            : new ExternalCallException("Bitrix", method, $"HTTP {status}", status, body);

    /// <summary>An error object: a whole failed response, or one command's entry in a batch's result_error.</summary>
    public static BitrixError From(JsonElement error) => new(
        error.TryGetProperty("error", out var code) ? code.ToString() : "",
        error.TryGetProperty("error_description", out var description) ? description.ToString() : "");

    public static BitrixError? TryParse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out _)
                ? From(doc.RootElement)
                : null;
        }
        catch (JsonException)
        {
            return null; // e.g. an HTML error page from a proxy; the status code tells the story
        }
    }
}
