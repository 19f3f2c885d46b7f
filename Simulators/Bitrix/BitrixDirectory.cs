namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// Delivery services, pay systems, warehouses, payer types, order properties and price types of the demo store
/// (sale.delivery.getlist / sale.paysystem.list / catalog.store.list / sale.persontype.list / sale.property.list /
/// catalog.priceType.list). These are the defaults; a simulator serves the copies in its <see cref="BitrixSimulatorOptions"/>.
/// </summary>
public static class BitrixDirectory
{
    public sealed record Delivery(int Id, string Name, decimal Price, bool Active = true);

    public sealed record PaySystem(int Id, string Name, bool IsCash, bool Active = true);

    public sealed record Store(int Id, string Title, bool Active = true);

    /// <summary>A payer type of sale.persontype.list (personTypeId on orders).</summary>
    public sealed record PersonType(int Id, string Name, bool Active = true);

    /// <summary>An order property of sale.property.list; each payer type has its own rows, codes repeat across them.</summary>
    public sealed record OrderProperty(int Id, string Code, string Name, int PersonTypeId = 1, bool Active = true);

    /// <summary>A price type (catalog group) of catalog.priceType.list.</summary>
    public sealed record PriceType(int Id, string Name, bool Base = false);

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

    public static IReadOnlyList<PersonType> PersonTypes { get; } =
    [
        new(1, "Физическое лицо"),
        new(2, "Юридическое лицо"),
    ];

    /// <summary>The properties <see cref="SampleOrders"/> fill (payer type 1).</summary>
    public static IReadOnlyList<OrderProperty> OrderProperties { get; } =
    [
        new(1, "FIO", "Ф.И.О."),
        new(2, "EMAIL", "E-Mail"),
        new(3, "PHONE", "Телефон"),
        new(4, "ZIP", "Индекс"),
        new(5, "ADDRESS", "Адрес доставки"),
    ];

    public static IReadOnlyList<PriceType> PriceTypes { get; } =
    [
        new(1, "BASE", Base: true),
        new(2, "WHOLESALE"),
    ];
}
