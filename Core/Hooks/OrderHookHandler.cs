using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Hooks;

/// <summary>
/// POST /api/bitrix/order-saved: authenticate, validate, enqueue one message per order and answer 202. It never calls
/// Bitrix or RetailCRM, so checkout and Bitrix's event queue are never held up by them.
/// </summary>
public sealed class OrderHookHandler(
    OrderQueue queue,
    IOptions<BitrixOptions> bitrix,
    IOptions<SyncOptions> sync,
    TimeProvider clock,
    ILogger<OrderHookHandler> log)
{
    public async Task<IActionResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var body = await RequestBody.ReadAsync(request, sync.Value.MaxHookBodyBytes, ct);
            var hook = OrderHookParser.Parse(request.ContentType, body, request.Headers[OrderHookParser.TokenHeader]);
            if (!IsAuthentic(hook))
            {
                log.LogWarning("Hook rejected: missing or wrong application token from {Source}", hook.Source);
                return Problems.Create(401, "Unauthorized", "Missing or wrong application token.");
            }
            if (hook.Problem is not null)
                return Problems.Create(400, "Invalid hook", hook.Problem);
            await EnqueueAsync(hook, ct);
            return new ObjectResult(new { accepted = hook.OrderIds }) { StatusCode = StatusCodes.Status202Accepted };
        }
        catch (HookRejectedException ex)
        {
            return Problems.Create(ex.Status, ex.Title, ex.Message);
        }
    }

    private bool IsAuthentic(ParsedHook hook)
    {
        var expected = bitrix.Value.ApplicationToken;
        if (!Secrets.FixedTimeEquals(hook.Token, expected)) return false;
        var domain = bitrix.Value.Domain;
        return string.IsNullOrEmpty(domain) || hook.Domain is null || string.Equals(hook.Domain, domain, StringComparison.OrdinalIgnoreCase);
    }

    private async Task EnqueueAsync(ParsedHook hook, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        foreach (var orderId in hook.OrderIds)
            await queue.EnqueueAsync(new OrderMessage(orderId.ToString(), hook.SiteId, hook.Source, receivedAt), ct);
        log.LogInformation("Hook from {Source} queued orders {OrderIds}", hook.Source, hook.OrderIds);
    }
}
