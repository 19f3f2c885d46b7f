using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;

namespace BitrixRetailCrm.Benchmarks;

/// <summary>
/// The buyers of the sale-day orders, deterministic: a <see cref="BuyerPool"/> with a share of returning buyers; some of
/// those move house between their orders (their last order carries the new address and is saved last); a share of all
/// buyers is in RetailCRM before the run, some of them with a phone RetailCRM holds out of date.
/// </summary>
internal sealed class SaleDayBuyers
{
    private const int Seed = 2026;
    private readonly BuyerPool _pool;
    private readonly Dictionary<int, SampleBuyer> _onOrder = [];
    private readonly List<SampleBuyer> _known = [];
    private readonly HashSet<int> _stale = [];

    public SaleDayBuyers(IReadOnlyList<int> orderIds, double returning, double known, double stale, double moving)
    {
        _pool = new BuyerPool(Seed, orderIds, returning);
        var random = new Random(Seed);
        foreach (var buyer in _pool.Buyers)
        {
            var orders = _pool.OrdersOf(buyer);
            var moves = orders.Count > 1 && random.NextDouble() < moving;
            foreach (var id in orders) _onOrder[id] = moves && id == orders[^1] ? _pool.WithNewAddress(buyer) : buyer;
            if (random.NextDouble() >= known) continue;
            _known.Add(buyer);
            if (random.NextDouble() < stale) _stale.Add(buyer.UserId);
        }
    }

    public int Count => _pool.Buyers.Count;

    public int Returning => _pool.Buyers.Count(b => _pool.OrdersOf(b).Count > 1);

    public int Known => _known.Count;

    /// <summary>The buyer as order <paramref name="orderId"/> carries them.</summary>
    public SampleBuyer OnOrder(int orderId) => _onOrder[orderId];

    /// <summary>Orders that carry a buyer's new address: saved after the others, as the buyer's latest order.</summary>
    public bool IsMove(int orderId) => _onOrder[orderId] != _pool.BuyerOf(orderId);

    public void SeedRetailCrm(RetailCrmSimulator crm)
    {
        foreach (var buyer in _known)
            crm.PutCustomer((_stale.Contains(buyer.UserId) ? _pool.WithNewPhone(buyer) : buyer).ToRetailCrmCustomer(), "shop");
    }

    /// <summary>Buyers whose customer in RetailCRM lacks the phone or address of their latest order.</summary>
    public int StaleInRetailCrm(RetailCrmSimulator crm) => _pool.Buyers.Count(buyer =>
    {
        var latest = _onOrder[_pool.OrdersOf(buyer)[^1]].ToRetailCrmCustomer();
        var held = crm.FindCustomer(buyer.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return held is null
            || !JsonNode.DeepEquals(held["phones"]?[0]?["number"], latest["phones"]![0]!["number"])
            || !JsonNode.DeepEquals(held["address"]?["text"], latest["address"]!["text"]);
    });
}
