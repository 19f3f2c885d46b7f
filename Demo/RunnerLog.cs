using System.Collections.Concurrent;
using BitrixRetailCrm.Sync;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Demo;

/// <summary>
/// The runner's log, one indented line per entry printed as it happens (the console logger would print them later,
/// out of step with the narration), and a tally of finished pushes per order so the demo knows when a push is done:
/// every Information or Error entry of <see cref="OrderPushHandler"/> ends a push (its Warnings announce a retry).
/// </summary>
internal sealed class RunnerLog : ILoggerProvider
{
    private static readonly string PushCategory = typeof(OrderPushHandler).FullName!;
    private readonly ConcurrentDictionary<string, PushTally> pushes = new();

    public int FinishedPushes(string orderId) => pushes.TryGetValue(orderId, out PushTally? tally) ? tally.Finished : 0;

    /// <summary>The message of the order's last push when it failed (dead-lettered), else null.</summary>
    public string? LastFailure(string orderId) => pushes.TryGetValue(orderId, out PushTally? tally) ? tally.Failure : null;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Write(string category, LogLevel level, string? message, Exception? exception, object? state)
    {
        message ??= "";
        string tag = level >= LogLevel.Warning ? $"{level.ToString().ToLowerInvariant()}: " : "";
        string error = exception?.Message is not { Length: > 0 } detail || message.Contains(detail, StringComparison.Ordinal)
            ? ""
            : message.Length == 0 ? detail : $" ({detail})";
        Console.WriteLine($"   runner: {tag}{message}{error}".ReplaceLineEndings($"{Environment.NewLine}           "));

        if (category != PushCategory || level is not (LogLevel.Information or LogLevel.Error) ||
            OrderId(state) is not { } orderId)
            return;
        string? failure = level == LogLevel.Error ? message : null;
        pushes.AddOrUpdate(orderId, _ => new PushTally(1, failure), (_, t) => new PushTally(t.Finished + 1, failure));
    }

    private static string? OrderId(object? state) =>
        state is IEnumerable<KeyValuePair<string, object?>> properties
            ? properties.FirstOrDefault(p => p.Key == "OrderId").Value?.ToString()
            : null;

    private sealed record PushTally(int Finished, string? Failure);

    private sealed class Logger(RunnerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            log.Write(category, logLevel, formatter(state, exception), exception, state);
    }
}
