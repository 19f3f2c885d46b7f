using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BitrixRetailCrm.LocalRunner.DevStorage;

/// <summary>
/// Azurite from the repository's node_modules, in memory on free loopback ports so it can run beside another Azurite.
/// Used by the demo and the tests; `--skipApiVersionCheck` because Azure.Storage.Queues 12.28 speaks a newer API
/// version than Azurite 3.37 knows.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync(CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(FindExecutable(),
            "--inMemoryPersistence --skipApiVersionCheck --disableTelemetry --blobHost 127.0.0.1 --queueHost 127.0.0.1 " +
            "--tableHost 127.0.0.1 --blobPort 0 --queuePort 0 --tablePort 0")
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start azurite");
        // Never outlive the process that started it, even when a test run is aborted before its teardown.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillQuietly(process);
        var ports = new Dictionary<string, int>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (ports.Count < 3)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"azurite exited: {await process.StandardError.ReadToEndAsync(ct)}");
            if (ListeningLine().Match(line) is { Success: true } m) ports[m.Groups[1].Value] = int.Parse(m.Groups[2].Value);
        }
        _ = DrainAsync(process.StandardOutput);
        _ = DrainAsync(process.StandardError);
        return new Azurite(process, ports["Blob"], ports["Queue"], ports["Table"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // already gone
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

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null) { }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
