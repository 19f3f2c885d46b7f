using System.Diagnostics;
using BitrixRetailCrm.LocalRunner;
using System.Text.RegularExpressions;

namespace BitrixRetailCrm.Benchmarks;

/// <summary>
/// The Simulators exe (BitrixRetailCrm.Simulators.dll, copied next to the benchmark by the project reference) run as a
/// child process on free ports, so its generated catalogue and Kestrel are not counted in the benchmark's working set.
/// </summary>
internal sealed partial class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SimulatorProcess(Process process, Match bitrix, Match crm)
    {
        _process = process;
        BitrixWebhookUrl = bitrix.Groups["url"].Value;
        BitrixApplicationToken = bitrix.Groups["token"].Value;
        CrmUrl = crm.Groups["url"].Value;
        CrmApiKey = crm.Groups["key"].Value;
    }

    public string BitrixWebhookUrl { get; }
    public string BitrixApplicationToken { get; }
    public string CrmUrl { get; }
    public string CrmApiKey { get; }

    /// <summary>The child's peak working set so far (VmHWM on Linux); read it before disposing.</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>Starts the simulators with the catalogue generated and waits for the lines describing where they listen.</summary>
    public static async Task<SimulatorProcess> StartAsync(int offers, int perProduct)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "BitrixRetailCrm.Simulators.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--bitrix-port", "0", "--retailcrm-port", "0", "--bitrix-catalog-offers", $"{offers}", "--bitrix-catalog-per-product", $"{perProduct}" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
        ChildProcesses.KillOnExit(() => process);
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } line && !line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            lines.Add(line);
        // Nothing more is needed from its output, but the pipe must keep draining or the child blocks on a full buffer.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var bitrix = lines.Select(l => BitrixLine().Match(l)).FirstOrDefault(m => m.Success);
        var crm = lines.Select(l => CrmLine().Match(l)).FirstOrDefault(m => m.Success);
        if (bitrix is null || crm is null)
        {
            process.Kill();
            throw new InvalidOperationException($"the simulators did not start:\n{string.Join('\n', lines)}");
        }
        return new SimulatorProcess(process, bitrix, crm);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    // The lines SimulatorCommandLine.Describe prints.
    [GeneratedRegex(@"^Bitrix simulator:\s+(?<url>\S+)\s+\(application_token (?<token>[^,]+),")]
    private static partial Regex BitrixLine();

    [GeneratedRegex(@"^RetailCRM simulator:\s+(?<url>\S+?)api/v5/\s+X-API-KEY: (?<key>\S+)")]
    private static partial Regex CrmLine();
}
