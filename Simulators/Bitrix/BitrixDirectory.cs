namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>Delivery services and pay systems of the demo store (sale.delivery.getlist / sale.paysystem.list).</summary>
public static class BitrixDirectory
{
    public sealed record Delivery(int Id, string Name, decimal Price);

    public sealed record PaySystem(int Id, string Name, bool IsCash);

    public static IReadOnlyList<Delivery> Deliveries { get; } =
    [
        new(1, "Самовывоз", 0),
        new(2, "Курьерская доставка", 300),
        new(3, "Почта России", 450),
    ];

    public static IReadOnlyList<PaySystem> PaySystems { get; } =
    [
        new(1, "Наличные", true),
        new(2, "Банковская карта", false),
        new(3, "Безналичный расчёт", false),
    ];
}
