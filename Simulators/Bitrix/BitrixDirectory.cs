namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// Delivery services, pay systems and warehouses of the demo store (sale.delivery.getlist / sale.paysystem.list /
/// catalog.store.list). These are the defaults; a simulator serves the copies in its <see cref="BitrixSimulatorOptions"/>.
/// </summary>
public static class BitrixDirectory
{
    public sealed record Delivery(int Id, string Name, decimal Price, bool Active = true);

    public sealed record PaySystem(int Id, string Name, bool IsCash, bool Active = true);

    public sealed record Store(int Id, string Title, bool Active = true);

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

    public static IReadOnlyList<Store> Stores { get; } =
    [
        new(1, "Основной склад"),
    ];
}
