using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.LocalRunner;
using BitrixRetailCrm.LocalRunner.DevStorage;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Simulators;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Benchmarks;

/// <summary>
/// The sale-day peak: N orders saved 2-3 times each in Bitrix, hooks fired as fast as the hook accepts them, RetailCRM
/// slow (3-5 s) and limited (10 req/s per key, every request counted, 503 beyond), Bitrix limited (burst 50, 2/s).
/// Buyers as a shop has them: about 530 for 800 orders, a quarter of them with two to four orders in the burst, most
/// already in RetailCRM (some with details RetailCRM holds out of date), some moving house between two orders.
/// Azurite and the local runner (hook route + WebJobs queue listener) run in their own processes, as storage and a
/// Functions instance do; the simulators and the senders run in this one. Any request over either service's limit,
/// any order lost or duplicated, or any customer left with out-of-date details fails the run.
/// </summary>
public static class SaleDayBenchmark
{
    public const string Summary =
        "[--orders 800] [--saves 2-3] [--crm-latency 3-5] [--crm-rps 10] [--bitrix-burst 50] [--bitrix-rps 2] " +
        "[--bitrix-latency 0.05-0.15] [--design batched|agent] [--hosting flex|single] [--senders 1] [--timeout 600] [--agent-time-limit 120] " +
        "[--crm-outage SECONDS] [--kill-runner-after SECONDS] [--lost-hooks PERCENT] [--repeated-save-window SECONDS] " +
        "[--returning 0.25] [--known-buyers 0.8] [--stale-buyers 0.02] [--moving-buyers 0.05] [--json-only] [--verbose]";

    private sealed record Settings(int Orders, (int Min, int Max) Saves, (double Min, double Max) CrmLatency, int CrmRps,
        int BitrixBurst, int BitrixRps, (double Min, double Max) BitrixLatency, string Design, string Hosting, int Senders, double Timeout,
        double AgentTimeLimit, double CrmOutage, bool JsonOnly, bool Verbose, double LostHooks, double KillRunnerAfter,
        double? RepeatedSaveWindow, double Returning, double KnownBuyers, double StaleBuyers, double MovingBuyers);

    public static async Task<int> RunAsync(string[] args)
    {
        Settings s;
        try
        {
            s = Parse(args);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            Console.Error.WriteLine($"sale-day: {ex.Message}\nusage: sale-day {Summary}");
            return 2;
        }
        var report = await RunAsync(s);
        if (!s.JsonOnly) PrintTable(report);
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return Failed(report).Count == 0 ? 0 : 1;
    }

    /// <summary>What makes a run fail, whatever its timings: anything lost, duplicated, stale, or over a limit.</summary>
    private static List<string> Failed(JsonObject report)
    {
        var failed = new List<string>();
        foreach (var key in new[] { "lost", "duplicated", "customersWithOutdatedDetails", "crmRateLimitViolations", "bitrixRateLimitViolations" })
            if ((report[key]?.GetValue<int>() ?? 0) != 0) failed.Add($"{key} {report[key]}");
        foreach (var line in failed) Console.Error.WriteLine($"sale-day: FAILED, {line}");
        return failed;
    }

    private static Settings Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected '{args[i]}'");
            var key = args[i][2..];
            if (key is "json-only" or "verbose") { values[key] = "true"; continue; }
            values[key] = args[++i];
        }
        string Get(string key, string fallback) => values.Remove(key, out var v) ? v : fallback;
        (double, double) Range(string text)
        {
            var parts = text.Split('-');
            var min = double.Parse(parts[0], CultureInfo.InvariantCulture);
            return (min, parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : min);
        }
        var saves = Range(Get("saves", "2-3"));
        var settings = new Settings(
            int.Parse(Get("orders", "800"), CultureInfo.InvariantCulture),
            ((int)saves.Item1, (int)saves.Item2),
            Range(Get("crm-latency", "3-5")),
            int.Parse(Get("crm-rps", "10"), CultureInfo.InvariantCulture),
            int.Parse(Get("bitrix-burst", "50"), CultureInfo.InvariantCulture),
            int.Parse(Get("bitrix-rps", "2"), CultureInfo.InvariantCulture),
            Range(Get("bitrix-latency", "0.05-0.15")),
            Get("design", "batched"),
            Get("hosting", "single"),
            int.Parse(Get("senders", "1"), CultureInfo.InvariantCulture),
            double.Parse(Get("timeout", "600"), CultureInfo.InvariantCulture),
            double.Parse(Get("agent-time-limit", "120"), CultureInfo.InvariantCulture),
            double.Parse(Get("crm-outage", "0"), CultureInfo.InvariantCulture),
            Get("json-only", "false") == "true",
            Get("verbose", "false") == "true",
            double.Parse(Get("lost-hooks", "0"), CultureInfo.InvariantCulture),
            double.Parse(Get("kill-runner-after", "0"), CultureInfo.InvariantCulture),
            values.ContainsKey("repeated-save-window") ? double.Parse(Get("repeated-save-window", ""), CultureInfo.InvariantCulture) : null,
            double.Parse(Get("returning", "0.25"), CultureInfo.InvariantCulture),
            double.Parse(Get("known-buyers", "0.8"), CultureInfo.InvariantCulture),
            double.Parse(Get("stale-buyers", "0.02"), CultureInfo.InvariantCulture),
            double.Parse(Get("moving-buyers", "0.05"), CultureInfo.InvariantCulture));
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (settings.Design is not ("batched" or "agent")) throw new ArgumentException("--design is batched or agent");
        if (settings.Hosting is not ("flex" or "single")) throw new ArgumentException("--hosting is flex or single");
        if (settings.LostHooks is < 0 or > 100) throw new ArgumentException("--lost-hooks is a percentage, 0-100");
        if (new[] { settings.Returning, settings.KnownBuyers, settings.StaleBuyers, settings.MovingBuyers }.Any(v => v is < 0 or > 1))
            throw new ArgumentException("--returning, --known-buyers, --stale-buyers and --moving-buyers are shares, 0-1");
        return settings;
    }

    private static async Task<JsonObject> RunAsync(Settings s)
    {
        Log(s, $"sale-day: {s.Orders} orders × {s.Saves.Min}-{s.Saves.Max} saves, design {s.Design}; " +
            $"RetailCRM {s.CrmLatency.Min}-{s.CrmLatency.Max} s, {s.CrmRps} req/s; Bitrix burst {s.BitrixBurst}, {s.BitrixRps}/s");
        await using var azurite = await Azurite.StartAsync();
        var crmOptions = new RetailCrmSimulatorOptions { RequestsPerSecondPerKey = s.CrmRps };
        crmOptions.SetLatency(TimeSpan.FromSeconds(s.CrmLatency.Min), TimeSpan.FromSeconds(s.CrmLatency.Max));
        var bitrixOptions = new BitrixSimulatorOptions { BurstLimit = s.BitrixBurst, DrainPerSecond = s.BitrixRps, SeedDemoOrders = false };
        bitrixOptions.SetLatency(TimeSpan.FromSeconds(s.BitrixLatency.Min), TimeSpan.FromSeconds(s.BitrixLatency.Max));
        await using var crm = await RetailCrmSimulator.StartAsync(crmOptions);
        await using var bitrix = await BitrixSimulator.StartAsync(bitrixOptions);

        var ids = Enumerable.Range(FirstId, s.Orders).ToList();
        var buyers = new SaleDayBuyers(ids, s.Returning, s.KnownBuyers, s.StaleBuyers, s.MovingBuyers);
        buyers.SeedRetailCrm(crm);
        foreach (var id in WarmUpIds) bitrix.PutOrder(SampleOrders.Create(id));
        var expected = await buyers.SaveOrdersAsync(bitrix);

        var functionKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var settings = RunnerSettings(s, azurite, bitrix, crm, functionKey);
        if (s.RepeatedSaveWindow is { } window) settings["Sync:RepeatedSaveWindow"] = TimeSpan.FromSeconds(window).ToString();
        // Flex Consumption scales the HTTP functions and each queue function on instances of their own.
        await using var runner = await RunnerProcess.StartAsync(settings);
        await using var hookRunner = s.Hosting == "flex" ? await RunnerProcess.StartAsync(HttpFunctionsOnly(settings)) : null;
        var hookUrl = new Uri((hookRunner ?? runner).Url, $"api/bitrix/order-saved?code={functionKey}");
        await WarmUpAsync(s, bitrix, crm, hookUrl);
        var baseline = new Counts(crm, bitrix);

        var (hooks, hooksDropped) = PlanHooks(ids, s);
        var clock = Stopwatch.StartNew();
        var outage = s.CrmOutage > 0 ? Task.Run(() => CrmOutageAsync(crm, s)) : Task.CompletedTask;
        var kill = s.KillRunnerAfter > 0 ? Task.Run(() => KillAndRestartAsync(runner, clock, s)) : Task.FromResult(0d);
        using var stopAgent = new CancellationTokenSource();
        await using var agentServices = s.Design == "agent" ? AgentServices(settings) : null;
        var agent = agentServices is null ? Task.CompletedTask : Task.Run(() => RunAgentAsync(agentServices, ids, s, clock, stopAgent.Token));
        var sent = await SendHooksAsync(bitrix, hookUrl, hooks, s.Senders);
        var lastHook = clock.Elapsed.TotalSeconds;
        Log(s, $"{hooks.Count} hooks sent in {lastHook:0.0} s; waiting for RetailCRM");

        var limit = s.Design == "agent" ? s.AgentTimeLimit : s.Timeout;
        var delivered = await WaitForContentAsync(crm, expected, clock, TimeSpan.FromSeconds(limit), s);
        var allIn = clock.Elapsed.TotalSeconds;
        var complete = delivered == s.Orders;
        await Task.WhenAll(outage, kill);
        var restartedAt = await kill;
        if (s.Design == "batched")
        {
            // Let the remaining duplicate messages finish before counting requests and duplicates. After a kill the dead
            // runner's own messages stay invisible for the rest of the queue extension's 10-minute lease: not waited for.
            var queue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, OrdersQueue);
            if (s.KillRunnerAfter == 0)
                await WaitAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(2, s.CrmLatency.Max * 2 + 1)));
        }
        stopAgent.Cancel();
        await agent.ContinueWith(_ => { });

        var used = new Counts(crm, bitrix) - baseline;
        var duplicated = crm.Orders.GroupBy(o => o["externalId"]?.ToString()).Count(g => g.Count() > 1);
        var staleCustomers = s.Design == "batched" ? buyers.StaleInRetailCrm(crm) : (int?)null;
        int? lost = complete || s.Design == "batched" ? s.Orders - CountDelivered(crm, expected) : null; // an unfinished agent run loses nothing yet
        var acks = sent.Acks.Select(a => a.Ms).Order().ToList();
        var queuedAcks = sent.Acks.Where(a => a.Queued).Select(a => a.Ms).Order().ToList();
        var report = new JsonObject
        {
            ["design"] = s.Design,
            ["orders"] = s.Orders,
            ["hooks"] = hooks.Count,
            ["senders"] = s.Senders,
            ["hosting"] = s.Hosting,
            ["hooksRefused"] = sent.Refused,
            ["crmLatencySeconds"] = $"{s.CrmLatency.Min}-{s.CrmLatency.Max}",
            ["crmRequestsPerSecondLimit"] = s.CrmRps,
            ["bitrixLimit"] = $"burst {s.BitrixBurst}, {s.BitrixRps}/s",
            ["crmOutageSeconds"] = s.CrmOutage,
            ["killRunnerAfterSeconds"] = s.KillRunnerAfter,
            ["lostHooksPercent"] = s.LostHooks,
            ["hooksDropped"] = hooksDropped,
            ["ordersWithoutHook"] = ids.Except(hooks).Count(),
            ["hookAckP50Ms"] = Round(Percentile(acks, 0.50)),
            ["hookAckP99Ms"] = Round(Percentile(acks, 0.99)),
            ["hookAckMaxMs"] = Round(acks.Count == 0 ? 0 : acks[^1]),
            ["hooksQueuingAMessage"] = queuedAcks.Count, // the rest shared the message of an earlier save
            ["queuingHookAckP50Ms"] = Round(Percentile(queuedAcks, 0.50)),
            ["queuingHookAckP99Ms"] = Round(Percentile(queuedAcks, 0.99)),
            ["queuingHookAckMaxMs"] = Round(queuedAcks.Count == 0 ? 0 : queuedAcks[^1]),
            ["hooksSentSeconds"] = Round(lastHook),
            ["deliveredOrders"] = delivered,
            ["secondsUntilAllInCrmAfterLastHook"] = complete ? Round(allIn - lastHook) : null,
            ["projectedSecondsUntilAllInCrm"] = complete ? null : delivered == 0 ? null : Round(allIn * s.Orders / delivered - lastHook),
            ["crmRequests"] = used.Crm,
            ["crmRequestsPerOrder"] = Round(used.Crm / (double)Math.Max(delivered, 1), 3),
            ["bitrixRequests"] = used.Bitrix,
            ["bitrixRequestsPerOrder"] = Round(used.Bitrix / (double)Math.Max(delivered, 1), 3),
            ["crm503"] = used.Crm503, // rate limit and faults
            ["bitrix503"] = used.Bitrix503,
            ["crmRateLimitViolations"] = used.CrmViolations, // requests beyond 10 in a sliding second, counted at arrival
            ["bitrixRateLimitViolations"] = used.BitrixViolations,
            ["ordersUploads"] = used.OrdersUploads,
            ["buyers"] = buyers.Count,
            ["buyersWithSeveralOrders"] = buyers.Returning,
            ["buyersAlreadyInCrm"] = buyers.Known,
            ["customerLists"] = used.CustomerLists,
            ["customerUploads"] = used.CustomerUploads,
            ["customerEdits"] = used.CustomerEdits,
            ["customerCreates"] = used.CustomerCreates,
            ["customerGets"] = used.CustomerGets,
            ["customersWithOutdatedDetails"] = staleCustomers,
            ["secondsUntilAllInCrmAfterRestart"] = s.KillRunnerAfter > 0 && complete ? Round(allIn - restartedAt) : null,
            ["lost"] = lost,
            ["duplicated"] = duplicated,
            ["cpuCount"] = Environment.ProcessorCount,
        };
        if (!complete && s.Design == "agent")
            report["note"] = $"agent run stopped after {limit:0} s (--agent-time-limit); time projected from its rate";
        if (s.KillRunnerAfter > 0)
            report["note"] = "the killed runner's leases ran out on real clocks and the recovery timer queued their orders again; " +
                "its own queue messages stay invisible for the rest of the queue extension's 10-minute lease and were not waited for";
        return report;
    }

    private const int FirstId = 100_001;
    private const string OrdersQueue = "bitrix-orders";

    private static Dictionary<string, string?> HttpFunctionsOnly(Dictionary<string, string?> settings) => new(settings)
    {
        ["AzureWebJobs.PushOrder.Disabled"] = "true",
        ["AzureWebJobs.ApplyStatus.Disabled"] = "true",
    };

    /// <summary>Orders pushed before the measurement, so that JIT tiering and table creation are not measured.</summary>
    private static readonly IReadOnlyList<int> WarmUpIds = Enumerable.Range(99_001, 50).ToList();

    /// <summary>
    /// The runner's settings, as app settings, with the Function App's DOTNET_* runtime settings (infra/main.bicep); the
    /// agent's services are built from the same ones.
    /// </summary>
    private static Dictionary<string, string?> RunnerSettings(Settings s, Azurite azurite, BitrixSimulator bitrix, RetailCrmSimulator crm,
        string functionKey) => new(FunctionAppRuntime.Settings.Select(r => KeyValuePair.Create(r.Key, (string?)r.Value))
        .Concat(new RunnerConnections(azurite.ConnectionString, bitrix.WebhookUrl, bitrix.Options.ApplicationToken, crm.BaseUrl,
            crm.Options.ApiKey, functionKey + functionKey, functionKey, "admin-" + functionKey).ToSettings()))
    {
        ["OrdersQueueName"] = OrdersQueue,
        ["StatusQueueName"] = "retailcrm-status",
        ["Bitrix:Burst"] = s.BitrixBurst.ToString(CultureInfo.InvariantCulture),
        ["Bitrix:RequestsPerSecond"] = s.BitrixRps.ToString(CultureInfo.InvariantCulture),
        ["RetailCrm:RequestsPerSecond"] = s.CrmRps.ToString(CultureInfo.InvariantCulture),
        ["StatusSync:HistoryPollInterval"] = "01:00:00",
        // With lost hooks the reconciliation has to find the orders, so it runs often; otherwise it stays out of the figures.
        ["Reconcile:Interval"] = s.LostHooks > 0 ? "00:00:10" : "01:00:00",
        // The old design has no queue function: its hooks only queue, and the agent reads Bitrix itself.
        ["AzureWebJobs.PushOrder.Disabled"] = s.Design == "agent" ? "true" : "false",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Azure.Core"] = "Error",
        ["Logging:LogLevel:BitrixRetailCrm.Sync.OrderPushHandler"] = s.Verbose ? "Debug" : "Warning",
    };

    private static async Task WarmUpAsync(Settings s, BitrixSimulator bitrix, RetailCrmSimulator crm, Uri hookUrl)
    {
        foreach (var id in WarmUpIds) (await bitrix.SendOrderSavedEventAsync(hookUrl, id)).Dispose();
        if (s.Design == "batched")
            await WaitAsync(() => WarmUpIds.All(id => crm.FindOrder(id.ToString(CultureInfo.InvariantCulture)) is not null), TimeSpan.FromSeconds(120));
    }

    /// <summary>2-3 saves per order, back to back as Bitrix fires them during checkout, minus the --lost-hooks share.</summary>
    private static (List<int> Hooks, int Dropped) PlanHooks(List<int> ids, Settings s)
    {
        var hooks = new List<int>();
        var random = new Random(42);
        foreach (var id in ids)
            for (var i = random.Next(s.Saves.Min, s.Saves.Max + 1); i > 0; i--) hooks.Add(id);
        // --lost-hooks: that share is never sent, as when Bitrix's queue server gives up on a delivery.
        var dropped = hooks.RemoveAll(_ => random.NextDouble() * 100 < s.LostHooks);
        return (hooks, dropped);
    }

    /// <param name="Queued">False when the hook shared the queue message of an earlier save of its order.</param>
    private sealed record Ack(double Ms, bool Queued);

    private sealed record SentHooks(IReadOnlyCollection<Ack> Acks, int Refused);

    /// <summary>
    /// Each sender posts its next hook as soon as the previous one is acknowledged. A hook the runner cannot take
    /// (it is down: --kill-runner-after) is sent again until accepted, as Azure's front end would route it to a live
    /// instance; only the accepted attempt's time counts.
    /// </summary>
    private static async Task<SentHooks> SendHooksAsync(BitrixSimulator bitrix, Uri hookUrl, List<int> hooks, int senders)
    {
        var acks = new ConcurrentBag<Ack>();
        var refused = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < hooks.Count)
                while (true)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await bitrix.SendOrderSavedEventAsync(hookUrl, hooks[i]);
                        if ((int)response.StatusCode == 202)
                        {
                            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                            acks.Add(new Ack(ms, body?["coalesced"]?.AsArray().Count is null or 0));
                            break;
                        }
                    }
                    catch (HttpRequestException) { } // connection refused while the runner is down
                    Interlocked.Increment(ref refused);
                    await Task.Delay(50);
                }
        })));
        return new SentHooks(acks, refused);
    }

    private static async Task CrmOutageAsync(RetailCrmSimulator crm, Settings s)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        Log(s, $"RetailCRM down: connection refused for {s.CrmOutage / 2:0} s, then 503 for {s.CrmOutage / 2:0} s");
        await crm.Faults.StopListeningAsync();
        await Task.Delay(TimeSpan.FromSeconds(s.CrmOutage / 2));
        crm.Faults.FailFor(TimeSpan.FromSeconds(s.CrmOutage / 2));
        await crm.Faults.ResumeListeningAsync();
    }

    /// <returns>When the runner was up again, on the run's clock.</returns>
    private static async Task<double> KillAndRestartAsync(RunnerProcess runner, Stopwatch clock, Settings s)
    {
        await Task.Delay(TimeSpan.FromSeconds(s.KillRunnerAfter));
        await runner.KillAsync();
        Log(s, $"runner killed (SIGKILL) at {s.KillRunnerAfter:0.#} s; restarting on real clocks");
        await runner.StartAsync();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Request counters of both simulators, so the warm-up can be subtracted.</summary>
    private sealed record Counts(int Crm, int Crm503, int CrmViolations, int OrdersUploads, int CustomerLists, int CustomerUploads,
        int CustomerEdits, int CustomerCreates, int CustomerGets, int Bitrix, int Bitrix503, int BitrixViolations)
    {
        public Counts(RetailCrmSimulator crm, BitrixSimulator bitrix) : this(crm.Requests, crm.RateLimitViolations, bitrix.Requests,
            bitrix.RateLimitViolations) { }

        private Counts(IReadOnlyList<Simulators.Common.RecordedRequest> crm, int crmViolations,
            IReadOnlyList<Simulators.Common.RecordedRequest> bitrix, int bitrixViolations) : this(
            crm.Count, crm.Count(r => r.StatusCode == 503), crmViolations,
            crm.Count(r => r.Path.EndsWith("orders/upload", StringComparison.Ordinal)),
            crm.Count(r => r.Method == "GET" && r.Path.EndsWith("/customers", StringComparison.Ordinal)),
            crm.Count(r => r.Path.EndsWith("customers/upload", StringComparison.Ordinal)),
            crm.Count(r => r.Path.Contains("/customers/", StringComparison.Ordinal) && r.Path.EndsWith("/edit", StringComparison.Ordinal)),
            crm.Count(r => r.Path.EndsWith("customers/create", StringComparison.Ordinal)),
            crm.Count(r => r.Method == "GET" && r.Path.Contains("/customers/", StringComparison.Ordinal)),
            bitrix.Count, bitrix.Count(r => r.StatusCode == 503), bitrixViolations) { }

        public static Counts operator -(Counts a, Counts b) => new(a.Crm - b.Crm, a.Crm503 - b.Crm503, a.CrmViolations - b.CrmViolations,
            a.OrdersUploads - b.OrdersUploads, a.CustomerLists - b.CustomerLists, a.CustomerUploads - b.CustomerUploads,
            a.CustomerEdits - b.CustomerEdits, a.CustomerCreates - b.CustomerCreates, a.CustomerGets - b.CustomerGets,
            a.Bitrix - b.Bitrix, a.Bitrix503 - b.Bitrix503, a.BitrixViolations - b.BitrixViolations);
    }

    private static ServiceProvider AgentServices(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddBitrixRetailCrm(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    /// <summary>
    /// The old integration's agent for comparison: every 10 s it takes the next 10 changed orders and pushes them one
    /// after another with per-order calls (sale.order.get; customers get + create/edit; orders get + create/edit).
    /// </summary>
    private static async Task RunAgentAsync(IServiceProvider services, List<int> ids, Settings s, Stopwatch clock, CancellationToken ct)
    {
        var bitrix = services.GetRequiredService<BitrixClient>();
        var crm = services.GetRequiredService<RetailCrmClient>();
        var mappings = services.GetRequiredService<MappingStore>();
        var sync = services.GetRequiredService<IOptions<SyncOptions>>().Value;
        var options = new OrderMappingOptions
        {
            NumberTemplate = sync.OrderNumberTemplate,
            CrmTimeZone = TimeZoneInfo.FindSystemTimeZoneById(services.GetRequiredService<IOptions<RetailCrmOptions>>().Value.TimeZone),
        };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        var limit = TimeSpan.FromSeconds(s.AgentTimeLimit);
        for (var start = 0; start < ids.Count && clock.Elapsed < limit; start += 10)
        {
            foreach (var id in ids.Skip(start).Take(10))
            {
                if (clock.Elapsed >= limit || ct.IsCancellationRequested) return;
                try
                {
                    var mapped = OrderMapper.Map(await bitrix.GetOrderAsync(id.ToString(CultureInfo.InvariantCulture), ct),
                        await mappings.GetAsync(ct), options);
                    if (mapped.Customer is { } customer)
                    {
                        if (await crm.GetCustomerAsync(customer.ExternalId, mapped.Site, ct) is null)
                            await crm.CreateCustomerAsync(customer, mapped.Site, ct);
                        else
                            await crm.EditCustomerAsync(customer, mapped.Site, ct);
                    }
                    if (await crm.GetOrderAsync(mapped.Order.ExternalId, mapped.Site, ct) is null)
                        await crm.CreateOrderAsync(mapped.Order, mapped.Site, ct);
                    else
                        await crm.EditOrderAsync(mapped.Order, mapped.Site, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    Log(s, $"agent: order {id} failed ({ex.Message}); next run");
                }
            }
            await timer.WaitForNextTickAsync(ct);
        }
    }

    private static async Task<int> WaitForContentAsync(RetailCrmSimulator crm, Dictionary<string, JsonObject> expected, Stopwatch clock,
        TimeSpan limit, Settings s)
    {
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var delivered = CountDelivered(crm, expected);
            if (delivered == expected.Count || clock.Elapsed > limit) return delivered;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                Log(s, $"  {clock.Elapsed.TotalSeconds:0} s: {delivered}/{expected.Count} orders in RetailCRM");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Orders in RetailCRM with the right content: number, customer, item count and quantities, status.</summary>
    private static int CountDelivered(RetailCrmSimulator crm, Dictionary<string, JsonObject> expected) =>
        expected.Count(e => crm.FindOrder(e.Key) is { } order && Matches(order, e.Value));

    private static bool Matches(JsonObject crmOrder, JsonObject bitrixOrder)
    {
        var basket = bitrixOrder["basketItems"]!.AsArray();
        var items = crmOrder["items"]?.AsArray();
        return crmOrder["number"]?.ToString() == bitrixOrder["accountNumber"]?.ToString()
            && crmOrder["customer"]?["externalId"]?.ToString() == bitrixOrder["userId"]?.ToString()
            && crmOrder["status"]?.ToString() == "new"
            && items is not null && items.Count == basket.Count
            && items.Zip(basket).All(p => decimal.Parse(p.First!["quantity"]!.ToString(), CultureInfo.InvariantCulture)
                == decimal.Parse(p.Second!["quantity"]!.ToString(), CultureInfo.InvariantCulture));
    }

    private static void PrintTable(JsonObject r)
    {
        string V(string key) => r[key]?.ToString() ?? "—";
        var rows = new (string, string, string)[]
        {
            ("design / hosting", $"{V("design")} / {V("hosting")}", ""),
            ("orders / hooks", $"{V("orders")} / {V("hooks")}", ""),
            ("hooks lost (orders left without one)", $"{V("hooksDropped")} ({V("ordersWithoutHook")})", ""),
            ("hook ack p50 / p99 / max (ms)", $"{V("hookAckP50Ms")} / {V("hookAckP99Ms")} / {V("hookAckMaxMs")}", "p99 < 20"),
            ("hooks that queued a message: n, p50 / p99 / max (ms)",
                $"{V("hooksQueuingAMessage")}, {V("queuingHookAckP50Ms")} / {V("queuingHookAckP99Ms")} / {V("queuingHookAckMaxMs")}", ""),
            ("hooks sent in (s)", V("hooksSentSeconds"), ""),
            ("all in RetailCRM after last hook (s)", r["secondsUntilAllInCrmAfterLastHook"] is null
                ? $"— ({V("deliveredOrders")} delivered; projected {V("projectedSecondsUntilAllInCrm")})"
                : V("secondsUntilAllInCrmAfterLastHook"), "≤ 15"),
            ("all in RetailCRM after the restart (s)", V("secondsUntilAllInCrmAfterRestart"), "≤ 120"),
            ("RetailCRM requests (per order)", $"{V("crmRequests")} ({V("crmRequestsPerOrder")})", "≤ 0.05"),
            ("Bitrix requests (per order)", $"{V("bitrixRequests")} ({V("bitrixRequestsPerOrder")})", "≤ 0.05"),
            ("503s received RetailCRM / Bitrix", $"{V("crm503")} / {V("bitrix503")}", ""),
            ("requests over the limit RetailCRM / Bitrix", $"{V("crmRateLimitViolations")} / {V("bitrixRateLimitViolations")}", "0 / 0"),
            ("buyers (several orders / in RetailCRM before)", $"{V("buyers")} ({V("buyersWithSeveralOrders")} / {V("buyersAlreadyInCrm")})", ""),
            ("orders/upload calls", V("ordersUploads"), ""),
            ("customers list / upload / edit / create / get", $"{V("customerLists")} / {V("customerUploads")} / {V("customerEdits")} / {V("customerCreates")} / {V("customerGets")}", ""),
            ("customers with out-of-date details", V("customersWithOutdatedDetails"), "0"),
            ("lost / duplicated", $"{V("lost")} / {V("duplicated")}", "0 / 0"),
        };
        var width = rows.Max(x => x.Item1.Length);
        var valueWidth = Math.Max(12, rows.Max(x => x.Item2.Length));
        Console.WriteLine($"| {"metric".PadRight(width)} | {"value".PadRight(valueWidth)} | target   |");
        Console.WriteLine($"|{new string('-', width + 2)}|{new string('-', valueWidth + 2)}|----------|");
        foreach (var (name, value, target) in rows)
            Console.WriteLine($"| {name.PadRight(width)} | {value.PadRight(valueWidth)} | {target,-8} |");
        if (r["note"] is { } note) Console.WriteLine(note);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Round(double value, int digits = 1) => Math.Round(value, digits);

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout) =>
        await WaitAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(100);
    }

    private static void Log(Settings s, string line)
    {
        if (!s.JsonOnly) Console.Error.WriteLine(line);
    }
}
