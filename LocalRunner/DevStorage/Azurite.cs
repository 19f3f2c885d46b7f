using System.Diagnostics;
using System.Globalization;

namespace BitrixRetailCrm.LocalRunner.DevStorage;

/// <summary>
/// Azurite from the repository's node_modules, in memory on free loopback ports so it can run beside another Azurite.
/// Used by the demo, the tests and the benchmarks; `--skipApiVersionCheck` because Azure.Storage.Queues 12.28 speaks a
/// newer API version than Azurite 3.37 knows. Each service runs in a process of its own, as the real services have
/// front ends of their own: one Node thread serving all three made a hook's queue write wait behind the push's table
/// transactions.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly string[] Services = ["Blob", "Queue", "Table"];
    private readonly Process[] _processes;

    private Azurite(Process[] processes, IReadOnlyDictionary<string, int> ports)
    {
        _processes = processes;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports["Table"]}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync(CancellationToken ct = default)
    {
        var started = Services.Select(service => StartServiceAsync(service, ct)).ToList();
        try
        {
            await Task.WhenAll(started);
        }
        catch
        {
            foreach (var task in started.Where(t => t.IsCompletedSuccessfully)) task.Result.Process.Kill();
            throw;
        }
        var azurite = new Azurite([.. started.Select(t => t.Result.Process)], started.ToDictionary(t => t.Result.Service, t => t.Result.Port));
        foreach (var process in azurite._processes)
        {
            _ = DrainAsync(process.StandardOutput);
            _ = DrainAsync(process.StandardError);
        }
        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>
    /// Starts one service on a free port chosen here (azurite-table reports port 0 when given 0); a port taken in the
    /// meantime by someone else is retried with another.
    /// </summary>
    private static async Task<(string Service, Process Process, int Port)> StartServiceAsync(string service, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var process = StartProcess(service, port);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                if (line.Contains($"{service} service successfully", StringComparison.Ordinal))
                    return (service, process, port);
            var error = await process.StandardError.ReadToEndAsync(ct);
            if (attempt == 3 || !error.Contains("EADDRINUSE", StringComparison.Ordinal))
                throw new InvalidOperationException($"azurite-{service.ToLowerInvariant()} exited: {error}");
        }
    }

    private static Process StartProcess(string service, int port)
    {
        var name = service.ToLowerInvariant();
        var start = new ProcessStartInfo(FindExecutable($"azurite-{name}"),
            $"--silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --{name}Host 127.0.0.1 --{name}Port {port}")
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start azurite-{name}");
        ChildProcesses.KillOnExit(() => process);
        return process;
    }

    private static string FindExecutable(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"node_modules/.bin/{name} not found: run `npm ci` in the repository root");
    }

    /// <summary>Reads what the process writes, so that a full pipe never blocks it.</summary>
    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null) { }
    }
}
