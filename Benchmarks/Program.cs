using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BitrixRetailCrm;
using BitrixRetailCrm.Benchmarks;
using BitrixRetailCrm.Catalog;
using BitrixRetailCrm.LocalRunner.DevStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// dotnet run --project Benchmarks -c Release -- icml --offers 100000 [--per-product 4] [--pages 50]
// Builds the ICML feed for a generated catalogue into Azurite, reading it from the Simulators exe run as a child process
// (default cloud rate limit: burst 50, 2/s), and prints time, peak working set, allocations and Bitrix requests. The
// simulators run outside this process so that its peak working set is the feed builder's alone, as in a Functions
// instance, and it runs with the Function App's runtime settings (FunctionAppRuntime).
if (args.Length > 0 && args[0] == "sale-day") return await BitrixRetailCrm.Benchmarks.SaleDayBenchmark.RunAsync(args[1..]);
if (args.Length == 0 || args[0] != "icml")
{
    Console.Error.WriteLine("usage: icml [--offers N] [--per-product K] [--pages P]");
    return 2;
}
if (!FunctionAppRuntime.IsApplied) return await FunctionAppRuntime.RerunAsync(args);
var offers = Option("--offers") ?? 100_000;
var perProduct = Option("--per-product") ?? 4;

await using var azurite = await Azurite.StartAsync();
await using var simulators = await SimulatorProcess.StartAsync(offers, perProduct);
var settings = new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = azurite.ConnectionString,
    ["Bitrix:WebhookUrl"] = simulators.BitrixWebhookUrl,
    ["Bitrix:ApplicationToken"] = simulators.BitrixApplicationToken,
    ["RetailCrm:Url"] = simulators.CrmUrl,
    ["RetailCrm:ApiKey"] = simulators.CrmApiKey,
    ["RetailCrm:WebhookSecret"] = "benchmark-webhook-secret",
    ["Catalog:ShopUrl"] = "https://shop.example.ru/",
    ["Catalog:ProductUrlTemplate"] = "https://shop.example.ru/catalog/{parentCode}/?offer={id}",
    ["Catalog:VendorPropertyId"] = "260",
    ["Catalog:ParamProperties"] = "261=Размер",
};
if (Option("--pages") is { } pages) settings["Catalog:PagesPerBatch"] = pages.ToString(CultureInfo.InvariantCulture);
var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
await using var services = new ServiceCollection().AddLogging().AddBitrixRetailCrm(configuration).BuildServiceProvider();

var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
var result = await services.GetRequiredService<IcmlFeedBuilder>().BuildAsync(CancellationToken.None);
var allocatedMb = Megabytes(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
var collections = string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collectionsBefore[g]));
using var process = Process.GetCurrentProcess();
process.Refresh();
var peakMb = Megabytes(process.PeakWorkingSet64);
var simulatorPeakMb = Megabytes(simulators.PeakWorkingSet);
var ok = result.Offers == offers && result.Elapsed < TimeSpan.FromSeconds(60) && peakMb < 200;

Console.WriteLine($"feed: {result.Offers:N0} offers, {result.Categories} categories, {Megabytes(result.Bytes):N1} MB");
Console.WriteLine($"runtime: {FunctionAppRuntime.Describe()}");
Console.WriteLine("| offers  | seconds | peak working set (MB) | allocated (MB) | GCs gen0/1/2 | Bitrix requests | simulator peak working set (MB) |");
Console.WriteLine("|---------|---------|-----------------------|----------------|--------------|-----------------|---------------------------------|");
Console.WriteLine($"| {offers,7} | {result.Elapsed.TotalSeconds,7:N1} | {peakMb,21:N0} | {allocatedMb,14:N0} | {collections,12} | {result.BitrixRequests,15} | {simulatorPeakMb,31:N0} |");
Console.WriteLine(JsonSerializer.Serialize(new
{
    offers,
    offersWritten = result.Offers,
    seconds = Math.Round(result.Elapsed.TotalSeconds, 1),
    peakWorkingSetMb = Math.Round(peakMb),
    allocatedMb = Math.Round(allocatedMb),
    collections,
    runtime = FunctionAppRuntime.Describe(),
    bitrixRequests = result.BitrixRequests,
    simulatorPeakWorkingSetMb = Math.Round(simulatorPeakMb),
    targetMet = ok,
}));
Console.WriteLine(ok ? "target met (< 60 s, < 200 MB)" : "TARGET MISSED (< 60 s, < 200 MB)");
return ok ? 0 : 1;

int? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
}

static double Megabytes(long bytes) => bytes / 1024.0 / 1024.0;

