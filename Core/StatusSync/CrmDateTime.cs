using System.Globalization;

namespace BitrixRetailCrm.StatusSync;

/// <summary>RetailCRM date-times: "Y-m-d H:i:s" in the account's time zone (no offset on the wire), or ISO-8601.</summary>
internal static class CrmDateTime
{
    // Without an offset the value is account-local, like every date-time the RetailCRM API returns.
    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    private static readonly string[] OffsetFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    public static bool TryParse(string text, TimeZoneInfo zone, out DateTimeOffset moment)
    {
        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            moment = new DateTimeOffset(local, zone.GetUtcOffset(local));
            return true;
        }
        return DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out moment);
    }
}
