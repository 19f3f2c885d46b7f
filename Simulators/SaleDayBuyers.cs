using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;

namespace BitrixRetailCrm.Simulators;

/// <summary>
/// The buyers of the sale-day orders, deterministic: a <see cref="BuyerPool"/> with a share of returning buyers; some of
/// those move house between their orders (their last order carries the new address and is saved last); a share of all
/// buyers is in RetailCRM before the run, some of them with a phone RetailCRM holds out of date.
/// </summary>
public sealed class SaleDayBuyers
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

    /// <summary>
    /// Saves every order in Bitrix with its buyer. An order with a buyer's new address is their latest: saved a second
    /// after the others (Bitrix dates have whole seconds), so its dateUpdate is later too.
    /// </summary>
    /// <returns>The orders by id, as saved.</returns>
    public async Task<Dictionary<string, JsonObject>> SaveOrdersAsync(BitrixSimulator bitrix)
    {
        var saved = new Dictionary<string, JsonObject>();
        foreach (var moves in new[] { false, true })
        {
            if (moves) await Task.Delay(TimeSpan.FromSeconds(1.1));
            foreach (var id in _onOrder.Keys.Where(id => (_onOrder[id] != _pool.BuyerOf(id)) == moves).Order())
            {
                var order = SampleOrders.Create(id, new SampleOrderOptions(Buyer: _onOrder[id]));
                bitrix.PutOrder(order);
                saved[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = order;
            }
        }
        return saved;
    }

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
