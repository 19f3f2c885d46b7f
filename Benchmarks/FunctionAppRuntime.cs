using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.RegularExpressions;

namespace BitrixRetailCrm.Benchmarks;

/// <summary>
/// The .NET runtime settings the deployed Function App runs with: the DOTNET_* app settings of infra/main.bicep, which
/// the worker process inherits as environment variables. The GC reads them only at startup, so the benchmark reruns
/// itself in a child process that has them, and its figures are the app's rather than those of a setting the app lacks.
/// A variable already in the environment is kept, to measure another value (DOTNET_GCgen0size=0 is the runtime's own
/// choice).
/// </summary>
internal static partial class FunctionAppRuntime
{
    public static IReadOnlyDictionary<string, string> Settings { get; } = Read();

    public static bool IsApplied => Settings.Keys.All(name => Environment.GetEnvironmentVariable(name) is not null);

    /// <summary>The settings in force and the gen0 budget the GC derived from them, for the report.</summary>
    public static string Describe()
    {
        var settings = Settings.Keys.Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}");
        var gc = GC.GetConfigurationVariables();
        var budget = gc.TryGetValue("GCGen0MaxBudget", out var value) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) / 1024 / 1024 : 0;
        var concurrent = gc.TryGetValue("ConcurrentGC", out var c) && c is true ? "concurrent" : "non-concurrent";
        return $"{string.Join(' ', settings)}; {(GCSettings.IsServerGC ? "server" : "workstation")} {concurrent} GC, gen0 budget {budget} MB";
    }

    /// <summary>Runs this benchmark again with the settings, its output going to this console, and returns its exit code.</summary>
    public static async Task<int> RerunAsync(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BitrixRetailCrm.Benchmarks.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in Settings) start.Environment.TryAdd(name, value);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not rerun the benchmark");
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    private static Dictionary<string, string> Read()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var template = Path.Combine(dir.FullName, "infra", "main.bicep");
            if (File.Exists(template))
                return RuntimeSetting().Matches(File.ReadAllText(template)).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        }
        throw new FileNotFoundException("infra/main.bicep not found above the benchmark's folder");
    }

    // An app setting line of the template, e.g. "    DOTNET_GCgen0size: '0x2000000'".
    [GeneratedRegex(@"^\s*(?<name>DOTNET_\w+):\s*'(?<value>[^']*)'\s*$", RegexOptions.Multiline)]
    private static partial Regex RuntimeSetting();
}
