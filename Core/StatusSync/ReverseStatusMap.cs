using BitrixRetailCrm.Mapping;

namespace BitrixRetailCrm.StatusSync;

/// <summary>What <c>sale.order.update</c> gets: <c>{"id":OrderId,"fields":{"statusId":StatusId,"canceled":"Y"|"N"}}</c>.</summary>
/// <param name="OrderId">The Bitrix order ID, which is the RetailCRM order's externalId.</param>
/// <param name="Canceled">Always sent, so that leaving a cancelled CRM status also un-cancels the Bitrix order.</param>
public sealed record BitrixStatusUpdate(string OrderId, string StatusId, bool Canceled);

/// <summary>
/// Reads the reverse dictionaries <see cref="MappingKind.StatusFromCrm"/> and <see cref="MappingKind.CancelFromCrm"/>,
/// whose rows are keyed by the RetailCRM code (see <see cref="MappingKind"/>), so callers never touch the swapped columns.
/// </summary>
public static class ReverseStatusMap
{
    /// <summary>The <see cref="MappingKind.CancelFromCrm"/> value that sets canceled=Y; any other value clears it.</summary>
    public const string CancelFlag = "Y";

    /// <exception cref="UnmappedCodeException">Kind StatusFromCrm, code <paramref name="crmStatus"/>.</exception>
    public static BitrixStatusUpdate MapFromCrm(this MappingSet mappings, string orderExternalId, string crmStatus) =>
        mappings.TryMap(MappingKind.StatusFromCrm, crmStatus, out var statusId)
            ? new BitrixStatusUpdate(orderExternalId, statusId, Cancels(mappings, crmStatus))
            : throw new UnmappedCodeException(MappingKind.StatusFromCrm, crmStatus);

    private static bool Cancels(MappingSet mappings, string crmStatus) =>
        mappings.TryMap(MappingKind.CancelFromCrm, crmStatus, out var flag) && flag == CancelFlag;
}
