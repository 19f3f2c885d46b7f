using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>The incoming-webhook endpoint /rest/{userId}/{secret}/{method}[.json]: leaky-bucket limit at arrival, auth, parameters, envelope.</summary>
internal sealed class BitrixApi(BitrixSimulatorOptions options, BitrixMethods methods, RequestJournal journal)
{
    private readonly LeakyBucketRateLimiter limiter = new(() => options.BurstLimit, () => options.DrainPerSecond);

    public int RateLimitViolations => limiter.Violations;

    public void Map(WebApplication app)
    {
        app.MapMethods("/rest/{userId}/{secret}/{method}", [HttpMethods.Get, HttpMethods.Post], HandleAsync);
        app.MapFallback(context => context.Request.Path.StartsWithSegments("/rest")
            ? WriteAsync(context, 401, NoAuth())
            : WriteAsync(context, 404, BitrixFormat.Error("ERROR_METHOD_NOT_FOUND", "Method not found!")));
    }

    /// <summary>
    /// Counts a request to this webhook as it arrives (whatever method, batch included) and answers 503
    /// QUERY_LIMIT_EXCEEDED when the bucket blocks it (body as in issue bitrix-tools/b24-rest-docs#193).
    /// </summary>
    public async Task<bool> RefuseOverLimitAsync(HttpContext context)
    {
        if (!HasValidCredentials(context.Request.RouteValues) || limiter.TryAdmit())
            return false;
        journal.CountRateLimited();
        await WriteAsync(context, 503, BitrixFormat.Error("QUERY_LIMIT_EXCEEDED", "Too many requests"));
        return true;
    }

    private async Task HandleAsync(HttpContext context)
    {
        DateTimeOffset started = ShopClock.Now();
        RouteValueDictionary route = context.Request.RouteValues;
        if (!HasValidCredentials(route))
        {
            await WriteAsync(context, 401, NoAuth());
            return;
        }
        string method = BitrixFormat.MethodName((string)route["method"]!);
        if (!methods.Exists(method))
        {
            await WriteAsync(context, 404, BitrixFormat.Error("ERROR_METHOD_NOT_FOUND", "Method not found!"));
            return;
        }
        BitrixOutcome outcome = methods.Invoke(method, await ReadParametersAsync(context.Request));
        await WriteAsync(context, outcome.StatusCode, outcome.Failed ? outcome.ErrorBody() : Envelope(outcome, started));
    }

    /// <summary>Query string plus body; the body may be JSON or a form with PHP bracket keys. Unparseable JSON counts as no parameters, as in PHP.</summary>
    private static async Task<JsonObject> ReadParametersAsync(HttpRequest request)
    {
        List<KeyValuePair<string, string>> pairs = [.. Pairs(request.Query)];
        if (request.HasFormContentType)
            pairs.AddRange(Pairs(await request.ReadFormAsync(request.HttpContext.RequestAborted)));
        JsonObject parameters = BracketParameters.Parse(pairs);
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return parameters;
        try
        {
            if (await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) is JsonObject body)
                JsonValues.MergeInto(parameters, body);
        }
        catch (JsonException)
        {
            // Ignored on purpose: PHP's json_decode yields null and the method sees no parameters.
        }
        return parameters;
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source) =>
        source.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? "")));

    private static JsonObject Envelope(BitrixOutcome outcome, DateTimeOffset started)
    {
        JsonObject body = new() { ["result"] = outcome.Result };
        if (outcome.Next is { } next)
            body["next"] = next;
        if (outcome.Total is { } total)
            body["total"] = total;
        body["time"] = BitrixFormat.Time(started, ShopClock.Now());
        return body;
    }

    private bool HasValidCredentials(RouteValueDictionary route) =>
        (string?)route["userId"] == options.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)
        && (string?)route["secret"] == options.WebhookSecret;

    private static JsonObject NoAuth() => BitrixFormat.Error("NO_AUTH_FOUND", "Wrong authorization data");

    private static Task WriteAsync(HttpContext context, int statusCode, JsonObject body) =>
        JsonReply.WriteAsync(context, statusCode, body, BitrixFormat.Json);
}
