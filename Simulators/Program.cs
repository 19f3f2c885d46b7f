using System.Globalization;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;

// Runs both simulators for the demo and manual testing:
//   dotnet run --project Simulators -- --retailcrm-port 7071 --bitrix-port 7072 [--retailcrm-latency 3-5] [--bitrix-limit 50/2]
//   [--bitrix-event-url http://localhost:7075/api/bitrix/events]
Dictionary<string, string> arguments = ParseArguments(args);

RetailCrmSimulatorOptions retailCrmOptions = new() { Port = PortArgument("--retailcrm-port", 7071) };
if (arguments.TryGetValue("--retailcrm-latency", out string? latency))
{
    (double min, double max) = Range(latency, '-');
    retailCrmOptions.SetLatency(TimeSpan.FromSeconds(min), TimeSpan.FromSeconds(max));
}

BitrixSimulatorOptions bitrixOptions = new() { Port = PortArgument("--bitrix-port", 7072) };
if (arguments.TryGetValue("--bitrix-limit", out string? limit))
{
    (double burst, double drain) = Range(limit, '/');
    bitrixOptions.BurstLimit = (int)burst;
    bitrixOptions.DrainPerSecond = (int)drain;
}
if (arguments.TryGetValue("--bitrix-event-url", out string? eventUrl))
    bitrixOptions.OutgoingWebhookUrl = new Uri(eventUrl);

using CancellationTokenSource shutdown = new();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};

await using RetailCrmSimulator retailCrm = await RetailCrmSimulator.StartAsync(retailCrmOptions, shutdown.Token);
await using BitrixSimulator bitrix = await BitrixSimulator.StartAsync(bitrixOptions, shutdown.Token);

// These are simulator demo credentials, not secrets.
Console.WriteLine($"RetailCRM simulator: {retailCrm.BaseUrl}api/v5/  X-API-KEY: {retailCrmOptions.ApiKey}  sites: {string.Join(",", retailCrmOptions.Sites)}");
Console.WriteLine($"  latency {retailCrmOptions.MinLatency.TotalSeconds}-{retailCrmOptions.MaxLatency.TotalSeconds} s, {retailCrmOptions.RequestsPerSecondPerKey} req/s per key");
Console.WriteLine($"Bitrix simulator:    {bitrix.WebhookUrl}  (application_token {bitrixOptions.ApplicationToken}, member_id {bitrixOptions.MemberId})");
Console.WriteLine($"  limit {bitrixOptions.BurstLimit}/{bitrixOptions.DrainPerSecond}, events to {bitrixOptions.OutgoingWebhookUrl?.ToString() ?? "(none)"}, demo orders 1001-1003");
Console.WriteLine("Press Ctrl+C to stop.");

try
{
    await Task.Delay(Timeout.Infinite, shutdown.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping.");
}

int PortArgument(string name, int fallback) =>
    arguments.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

static (double, double) Range(string text, char separator)
{
    string[] parts = text.Split(separator, 2);
    double first = double.Parse(parts[0], CultureInfo.InvariantCulture);
    return (first, parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : first);
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    Dictionary<string, string> parsed = new(StringComparer.OrdinalIgnoreCase);
    for (int i = 0; i + 1 < args.Length; i += 2)
        parsed[args[i]] = args[i + 1];
    return parsed;
}
