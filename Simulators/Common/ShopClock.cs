namespace BitrixRetailCrm.Simulators.Common;

/// <summary>Both demo systems run in Moscow time, which is what their dates carry (Bitrix with the offset, RetailCRM without).</summary>
internal static class ShopClock
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(3);

    public static DateTimeOffset Now() => DateTimeOffset.UtcNow.ToOffset(Offset);
}
