namespace BitrixRetailCrm.Tests.StatusSync;

internal static class StatusSyncSamples
{
    /// <summary>The RetailCRM account zone; a fixed zone keeps the tests independent of the host's tz data.</summary>
    public static TimeZoneInfo Moscow { get; } =
        TimeZoneInfo.CreateCustomTimeZone("MSK", TimeSpan.FromHours(3), "MSK", "MSK");

    public static DateTimeOffset MoscowTime(int year, int month, int day, int hour, int minute, int second) =>
        new(year, month, day, hour, minute, second, TimeSpan.FromHours(3));

    /// <summary>Four verbatim entries of the PHP client's OrdersTest::testHistory fixture plus its pagination.</summary>
    public static string HistoryExcerpt() => File.ReadAllText(Path.Combine(TestPaths.SharedReference,
        "samples", "retailcrm", "orders-history.response.php-client-fixture.EXCERPT.json"));
}
