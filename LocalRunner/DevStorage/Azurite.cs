using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BitrixRetailCrm.LocalRunner.DevStorage;

/// <summary>
/// Azurite from the repository's node_modules, in memory on free loopback ports so it can run beside another Azurite.
/// Used by the demo and the tests; `--skipApiVersionCheck` because Azure.Storage.Queues 12.28 speaks a newer API
/// version than Azurite 3.37 knows. With a movable clock (azurite-clock.js) a test can let storage time pass at once.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string? _clockFile;
    private readonly SemaphoreSlim _clockShifted = new(0);

    private Azurite(Process process, string? clockFile, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _clockFile = clockFile;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync(CancellationToken ct = default) => await StartAsync(movableClock: false, ct);

    /// <param name="movableClock">Lets <see cref="ShiftClockAsync"/> move the emulator's clock forward.</param>
    public static async Task<Azurite> StartAsync(bool movableClock, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(FindExecutable(),
            "--silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --blobHost 127.0.0.1 --queueHost 127.0.0.1 " +
            "--tableHost 127.0.0.1 --blobPort 0 --queuePort 0 --tablePort 0")
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string? clockFile = null;
        if (movableClock)
        {
            clockFile = Path.GetTempFileName();
            start.Environment["NODE_OPTIONS"] = $"--require \"{Path.Combine(AppContext.BaseDirectory, "azurite-clock.js")}\"";
            start.Environment["AZURITE_CLOCK_FILE"] = clockFile;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start azurite");
        ChildProcesses.KillOnExit(() => process);
        var ports = new Dictionary<string, int>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (ports.Count < 3)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"azurite exited: {await process.StandardError.ReadToEndAsync(ct)}");
            if (ListeningLine().Match(line) is { Success: true } m) ports[m.Groups[1].Value] = int.Parse(m.Groups[2].Value);
        }
        var azurite = new Azurite(process, clockFile, ports["Blob"], ports["Queue"], ports["Table"]);
        _ = azurite.DrainAsync(process.StandardOutput);
        _ = azurite.DrainAsync(process.StandardError);
        return azurite;
    }

    /// <summary>
    /// Moves the emulator's clock forward: visibility timeouts, message leases and the Date of every response see the
    /// time pass, the processes talking to it do not.
    /// </summary>
    public async Task ShiftClockAsync(TimeSpan by, CancellationToken ct = default)
    {
        if (_clockFile is null) throw new InvalidOperationException("Azurite was started without a movable clock");
        await File.WriteAllTextAsync(_clockFile, ((long)by.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        using (var signal = Process.Start("kill", ["-USR2", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await signal.WaitForExitAsync(ct);
        if (!await _clockShifted.WaitAsync(TimeSpan.FromSeconds(10), ct))
            throw new TimeoutException("Azurite did not confirm the clock shift");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_clockFile is not null) File.Delete(_clockFile);
    }

    private static string FindExecutable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("node_modules/.bin/azurite not found: run `npm ci` in the repository root");
    }

    private async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("Azurite clock shifted", StringComparison.Ordinal)) _clockShifted.Release();
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
