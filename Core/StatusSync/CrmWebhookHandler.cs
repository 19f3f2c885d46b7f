using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Hooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.StatusSync;

/// <summary>
/// POST /api/retailcrm/order-changed: the RetailCRM trigger's "HTTP request" action. RetailCRM signs nothing, so a
/// shared secret (parameter or ?secret=) is checked on top of the function key; the change is queued and 202 returned.
/// </summary>
public sealed class CrmWebhookHandler(
    StatusQueue queue,
    CrmTime crmTime,
    IOptions<RetailCrmOptions> crm,
    IOptions<CrmWebhookFields> fields,
    IOptions<SyncOptions> sync,
    TimeProvider clock,
    ILogger<CrmWebhookHandler> log)
{
    public async Task<IActionResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var body = await RequestBody.ReadAsync(request, sync.Value.MaxHookBodyBytes, ct);
            var webhook = CrmWebhookParser.Parse(request.ContentType, body, fields.Value, crmTime.Zone);
            var secret = webhook.Secret ?? request.Query[fields.Value.Secret].FirstOrDefault();
            if (!Secrets.FixedTimeEquals(secret, crm.Value.WebhookSecret))
            {
                log.LogWarning("RetailCRM webhook rejected: missing or wrong secret");
                return Problems.Create(401, "Unauthorized", "Missing or wrong webhook secret.");
            }
            if (webhook.Problem is not null)
                return Problems.Create(400, "Invalid webhook", webhook.Problem);
            var receivedAt = clock.GetUtcNow();
            foreach (var change in webhook.Changes)
                await queue.EnqueueAsync(StatusChangeMessage.From(change, receivedAt), ct);
            log.LogInformation("RetailCRM webhook queued {Count} status change(s) for orders {OrderIds}", webhook.Changes.Count,
                webhook.Changes.Select(c => c.ExternalId ?? $"crm-{c.CrmId}"));
            return new ObjectResult(new { accepted = webhook.Changes.Count }) { StatusCode = StatusCodes.Status202Accepted };
        }
        catch (HookRejectedException ex)
        {
            return Problems.Create(ex.Status, ex.Title, ex.Message);
        }
    }
}
