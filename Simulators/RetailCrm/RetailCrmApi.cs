using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>Routes of API v5 and what runs in front of every method: the per-key rate limit at arrival and the API key check.</summary>
internal sealed class RetailCrmApi(RetailCrmSimulatorOptions options, RetailCrmState state, RetailCrmCatalogStore store, RequestJournal journal)
{
    private readonly SlidingWindowRateLimiter limiter = new(() => options.RequestsPerSecondPerKey);
    private readonly RetailCrmUploadErrorShapes uploadShapes = new(options);

    public int RateLimitViolations => limiter.Violations;

    public void Map(WebApplication app)
    {
        app.Use(AnswerMethodNotAllowedAsJsonAsync);
        RouteGroupBuilder v5 = app.MapGroup("/api/v5");
        new RetailCrmOrderEndpoints(state, uploadShapes).Map(v5, Handle);
        new RetailCrmCustomerEndpoints(state, uploadShapes).Map(v5, Handle);
        new RetailCrmReferenceEndpoints(options).Map(v5, Handle);
        store.Map(v5, Handle);
        app.MapFallback(context => WriteAsync(context, new RetailCrmReply(404, RetailCrmFormat.Error("API method not found"))));
    }

    public static JsonObject FaultBody(int statusCode) => RetailCrmFormat.Error(statusCode switch
    {
        503 => "Service temporarily unavailable",
        429 => "Too many requests",
        _ => ReasonPhrases.GetReasonPhrase(statusCode) is { Length: > 0 } phrase ? phrase : "Internal Server Error",
    });

    /// <summary>
    /// Counts a request with a valid key as it arrives, whatever it asks for, and answers 503 when it is over the key's
    /// limit (body as in retailcrm/api-client-go client_test.go; its client retries 503 and 429).
    /// </summary>
    public async Task<bool> RefuseOverLimitAsync(HttpContext context)
    {
        (_, string? key) = await ReadFormAndKeyAsync(context);
        if (key is null || !options.IsValidKey(key) || limiter.TryAdmit(key))
            return false;
        journal.CountRateLimited();
        await WriteAsync(context, new RetailCrmReply(503, RetailCrmFormat.Error("Rate limit exceeded")));
        return true;
    }

    private RequestDelegate Handle(Func<RetailCrmCall, RetailCrmReply> method) => async context =>
    {
        (IFormCollection form, string? key) = await ReadFormAndKeyAsync(context);
        RetailCrmReply reply = Authorize(key) ?? method(new RetailCrmCall(options, context.Request.Query, form, key!, context.Request.RouteValues));
        await WriteAsync(context, reply);
    };

    /// <summary>The form (read once, then cached by ASP.NET) and the key: X-API-KEY header, else the apiKey form or query field.</summary>
    private static async Task<(IFormCollection Form, string? Key)> ReadFormAndKeyAsync(HttpContext context)
    {
        IFormCollection form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted)
            : FormCollection.Empty;
        string? key = context.Request.Headers["X-API-KEY"].FirstOrDefault() is { Length: > 0 } header
            ? header
            : form["apiKey"].FirstOrDefault() ?? context.Request.Query["apiKey"].FirstOrDefault();
        return (form, key);
    }

    private RetailCrmReply? Authorize(string? key)
    {
        if (string.IsNullOrEmpty(key))
            return new RetailCrmReply(403, RetailCrmFormat.Error("\"apiKey\" is missing."));
        return options.IsValidKey(key) ? null : new RetailCrmReply(403, RetailCrmFormat.Error("Wrong \"apiKey\" value."));
    }

    private static async Task AnswerMethodNotAllowedAsJsonAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted)
            await WriteAsync(context, new RetailCrmReply(405, RetailCrmFormat.Error("Method Not Allowed")));
    }

    private static Task WriteAsync(HttpContext context, RetailCrmReply reply) =>
        JsonReply.WriteAsync(context, reply.StatusCode, reply.Body, RetailCrmFormat.Json);
}
