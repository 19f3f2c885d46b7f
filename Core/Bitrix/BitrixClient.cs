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
        using var flurl = new FlurlClient(httpClientFactory.CreateClient(HttpClientName));
        var (status, body) = await FlurlCalls.SendAsync("Bitrix", method, () => flurl.Request(method)
            .AllowAnyHttpStatus()
            .PostAsync(new StringContent(parameters.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken: ct));
        var error = BitrixError.TryParse(body);
        if (status == 200 && error is null)
            return JsonDocument.Parse(body);
        if (error is not null && OrderNotFoundCodes.Contains(error.Code))
            throw new BitrixOrderNotFoundException(method, error.Description, body);
        throw new ExternalCallException("Bitrix", method,
            error is null ? $"HTTP {status}" : $"HTTP {status} {error.Code}: {error.Description}", status, body);
    }
}

public sealed class BitrixOrderNotFoundException(string method, string description, string responseBody)
    : ExternalCallException("Bitrix", method, $"order not found ({description})", 400, responseBody);

/// <summary>The Bitrix error envelope; `error` is a string on system errors and a number on sale errors.</summary>
public sealed record BitrixError(string Code, string Description)
{
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
