using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>
/// This runner as a separate process (BitrixRetailCrm.LocalRunner.dll, copied next to whatever references the project),
/// on a fixed loopback port so it can be killed like a crashed instance and started again at the same address.
/// Settings go in as environment variables, as app settings reach a Function App.
/// </summary>
public sealed class RunnerProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("runner-").FullName;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private RunnerProcess(IReadOnlyDictionary<string, string?> settings, int port)
    {
        _settings = settings;
        Url = new Uri($"http://127.0.0.1:{port}/");
        ChildProcesses.KillOnExit(() => _process);
    }

    public Uri Url { get; }

    /// <summary>The last lines the process wrote, for a failing test's message.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <param name="settings">Configuration keys as in appsettings (`Bitrix:WebhookUrl`), without `urls`.</param>
    public static async Task<RunnerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken ct = default)
    {
        var runner = new RunnerProcess(settings, LoopbackPort.Free());
        await runner.StartAsync(ct);
        return runner;
    }

    /// <summary>Starts the process (again, after <see cref="KillAsync"/>) and waits until its health route answers.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("the runner is already running");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workingDirectory, // no local.settings.json of the caller's
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BitrixRetailCrm.LocalRunner.dll"));
        foreach (var (key, value) in _settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["urls"] = Url.ToString().TrimEnd('/');
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the runner");
        _ = KeepAsync(_process.StandardOutput);
        _ = KeepAsync(_process.StandardError);
        await WaitUntilHealthyAsync(_process, ct);
    }

    /// <summary>SIGKILL: no shutdown, no lease given back, exactly like an instance that dies.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    private async Task WaitUntilHealthyAsync(Process process, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the runner exited with {process.ExitCode}:\n{RecentOutput}");
            try
            {
                using var response = await http.GetAsync(new Uri(Url, "api/health"), ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"the runner did not answer on {Url} within 60 s:\n{RecentOutput}");
    }

    private async Task KeepAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            _output.Enqueue(line);
            while (_output.Count > 200) _output.TryDequeue(out _);
        }
    }
}
