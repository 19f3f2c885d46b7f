namespace BitrixRetailCrm.StatusSync;

/// <summary>A RetailCRM order that reached a new status, from a trigger webhook or from the history feed.</summary>
/// <param name="ExternalId">The Bitrix order ID. Null only for a trigger that sent just the CRM id; the handler then
/// has to look the order up (orders created in the CRM have no externalId until one is written back).</param>
/// <param name="CrmId">RetailCRM's own order id.</param>
/// <param name="Status">The new RetailCRM status code.</param>
/// <param name="Site">RetailCRM store code, when known: externalIds are only unique within a store.</param>
/// <param name="HistoryId">The history entry id; triggers cannot send it.</param>
/// <param name="ChangedAt">When the status changed in RetailCRM.</param>
/// <param name="Source"><see cref="TriggerSource"/>, <see cref="HistorySource"/>, or <see cref="CurrentSource"/> for a
/// status just re-read from the order itself.</param>
public sealed record CrmStatusChange(
    string? ExternalId, long? CrmId, string Status, string? Site, long? HistoryId, DateTimeOffset? ChangedAt, string Source)
{
    public const string TriggerSource = "trigger";
    public const string HistorySource = "history";
    public const string CurrentSource = "current";
}
