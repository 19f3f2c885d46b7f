namespace BitrixRetailCrm.Mapping;

public sealed record OrderMappingOptions
{
    /// <summary>
    /// RetailCRM order number; placeholders <c>{accountNumber}</c> and <c>{id}</c>. The shop's previous integration
    /// used "BX-{id}", so existing CRM orders may need that to keep their numbers.
    /// </summary>
    public string NumberTemplate { get; init; } = "{accountNumber}";

    /// <summary>The RetailCRM account's time zone: its API takes local date-times without an offset.</summary>
    public TimeZoneInfo CrmTimeZone { get; init; } = Moscow;

    /// <summary>RetailCRM order type code; null leaves the account's default.</summary>
    public string? OrderType { get; init; }

    // Hosts without tz data (minimal containers, Windows without ICU) cannot resolve the IANA id; Moscow has been a
    // fixed UTC+3 without DST since 2014, so a fixed zone is exact for every order this integration sees.
    private static TimeZoneInfo Moscow { get; } = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Moscow", out var zone)
        ? zone
        : TimeZoneInfo.CreateCustomTimeZone("Europe/Moscow", TimeSpan.FromHours(3), "Moscow", "Moscow");
}
