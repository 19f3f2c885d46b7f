using BitrixRetailCrm.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.StatusSync;

/// <summary>RetailCRM date-times carry no offset: they are in the account's time zone.</summary>
public sealed class CrmTime(IOptions<RetailCrmOptions> options)
{
    private readonly Lazy<TimeZoneInfo> _zone = new(() => TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone));

    public TimeZoneInfo Zone => _zone.Value;

    public DateTimeOffset ToOffset(DateTime local) =>
        new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone.GetUtcOffset(local));

    public string Format(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
