using BitrixRetailCrm.Demo;
using BitrixRetailCrm.Simulators;

// The README's quick start (bash scripts/demo.sh): Azurite, both simulators and the local runner in this process;
// pushes order 1001 from the Bitrix simulator and shows it arrive in the RetailCRM simulator.
const string usage =
    "Usage: bash scripts/demo.sh [--keep-running] [simulator options] [--Setting=value ...]\n" +
    "  --keep-running                keep everything up after the demo and print URLs and credentials, until Ctrl+C\n" +
    "Simulator options (events always go to the demo's own hook, whatever --bitrix-event-url says):\n" +
    SimulatorCommandLine.Usage + "\n" +
    "  --Setting=value               a runner setting over the demo's, e.g. --Sync:OrderNumberTemplate=BX-{id}";

SimulatorCommandLine simulators;
try
{
    simulators = SimulatorCommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    return UsageError(ex.Message);
}
if (simulators.Rest.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(usage);
    return 0;
}
bool keepRunning = simulators.Rest.Contains("--keep-running");
string[] runnerArgs = simulators.Rest.Where(a => a != "--keep-running").ToArray();
if (runnerArgs.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) || !a.Contains('=')) is { } unknown)
    return UsageError($"unknown argument {unknown}");

using CancellationTokenSource stop = new();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// The stack is disposed before a failure is reported, so the reason is the last line.
string? failure = await RunAsync(simulators, runnerArgs, keepRunning, stop.Token);
if (failure is null)
    return 0;
Console.Error.WriteLine($"{Environment.NewLine}Demo FAILED: {failure}");
return 1;

static async Task<string?> RunAsync(SimulatorCommandLine simulators, string[] runnerArgs, bool keepRunning, CancellationToken stop)
{
    await using DemoStack stack = new();
    try
    {
        await stack.StartAsync(simulators, runnerArgs, stop);
        await new DemoSteps(stack, stop).RunAsync();
        Console.WriteLine($"{Environment.NewLine}Done.");
        if (keepRunning)
            await KeepRunningAsync(stack, stop);
        return null;
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        return "interrupted";
    }
    catch (Exception ex)
    {
        string cause = ex.GetBaseException().Message;
        return ex is DemoFailedException || cause == ex.Message ? ex.Message : $"{ex.Message}: {cause}";
    }
}

static async Task KeepRunningAsync(DemoStack stack, CancellationToken stop)
{
    Console.WriteLine();
    foreach (string line in stack.Describe())
        Console.WriteLine(line);
    Console.WriteLine("Everything keeps running (these are demo credentials). Press Ctrl+C to stop.");
    try
    {
        await Task.Delay(Timeout.Infinite, stop);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping.");
    }
}

int UsageError(string message)
{
    Console.Error.WriteLine($"{message}{Environment.NewLine}{usage}");
    return 2;
}
