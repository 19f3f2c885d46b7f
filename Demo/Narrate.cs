using System.Globalization;

namespace BitrixRetailCrm.Demo;

/// <summary>The demo's voice: numbered steps and indented detail lines.</summary>
internal static class Narrate
{
    private static int step;

    public static void Step(string title) => Console.WriteLine($"{Environment.NewLine}{++step}. {title}");

    public static void Line(string text) => Console.WriteLine($"   {text}");

    public static string Range(TimeSpan min, TimeSpan max) =>
        string.Create(CultureInfo.InvariantCulture, $"{min.TotalMilliseconds:0}-{max.TotalMilliseconds:0} ms");

    public static string Seconds(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");
}

/// <summary>A step did not do what the demo shows; the message says which and why.</summary>
internal sealed class DemoFailedException(string message) : Exception(message);

internal static class Wait
{
    /// <summary>Polls every 100 ms; a condition may throw <see cref="DemoFailedException"/> to stop waiting early.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new DemoFailedException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(100, ct);
        }
    }
}
