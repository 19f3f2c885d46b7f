using System.ComponentModel.DataAnnotations;

namespace BitrixRetailCrm.StatusSync;

/// <summary>
/// Names of the parameters the RetailCRM trigger's "HTTP request" action sends (retailcrm-api.md §9.1), so the trigger
/// can be set up with other names without a redeploy. Suggested values: <c>{{order.getExternalId()}}</c>,
/// <c>{{order.getId()}}</c>, <c>{{order.getStatus().getCode()}}</c>, <c>{{order.getSite().getCode()}}</c>, and for
/// <see cref="ChangedAt"/> the status-change time as "Y-m-d H:i:s" or ISO-8601. The expected secret is configured
/// elsewhere: the handler compares it, this record only says where it is sent.
/// </summary>
public sealed record CrmWebhookFields
{
    public const string Section = "RetailCrmWebhook";

    [Required] public string ExternalId { get; init; } = "externalId";
    [Required] public string Id { get; init; } = "id";
    [Required] public string Status { get; init; } = "status";
    [Required] public string Site { get; init; } = "site";
    [Required] public string Secret { get; init; } = "secret";
    [Required] public string ChangedAt { get; init; } = "changedAt";
}
