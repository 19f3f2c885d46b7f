using System.Globalization;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// An in-process 1C-Bitrix store REST API (incoming webhook) on 127.0.0.1: sale.order.*, sale.status.list, batch,
/// the leaky-bucket limit, latency and faults, and ONSALEORDERSAVED events to an outgoing-webhook handler.
/// </summary>
public sealed class BitrixSimulator : IAsyncDisposable
{
    private readonly SimulatorHost host;
    private readonly BitrixOrderStore orders = new();
    private readonly BitrixMethods methods;
    private readonly BitrixEventSender events;
    private readonly BitrixApi api;

    private BitrixSimulator(BitrixSimulatorOptions options)
    {
        Options = options;
        events = new BitrixEventSender(options);
        methods = new BitrixMethods(options, orders, events.PostInBackground);
        methods.Register("batch", new BitrixBatch(methods).Run);
        Catalog.Register(methods);
        RequestJournal journal = new();
        api = new BitrixApi(options, methods, journal);
        host = new SimulatorHost(options, journal, BitrixFormat.Json, BitrixFormat.FaultBody, api.RefuseOverLimitAsync, api.Map);
        if (options.SeedDemoOrders)
        {
            // Stored as they are, with their sample dates: orders saved long before the simulator started.
            orders.Put(SampleOrders.Create(1001));
            orders.Put(SampleOrders.Create(1002, new SampleOrderOptions(ItemCount: 3, StatusId: "P", Paid: true)));
            orders.Put(SampleOrders.Create(1003, new SampleOrderOptions(ItemCount: 1, WithEmail: false)));
        }
    }

    public BitrixSimulatorOptions Options { get; }

    /// <summary>Sections, products, variations, prices and stocks served by the catalog.* methods.</summary>
    public BitrixCatalog Catalog { get; } = new();

    public SimulatorFaults Faults => host.Faults;

    /// <summary>The incoming-webhook URL, ending with '/': append the method name (optionally with .json).</summary>
    public Uri WebhookUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{host.Port}/rest/{Options.UserId}/{Options.WebhookSecret}/"));

    /// <summary>HTTP requests received, whatever their outcome.</summary>
    public int TotalRequests => host.Journal.Count;

    /// <summary>
    /// 503 QUERY_LIMIT_EXCEEDED answers sent. Each violation gets one right at arrival, so this equals
    /// <see cref="RateLimitViolations"/>; faults switched on through <see cref="Faults"/> are not counted here.
    /// </summary>
    public int RateLimitedResponses => host.Journal.RateLimitedResponses;

    /// <summary>
    /// Requests refused with 503 QUERY_LIMIT_EXCEEDED because the leaky-bucket counter exceeded
    /// <see cref="BitrixSimulatorOptions.BurstLimit"/> when they arrived: how often a client broke the limit.
    /// </summary>
    public int RateLimitViolations => api.RateLimitViolations;

    public IReadOnlyList<RecordedRequest> Requests => host.Journal.Snapshot();

    /// <summary>Events posted so far (background echoes and <see cref="SendOrderSavedEventAsync"/>).</summary>
    public IReadOnlyList<BitrixSentEvent> SentEvents => events.Sent;

    public static async Task<BitrixSimulator> StartAsync(BitrixSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        BitrixSimulator simulator = new(options ?? new BitrixSimulatorOptions());
        await simulator.host.StartAsync(cancellationToken);
        return simulator;
    }

    /// <summary>Calls of a method, counting those inside batch (the batch call itself counts as "batch").</summary>
    public int RequestCount(string method) => methods.CallCount(method);

    /// <summary>
    /// Saves (adds or replaces) an order given in the sale.order.get shape, e.g. from <see cref="SampleOrders.Create"/>, as the
    /// shop would: when it is new or differs from the stored one it gets a fresh dateUpdate and version.
    /// </summary>
    public void PutOrder(JsonObject order) => orders.Save(order);

    public JsonObject? GetOrder(int id) => orders.Get(id);

    /// <summary>Posts ONSALEORDERSAVED for the order to a handler, as the outgoing webhook does after a save in the shop.</summary>
    public Task<HttpResponseMessage> SendOrderSavedEventAsync(Uri handlerUrl, int orderId, CancellationToken cancellationToken = default) =>
        events.SendAsync(handlerUrl, orderId, JsonValues.AsString(orders.Get(orderId)?["xmlId"]) ?? "", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await events.DisposeAsync();
    }
}
