using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// Account settings of the simulated RetailCRM: keys, stores and the dictionaries orders are validated against
/// (defaults are the demo shop). Edit the dictionaries between requests, not during them.
/// </summary>
public sealed class RetailCrmSimulatorOptions : SimulatorOptions
{
    private int requestsPerSecondPerKey = 10;

    public string ApiKey { get; set; } = "sim-retailcrm-key";

    /// <summary>Further valid keys, e.g. to play "another integration" whose history entries have apiKey.current=false.</summary>
    public List<string> AdditionalApiKeys { get; } = [];

    public List<string> Sites { get; } = ["shop"];

    /// <summary>
    /// Requests per key in any 1-second window, counted at arrival whether accepted or refused; the next one gets 503.
    /// 0 turns the limit off.
    /// </summary>
    public int RequestsPerSecondPerKey
    {
        get => Volatile.Read(ref requestsPerSecondPerKey);
        set => Volatile.Write(ref requestsPerSecondPerKey, value);
    }

    /// <summary>Shape of the errors of partial (460) upload answers; by default object and array by turns.</summary>
    public RetailCrmUploadErrorShape UploadErrorShape { get; set; } = RetailCrmUploadErrorShape.Alternate;

    /// <summary>The user id that <see cref="RetailCrmSimulator.ChangeOrderStatus"/> reports as the manager.</summary>
    public int ManagerUserId { get; set; } = 19;

    public List<RetailCrmStatus> Statuses { get; } =
    [
        new("new", "Новый", "new", Ordering: 10),
        new("client-confirmed", "Согласовано с клиентом", "approval", Ordering: 30),
        new("complete-payment", "Оплачен", "approval", Ordering: 40),
        new("assembling", "Комплектуется", "assembling", Ordering: 50),
        new("delivery", "Доставляется", "delivery", Ordering: 60),
        new("complete", "Выполнен", "complete", Ordering: 70),
        new("cancel-other", "Отменен", "cancel", Ordering: 80),
        new("old-status", "Устаревший статус", "new", Active: false, Ordering: 990),
    ];

    public List<RetailCrmDeliveryType> DeliveryTypes { get; } =
    [
        new("self-delivery", "Самовывоз"),
        new("courier", "Доставка курьером", 300),
        new("russian-post", "Почта России", 450),
    ];

    public List<RetailCrmPaymentType> PaymentTypes { get; } =
    [
        new("cash", "Наличные"),
        new("bank-card", "Банковская карта"),
        new("bank-transfer", "Безналичный расчет"),
    ];

    public List<RetailCrmPaymentStatus> PaymentStatuses { get; } =
    [
        new("not-paid", "Не оплачен", PaymentComplete: false, Ordering: 10),
        new("paid", "Оплачен", PaymentComplete: true, Ordering: 60),
    ];

    public List<RetailCrmOrderType> OrderTypes { get; } = [new("eshop-individual", "Физическое лицо")];

    public List<RetailCrmStore> Stores { get; } = [new("main", "Основной склад")];

    /// <summary>What custom-fields answers; the simulator stores order customFields without checking them.</summary>
    public List<RetailCrmCustomField> CustomFields { get; } = [];

    public List<RetailCrmPriceType> PriceTypes { get; } = [new("base", "Базовая", Default: true)];

    internal bool IsValidKey(string key) =>
        key == ApiKey || AdditionalApiKeys.Contains(key);
}
