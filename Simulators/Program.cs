using BitrixRetailCrm.Simulators;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;

// Runs both simulators for the demo and manual testing:
//   dotnet run --project Simulators -- --retailcrm-port 7071 --bitrix-port 7072 [--retailcrm-latency 3-5] [--bitrix-limit 50/2]
//   [--bitrix-event-url http://localhost:7075/api/bitrix/events] [--bitrix-catalog-offers 100000]
SimulatorCommandLine commandLine;
try
{
    commandLine = SimulatorCommandLine.Parse(args);
    if (commandLine.Rest.Count > 0)
        throw new ArgumentException($"unknown argument {commandLine.Rest[0]}");
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"{ex.Message}\nOptions:\n{SimulatorCommandLine.Usage}");
    return 2;
}

using CancellationTokenSource shutdown = new();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};

await using RetailCrmSimulator retailCrm = await RetailCrmSimulator.StartAsync(commandLine.RetailCrmOptions(defaultPort: 7071), shutdown.Token);
await using BitrixSimulator bitrix = await BitrixSimulator.StartAsync(commandLine.BitrixOptions(defaultPort: 7072), shutdown.Token);
commandLine.GenerateCatalog(bitrix);

foreach (string line in SimulatorCommandLine.Describe(retailCrm, bitrix))
    Console.WriteLine(line);
Console.WriteLine("Press Ctrl+C to stop.");

try
{
    await Task.Delay(Timeout.Infinite, shutdown.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping.");
}
return 0;
