using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// An in-process RetailCRM API v5 on 127.0.0.1: form-encoded POSTs with JSON fields, API keys, dictionary validation,
/// the order history feed, per-key rate limit, latency and faults.
/// </summary>
public sealed class RetailCrmSimulator : IAsyncDisposable
{
    private readonly SimulatorHost host;
    private readonly RetailCrmState state;
    private readonly RetailCrmApi api;

    private RetailCrmSimulator(RetailCrmSimulatorOptions options)
    {
        Options = options;
        state = new RetailCrmState(options);
        RequestJournal journal = new();
        api = new RetailCrmApi(options, state, Store, journal);
        host = new SimulatorHost(options, journal, RetailCrmFormat.Json, RetailCrmApi.FaultBody, api.RefuseOverLimitAsync, api.Map);
    }

    public RetailCrmSimulatorOptions Options { get; }

    /// <summary>Known offers and what store/inventories/upload and store/prices/upload received.</summary>
    public RetailCrmCatalogStore Store { get; } = new();

    public SimulatorFaults Faults => host.Faults;

    /// <summary>Account root such as http://127.0.0.1:5123/; clients append api/v5/….</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{host.Port}/");

    public IReadOnlyList<JsonObject> Orders => state.AllOrders();

    public int TotalWrites => state.TotalWrites;

    public IReadOnlyList<RecordedRequest> Requests => host.Journal.Snapshot();

    /// <summary>
    /// 503 "Rate limit exceeded" answers sent. Each violation gets one right at arrival, so this equals
    /// <see cref="RateLimitViolations"/>; faults switched on through <see cref="Faults"/> are not counted here.
    /// </summary>
    public int RateLimitedResponses => host.Journal.RateLimitedResponses;

    /// <summary>
    /// Requests that arrived when <see cref="RetailCrmSimulatorOptions.RequestsPerSecondPerKey"/> or more requests of the
    /// same key had already arrived within the preceding second, refused ones included: how often a client broke the limit.
    /// </summary>
    public int RateLimitViolations => api.RateLimitViolations;

    public static async Task<RetailCrmSimulator> StartAsync(RetailCrmSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        RetailCrmSimulator simulator = new(options ?? new RetailCrmSimulatorOptions());
        await simulator.host.StartAsync(cancellationToken);
        return simulator;
    }

    /// <summary>The stored order (payments as an array), in any site; null when there is none.</summary>
    public JsonObject? FindOrder(string externalId) => state.FindOrder(externalId, byId: false, site: null);

    public JsonObject? FindCustomer(string externalId) => state.FindCustomer(externalId, byId: false, site: null);

    /// <summary>
    /// Stores a customer that exists before the run, in the shape RetailCRM keeps (externalId, firstName, lastName,
    /// phones[{number}], address{…}, …), replacing one with the same externalId on that site. It is not a write:
    /// <see cref="CustomerWrites"/> stays as it was.
    /// </summary>
    public void PutCustomer(JsonObject customer, string site)
    {
        if (!Options.Sites.Contains(site))
            throw new ArgumentException($"Site \"{site}\" is not among the account's sites.", nameof(site));
        state.PutCustomer(customer, site);
    }

    /// <summary>Successful creates (create, upload) and edits of that customer, so a test can tell it was not written twice.</summary>
    public RetailCrmCustomerWrites CustomerWrites(string externalId) => state.CustomerWrites(externalId);

    /// <summary>Successful create, edit and upload writes of that order.</summary>
    public int OrderWriteCount(string externalId) => state.OrderWriteCount(externalId);

    /// <summary>What a manager does in the CRM UI: the history gets a source "user" entry.</summary>
    /// <param name="site">The store, where two stores have an order with this externalId.</param>
    public void ChangeOrderStatus(string externalId, string statusCode, string? site = null) =>
        state.ChangeStatusAsManager(externalId, statusCode, site);

    /// <summary>
    /// The next history entry is served as <paramref name="damage"/> leaves it (a missing id, a time in another format):
    /// upstream data is sometimes broken.
    /// </summary>
    public void DamageNextHistoryEntry(Action<JsonObject> damage) => state.DamageNextHistoryEntry(damage);

    /// <summary>A manager edits a field of the order in RetailCRM, e.g. the manager comment or the delivery cost.</summary>
    public void ChangeOrderField(string externalId, string field, JsonNode? value) => state.ChangeFieldAsManager(externalId, field, value);

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
