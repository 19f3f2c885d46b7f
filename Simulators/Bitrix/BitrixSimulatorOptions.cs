using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>An order or delivery status of sale.status.list (type "O" or "D"), with its Russian name for sale.statusLang.list.</summary>
public sealed record BitrixStatus(string Id, string Type, string Name, int Sort, string Color = "#BEEDF1");

/// <summary>Settings of the simulated store: webhook credentials, the leaky-bucket limit and where events are posted.</summary>
public sealed class BitrixSimulatorOptions : SimulatorOptions
{
    private int burstLimit = 50;
    private int drainPerSecond = 2;
    private Uri? outgoingWebhookUrl;

    /// <summary>User id in the incoming-webhook URL (/rest/{UserId}/{WebhookSecret}/…).</summary>
    public int UserId { get; set; } = 1;

    public string WebhookSecret { get; set; } = "simsecret123";

    /// <summary>The outgoing-webhook token, sent as auth[application_token] with every event.</summary>
    public string ApplicationToken { get; set; } = "simapptoken0123456789abcdef";

    public string Domain { get; set; } = "shop.example.ru";

    public string MemberId { get; set; } = "5f2b9c1e7a4d4e0f8c3b2a1d0e9f8a7b";

    public int EventHandlerId { get; set; } = 12;

    /// <summary>
    /// X of https://apidocs.bitrix24.com/limits.html (50; 250 on Enterprise): a request that arrives while the counter
    /// exceeds it is blocked with 503 QUERY_LIMIT_EXCEEDED.
    /// </summary>
    public int BurstLimit
    {
        get => Volatile.Read(ref burstLimit);
        set => Volatile.Write(ref burstLimit, value);
    }

    /// <summary>Y of the same page (2; 5 on Enterprise): how much the counter drops once every second; 0 turns the limit off.</summary>
    public int DrainPerSecond
    {
        get => Volatile.Read(ref drainPerSecond);
        set => Volatile.Write(ref drainPerSecond, value);
    }

    /// <summary>Seeds orders 1001-1003 at start.</summary>
    public bool SeedDemoOrders { get; set; } = true;

    /// <summary>Where ONSALEORDERSAVED is posted after sale.order.update (the echo of our own write); null posts nothing.</summary>
    public Uri? OutgoingWebhookUrl
    {
        get => Volatile.Read(ref outgoingWebhookUrl);
        set => Volatile.Write(ref outgoingWebhookUrl, value);
    }

    /// <summary>What sale.delivery.getlist answers; edit between requests to plant dictionary mismatches.</summary>
    public List<BitrixDirectory.Delivery> Deliveries { get; } = [.. BitrixDirectory.Deliveries];

    /// <summary>What sale.paysystem.list answers.</summary>
    public List<BitrixDirectory.PaySystem> PaySystems { get; } = [.. BitrixDirectory.PaySystems];

    /// <summary>What catalog.store.list answers.</summary>
    public List<BitrixDirectory.Store> Stores { get; } = [.. BitrixDirectory.Stores];

    /// <summary>What sale.persontype.list answers.</summary>
    public List<BitrixDirectory.PersonType> PersonTypes { get; } = [.. BitrixDirectory.PersonTypes];

    /// <summary>What sale.property.list answers.</summary>
    public List<BitrixDirectory.OrderProperty> OrderProperties { get; } = [.. BitrixDirectory.OrderProperties];

    /// <summary>What catalog.priceType.list answers.</summary>
    public List<BitrixDirectory.PriceType> PriceTypes { get; } = [.. BitrixDirectory.PriceTypes];

    public List<BitrixStatus> Statuses { get; } =
    [
        new("N", "O", "Принят, ожидается оплата", 10),
        new("P", "O", "Оплачен, формируется к отправке", 20, "#C2E6C5"),
        new("D", "O", "Передан в службу доставки", 30, "#FFD6A5"),
        new("F", "O", "Выполнен", 40, "#DDDDDD"),
        new("C", "O", "Отменён", 50, "#F5B7B1"),
        new("DN", "D", "Ожидает обработки", 10),
        new("DF", "D", "Отгружен", 20, "#DDDDDD"),
    ];
}
