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
        using var doc = await CallAsync("batch", new JsonObject { ["halt"] = 0, ["cmd"] = commands }, ct);
        var outer = doc.RootElement.GetProperty("result");
        var results = new Dictionary<string, BitrixOrderResult>();
        foreach (var id in orderIds)
        {
            var key = $"o{long.Parse(id)}";
            try
            {
                if (Member(outer, "result", key) is { } result && result.TryGetProperty("order", out var order))
                {
                    results[id] = new BitrixOrderResult(BitrixOrderParser.Parse(order), null);
                    continue;
                }
                var error = Member(outer, "result_error", key);
                var code = error is { } e && e.TryGetProperty("error", out var c) ? c.ToString() : "";
                var description = error is { } e2 && e2.TryGetProperty("error_description", out var d) ? d.ToString() : "no result";
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

    /// <summary>Empty batch members are serialised as [] (PHP empty arrays), so only objects hold keys.</summary>
    private static JsonElement? Member(JsonElement outer, string member, string key) =>
        outer.TryGetProperty(member, out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(key, out var value)
            ? value
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

    public static BitrixError? TryParse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var code))
                return null;
            var description = doc.RootElement.TryGetProperty("error_description", out var d) ? d.ToString() : "";
            return new BitrixError(code.ToString(), description);
        }
        catch (JsonException)
        {
            return null; // e.g. an HTML error page from a proxy; the status code tells the story
        }
    }
}
