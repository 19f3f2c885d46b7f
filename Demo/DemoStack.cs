using System.Security.Cryptography;
using BitrixRetailCrm.LocalRunner;
using BitrixRetailCrm.LocalRunner.DevStorage;
using BitrixRetailCrm.Simulators;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Demo;

/// <summary>Everything the demo runs, on loopback and free ports: Azurite, both simulators and the local runner.</summary>
internal sealed class DemoStack : IAsyncDisposable
{
    public const string QueueName = "bitrix-orders";

    /// <summary>RetailCRM answers a request in 0.3-0.6 s unless --retailcrm-latency says otherwise.</summary>
    private static readonly (TimeSpan, TimeSpan) CrmLatency = (TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600));

    private static readonly (TimeSpan, TimeSpan) BitrixLatency = (TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150));

    private Azurite? azurite;
    private RetailCrmSimulator? crm;
    private BitrixSimulator? bitrix;
    private WebApplication? runner;
    private bool runnerStarted;

    public RetailCrmSimulator Crm => crm ?? throw NotStarted();
    public BitrixSimulator Bitrix => bitrix ?? throw NotStarted();
    public Azurite Storage => azurite ?? throw NotStarted();
    public RunnerLog RunnerLog { get; } = new();
    public string FunctionKey { get; } = RandomKey();
    public string AdminKey { get; } = RandomKey();

    /// <summary>The shared secret RetailCRM triggers must send to the runner.</summary>
    public string CrmWebhookSecret { get; } = RandomKey();
    public Uri RunnerUrl { get; private set; } = null!;
    public Uri HookUrl => new(RunnerUrl, $"api/bitrix/order-saved?code={FunctionKey}");
    public Uri CrmWebhookUrl => new(RunnerUrl, $"api/retailcrm/order-changed?code={FunctionKey}&secret={CrmWebhookSecret}");

    /// <summary>Posts what the README's RetailCRM trigger sends after a status change.</summary>
    public async Task<HttpResponseMessage> SendCrmTriggerAsync(string externalId, string status, CancellationToken ct)
    {
        using HttpClient http = new();
        return await http.PostAsync(CrmWebhookUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["externalId"] = externalId,
            ["id"] = Crm.FindOrder(externalId)?["id"]?.ToString() ?? "",
            ["status"] = status,
        }), ct);
    }

    /// <param name="runnerArgs">--Name=value settings applied over the demo's own (e.g. --Sync:OrderNumberTemplate=BX-{id}).</param>
    public async Task StartAsync(SimulatorCommandLine simulators, IReadOnlyList<string> runnerArgs, CancellationToken ct)
    {
        Narrate.Step("Starting Azurite (in memory, free ports)");
        try
        {
            azurite = await Azurite.StartAsync(ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DemoFailedException("Azurite did not start within 60 s");
        }

        Narrate.Step("Starting the RetailCRM and Bitrix simulators");
        crm = await RetailCrmSimulator.StartAsync(simulators.RetailCrmOptions(defaultPort: 0, CrmLatency), ct);
        bitrix = await BitrixSimulator.StartAsync(simulators.BitrixOptions(defaultPort: 0, BitrixLatency), ct);
        Narrate.Line($"RetailCRM {crm.BaseUrl} (latency {Narrate.Range(crm.Options.MinLatency, crm.Options.MaxLatency)}), " +
            $"Bitrix {new Uri(bitrix.WebhookUrl, "/")} (latency {Narrate.Range(bitrix.Options.MinLatency, bitrix.Options.MaxLatency)})");

        Narrate.Step("Starting the local runner (hook route + queue listener)");
        runner = LocalRunnerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings());
            builder.Configuration.AddCommandLine(runnerArgs.ToArray());
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(RunnerLog);
        });
        await runner.StartAsync(ct);
        runnerStarted = true;
        string address = runner.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        RunnerUrl = new Uri(address.TrimEnd('/') + "/");
        // Saves made through Bitrix REST (sale.order.update) now come back as ONSALEORDERSAVED, as the outgoing webhook does.
        bitrix.Options.OutgoingWebhookUrl = HookUrl;
        Narrate.Line($"Runner on {RunnerUrl}, hook POST {RunnerUrl}api/bitrix/order-saved?code=…");
    }

    /// <summary>Lines for --keep-running: every URL and credential (all of them demo values).</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"Local runner:        {RunnerUrl}  (health: {RunnerUrl}api/health)";
        yield return $"  hook:              {HookUrl}";
        yield return $"  function key:      {FunctionKey}  (as ?code= or the x-functions-key header)";
        yield return $"  admin key:         {AdminKey}  (the master key of /api/ops/dead-letters; status: {RunnerUrl}api/ops/status)";
        yield return $"  RetailCRM trigger secret (RetailCrm:WebhookSecret): {CrmWebhookSecret}";
        yield return $"Azurite:             {Storage.ConnectionString}";
        foreach (string line in SimulatorCommandLine.Describe(Crm, Bitrix))
            yield return line;
    }

    public async ValueTask DisposeAsync()
    {
        if (runner is not null)
        {
            if (runnerStarted)
                await runner.StopAsync();
            await runner.DisposeAsync();
        }
        if (bitrix is not null) await bitrix.DisposeAsync();
        if (crm is not null) await crm.DisposeAsync();
        if (azurite is not null) await azurite.DisposeAsync();
    }

    /// <summary>The README's configuration names, pointing at the simulators and Azurite.</summary>
    private Dictionary<string, string?> Settings() => new(new RunnerConnections(Storage.ConnectionString, Bitrix.WebhookUrl,
        Bitrix.Options.ApplicationToken, Crm.BaseUrl, Crm.Options.ApiKey, CrmWebhookSecret, FunctionKey, AdminKey).ToSettings())
    {
        ["urls"] = "http://127.0.0.1:0",
        ["OrdersQueueName"] = QueueName,
        ["StatusQueueName"] = "retailcrm-status", // trigger attributes read it from configuration, not from its options default
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:BitrixRetailCrm"] = "Information",
        // The Azure SDK warns about every 404, e.g. when the hook creates the queue on its first message.
        ["Logging:LogLevel:Azure.Core"] = "Error",
    };

    private static string RandomKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    private static InvalidOperationException NotStarted() => new("the demo stack is not started");
}
