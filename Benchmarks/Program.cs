using System.Diagnostics;
using BitrixRetailCrm;
using BitrixRetailCrm.Catalog;
using BitrixRetailCrm.LocalRunner.DevStorage;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// dotnet run --project Benchmarks -c Release -- icml --offers 100000
// Builds the ICML feed for a generated catalogue from the Bitrix simulator (default cloud rate limit: burst 50, 2/s) into
// Azurite, and prints time, peak working set and Bitrix requests. The simulator runs in this process, so the peak
// includes its catalogue (compact records) and Kestrel: the builder's own share is smaller.
if (args.Length > 0 && args[0] == "sale-day") return await BitrixRetailCrm.Benchmarks.SaleDayBenchmark.RunAsync(args[1..]);
if (args.Length == 0 || args[0] != "icml")
{
    Console.Error.WriteLine("usage: icml [--offers N] [--per-product K]");
    return 2;
}
var offers = Option("--offers", 100_000);
var perProduct = Option("--per-product", 4);

await using var azurite = await Azurite.StartAsync();
await using var bitrix = await BitrixSimulator.StartAsync(new BitrixSimulatorOptions { SeedDemoOrders = false });
await using var crm = await RetailCrmSimulator.StartAsync();
bitrix.Catalog.Generate(offers, perProduct);

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = azurite.ConnectionString,
    ["Bitrix:WebhookUrl"] = bitrix.WebhookUrl.ToString(),
    ["Bitrix:ApplicationToken"] = bitrix.Options.ApplicationToken,
    ["RetailCrm:Url"] = crm.BaseUrl.ToString(),
    ["RetailCrm:ApiKey"] = crm.Options.ApiKey,
    ["RetailCrm:WebhookSecret"] = "benchmark-webhook-secret",
    ["Catalog:ShopUrl"] = "https://shop.example.ru/",
    ["Catalog:ProductUrlTemplate"] = "https://shop.example.ru/catalog/{parentCode}/?offer={id}",
    ["Catalog:VendorPropertyId"] = "260",
    ["Catalog:ParamProperties"] = "261=Размер",
    ["Catalog:PagesPerBatch"] = Environment.GetEnvironmentVariable("PAGES_PER_BATCH") ?? "50",
}).Build();
await using var services = new ServiceCollection().AddLogging().AddBitrixRetailCrm(configuration).BuildServiceProvider();

GC.Collect();
var before = Process.GetCurrentProcess().WorkingSet64;
var requestsBefore = bitrix.TotalRequests;
long peakHeap = 0;
using var sampling = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!sampling.IsCancellationRequested)
    {
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
        await Task.Delay(50);
    }
});
var result = await services.GetRequiredService<IcmlFeedBuilder>().BuildAsync(CancellationToken.None);
await sampling.CancelAsync();
await sampler;
using var process = Process.GetCurrentProcess();
process.Refresh();

Console.WriteLine($"offers written        {result.Offers:N0} (categories {result.Categories})");
Console.WriteLine($"feed size             {result.Bytes / 1024.0 / 1024.0:N1} MB");
Console.WriteLine($"time                  {result.Elapsed.TotalSeconds:N1} s");
Console.WriteLine($"Bitrix requests       {bitrix.TotalRequests - requestsBefore} (503 rate-limited: {bitrix.RateLimitedResponses})");
Console.WriteLine($"working set before    {before / 1024.0 / 1024.0:N0} MB (simulator catalogue generated)");
Console.WriteLine($"peak working set      {process.PeakWorkingSet64 / 1024.0 / 1024.0:N0} MB (peak managed heap {peakHeap / 1024.0 / 1024.0:N0} MB)");
var ok = result.Offers == offers && result.Elapsed < TimeSpan.FromSeconds(60) && process.PeakWorkingSet64 < 200L * 1024 * 1024;
Console.WriteLine(ok ? "target met (< 60 s, < 200 MB)" : "TARGET MISSED (< 60 s, < 200 MB)");
return ok ? 0 : 1;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
