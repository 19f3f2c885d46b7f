using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Hooks;

/// <summary>
/// POST /api/bitrix/order-saved: authenticate, validate, enqueue one message per order (a repeat save shares the
/// message of the first, <see cref="RepeatedSaveCoalescer"/>) and answer 202. It never calls
/// Bitrix or RetailCRM, so checkout and Bitrix's event queue are never held up by them.
/// </summary>
public sealed class OrderHookHandler(
    RepeatedSaveCoalescer coalescer,
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
            var coalesced = await EnqueueAsync(hook, ct);
            return new ObjectResult(new { accepted = hook.OrderIds, coalesced }) { StatusCode = StatusCodes.Status202Accepted };
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

    /// <returns>The orders whose message an earlier hook had already queued.</returns>
    private async Task<List<long>> EnqueueAsync(ParsedHook hook, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        var coalesced = new List<long>();
        foreach (var orderId in hook.OrderIds)
            if (!await coalescer.EnqueueAsync(new OrderMessage(orderId.ToString(), hook.SiteId, hook.Source, receivedAt), ct))
                coalesced.Add(orderId);
        if (coalesced.Count < hook.OrderIds.Count)
            log.LogInformation("Hook from {Source} queued orders {OrderIds}", hook.Source, hook.OrderIds.Except(coalesced));
        if (coalesced.Count > 0)
            log.LogInformation("Hook from {Source}: orders {OrderIds} already queued by an earlier save", hook.Source, coalesced);
        return coalesced;
    }
}
