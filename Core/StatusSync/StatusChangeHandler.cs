using System.Globalization;
using System.Text.Json.Nodes;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Sync;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.StatusSync;

/// <summary>The status queue function: re-read the order in RetailCRM and apply its current status to Bitrix.</summary>
public sealed class StatusChangeHandler(
    RetailCrmClient crm,
    StatusApplier applier,
    QueueFailures failures,
    CrmTime crmTime,
    ILogger<StatusChangeHandler> log)
{
    public async Task HandleAsync(string messageJson, long dequeueCount, CancellationToken ct)
    {
        StatusChangeMessage? message = null;
        try
        {
            message = StatusChangeMessage.FromJson(messageJson);
            var externalId = message.ExternalId ?? await ExternalIdOfAsync(message.CrmId!.Value, ct);
            if (externalId is null)
            {
                log.LogInformation("RetailCRM order {CrmId} has no Bitrix order; status change ignored", message.CrmId);
                return;
            }
            var hint = new CrmStatusChange(externalId, message.CrmId, message.Status ?? "", message.Site, null, null,
                CrmStatusChange.TriggerSource);
            await applier.ApplyAsync(hint, () => ReadCurrentAsync(externalId, message.Site, ct), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await failures.HandleAsync(ex, SyncDirection.RetailCrmToBitrix, message?.OrderKey ?? "unreadable", messageJson, dequeueCount);
        }
    }

    private async Task<string?> ExternalIdOfAsync(long crmId, CancellationToken ct) =>
        (await crm.GetOrderByIdAsync(crmId, ct))?["externalId"]?.ToString();

    private async Task<CrmStatusChange?> ReadCurrentAsync(string externalId, string? site, CancellationToken ct)
    {
        var order = await crm.GetOrderAsync(externalId, site, ct)
            ?? throw new RetailCrmOrderMissingException(externalId);
        return new CrmStatusChange(externalId, order["id"]?.GetValue<long>(), order["status"]!.ToString(),
            order["site"]?.ToString(), null, StatusUpdatedAt(order), CrmStatusChange.CurrentSource);
    }

    private DateTimeOffset? StatusUpdatedAt(JsonObject order) =>
        order["statusUpdatedAt"]?.ToString() is { } text
        && DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? crmTime.ToOffset(local)
            : null;
}

public sealed class RetailCrmOrderMissingException(string externalId)
    : Http.ExternalCallException("RetailCRM", "orders/get", $"order {externalId} not found", 404);
