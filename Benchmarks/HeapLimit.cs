using System.Diagnostics;
using System.Globalization;

namespace BitrixRetailCrm.Benchmarks;

/// <summary>
/// Workstation GC sizes its gen0 budget from the L3 cache, and this VM reports 300 MB of it: the heap then grows by
/// ~100 MB of collectable garbage between GCs, whatever the builder keeps live (a few MB a window). A heap hard limit
/// makes the GC size gen0 to the limit instead, as DOTNET_GCHeapHardLimit in a Functions app's settings would; a builder
/// that really held more than the limit would fail with OutOfMemoryException, not pass. The GC reads the limit only at
/// startup (GC.RefreshMemoryLimit leaves gen0 as it was), so the benchmark reruns itself in a child process that has it.
/// </summary>
internal static class HeapLimit
{
    public const string Variable = "DOTNET_GCHeapHardLimit";

    public static bool IsSet => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    /// <summary>Runs this benchmark again with the limit, its output going to this console, and returns its exit code.</summary>
    public static async Task<int> RerunAsync(IEnumerable<string> args, int megabytes)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BitrixRetailCrm.Benchmarks.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment[Variable] = ((long)megabytes * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not rerun the benchmark");
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
