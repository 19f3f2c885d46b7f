using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Azure.Storage.Queues;
using BitrixRetailCrm.LocalRunner;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Tests.Infrastructure;

/// <summary>
/// The whole path on loopback: Azurite, both simulators and the local runner (HTTP routes + WebJobs queue listener),
/// with queue and table names of its own so tests never see each other's data.
/// </summary>
public sealed class IntegrationHarness : IAsyncDisposable
{
    public const string FunctionKey = "test-function-key-0123456789";
    public const string AdminKey = "test-admin-key-9876543210abc";
    public const string WebhookSecret = "test-webhook-secret-9876543210";

    private IntegrationHarness(BitrixSimulator bitrix, RetailCrmSimulator crm, WebApplication runner, Uri runnerUrl,
        string queueName, string storage, CapturedLogs logs, Dictionary<string, string?> settings, bool startQueueListener)
    {
        _settings = settings;
        _startQueueListener = startQueueListener;
        Bitrix = bitrix;
        Crm = crm;
        Runner = runner;
        RunnerUrl = runnerUrl;
        QueueName = queueName;
        Logs = logs;
        _storage = storage;
        Queue = new QueueClient(storage, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        PoisonQueue = new QueueClient(storage, queueName + "-poison");
    }

    private readonly string _storage;
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _startQueueListener;

    public BitrixSimulator Bitrix { get; }
    public RetailCrmSimulator Crm { get; }
    public WebApplication Runner { get; private set; }
    public Uri RunnerUrl { get; private set; }
    public string QueueName { get; }
    public QueueClient Queue { get; }
    public QueueClient PoisonQueue { get; }
    public CapturedLogs Logs { get; }
    public HttpClient Http { get; } = new();
    public Uri HookUrl => new(RunnerUrl, $"api/bitrix/order-saved?code={FunctionKey}");
    public DeadLetterStore DeadLetters => Runner.Services.GetRequiredService<DeadLetterStore>();
    public MappingStore Mappings => Runner.Services.GetRequiredService<MappingStore>();
    public OrderStateStore States => Runner.Services.GetRequiredService<OrderStateStore>();

    /// <param name="settings">Overrides applied over the harness defaults (for example host.json queue settings).</param>
    /// <param name="startQueueListener">False keeps the WebJobs listener off, so tests can inspect what the hook queued.</param>
    public static async Task<IntegrationHarness> StartAsync(IDictionary<string, string?>? settings = null,
        bool startQueueListener = true, BitrixSimulatorOptions? bitrixOptions = null, RetailCrmSimulatorOptions? crmOptions = null)
    {
        var storage = await TestRun.StorageConnectionStringAsync();
        var bitrix = await BitrixSimulator.StartAsync(bitrixOptions ?? new BitrixSimulatorOptions());
        var crm = await RetailCrmSimulator.StartAsync(crmOptions ?? new RetailCrmSimulatorOptions());
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var queueName = $"orders-{suffix}";
        var connections = new RunnerConnections(storage, bitrix.WebhookUrl, bitrix.Options.ApplicationToken, crm.BaseUrl,
            crm.Options.ApiKey, WebhookSecret, FunctionKey, AdminKey);
        var values = new Dictionary<string, string?>(connections.ToSettings())
        {
            ["urls"] = "http://127.0.0.1:0",
            ["OrdersQueueName"] = queueName,
            ["Sync:MappingTable"] = $"map{suffix}",
            ["Sync:OrderStateTable"] = $"state{suffix}",
            ["Sync:DeadLetterTable"] = $"dead{suffix}",
            ["Sync:MaxDequeueCount"] = "3",
            ["Sync:RepeatedSaveWindow"] = "00:00:00", // messages visible at once; RepeatedSaveTests turn it on
            ["AzureWebJobs:extensions:queues:maxDequeueCount"] = "3",
            ["AzureWebJobs:extensions:queues:visibilityTimeout"] = "00:00:00.200",
            ["AzureWebJobs:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["StatusQueueName"] = $"status-{suffix}",
            ["StatusSync:StatusStateTable"] = $"status{suffix}",
            ["StatusSync:HistoryPollInterval"] = "01:00:00",
            ["Reconcile:Interval"] = "01:00:00", // tests run the reconciliation themselves
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;

        var logs = new CapturedLogs();
        var (runner, url) = await StartRunnerAsync(values, logs, startQueueListener);
        var harness = new IntegrationHarness(bitrix, crm, runner, url, queueName, storage, logs, values, startQueueListener);
        bitrix.Options.OutgoingWebhookUrl = harness.HookUrl; // our own Bitrix writes echo back as real events
        return harness;
    }

    private static async Task<(WebApplication Runner, Uri Url)> StartRunnerAsync(Dictionary<string, string?> values, CapturedLogs logs,
        bool startQueueListener)
    {
        var runner = LocalRunnerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.AddProvider(logs);
            if (!startQueueListener) builder.Services.AddSingleton<Microsoft.Azure.WebJobs.ITypeLocator>(new NoJobs());
        });
        await runner.StartAsync();
        var address = runner.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (runner, new Uri(address + "/"));
    }

    /// <summary>Stops the runner and starts a new one on the same storage, as a new instance or a restart would.</summary>
    public async Task RestartRunnerAsync()
    {
        await Runner.StopAsync();
        await Runner.DisposeAsync();
        (Runner, RunnerUrl) = await StartRunnerAsync(_settings, Logs, _startQueueListener);
        Bitrix.Options.OutgoingWebhookUrl = HookUrl;
    }

    public Uri CrmWebhookUrl => new(RunnerUrl, $"api/retailcrm/order-changed?code={FunctionKey}&secret={WebhookSecret}");

    /// <summary>Posts what a RetailCRM trigger with the README's parameters sends after a status change.</summary>
    public Task<HttpResponseMessage> SendCrmTriggerAsync(string externalId, string status, Uri? url = null) =>
        Http.PostAsync(url ?? CrmWebhookUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["externalId"] = externalId,
            ["id"] = Crm.FindOrder(externalId)?["id"]?.ToString() ?? "",
            ["status"] = status,
            ["site"] = "shop",
        }));

    public BitrixRetailCrm.StatusSync.HistoryPoller HistoryPoller => Runner.Services.GetRequiredService<BitrixRetailCrm.StatusSync.HistoryPoller>();

    public BitrixRetailCrm.Sync.OrderReconciler Reconciler => Runner.Services.GetRequiredService<BitrixRetailCrm.Sync.OrderReconciler>();

    public Task<HttpResponseMessage> SendBitrixEventAsync(int orderId) =>
        Bitrix.SendOrderSavedEventAsync(HookUrl, orderId, CancellationToken.None);

    public Task<HttpResponseMessage> PostHookAsync(string body, string contentType, Uri? url = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url ?? HookUrl) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null) request.Headers.Add("X-Application-Token", token);
        return Http.SendAsync(request);
    }

    public async Task<int> QueuedMessageCountAsync()
    {
        if (!(await Queue.ExistsAsync()).Value) return 0;
        return (await Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    public async Task<int> StatusQueueCountAsync()
    {
        var queue = new QueueClient(_storage, Runner.Configuration["StatusQueueName"]);
        return (await queue.ExistsAsync()).Value ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    /// <summary>
    /// Waits until both queues are drained, then for the echo Bitrix posts after a write of ours and for its push.
    /// </summary>
    public async Task SettleAsync()
    {
        await DrainedAsync();
        await Task.Delay(1500);
        await DrainedAsync();
    }

    private Task DrainedAsync() => WaitUntilAsync(async () => await QueuedMessageCountAsync() + await StatusQueueCountAsync() == 0,
        "queues are drained");

    public async Task<int> PoisonMessageCountAsync() =>
        (await PoisonQueue.ExistsAsync()).Value ? (await PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;

    /// <summary>Polls until the condition holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Runner.StopAsync();
        await Runner.DisposeAsync();
        await Crm.DisposeAsync();
        await Bitrix.DisposeAsync();
    }

    private sealed class NoJobs : Microsoft.Azure.WebJobs.ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => [];
    }
}

/// <summary>Every log line the runner writes, formatted, so tests can assert that secrets never reach a log.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
