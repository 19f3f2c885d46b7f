using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.LocalRunner;
using BitrixRetailCrm.Simulators.RetailCrm;

namespace BitrixRetailCrm.Tests.Simulators;

/// <summary>Small HTTP helpers shared by the simulator tests.</summary>
internal static class SimulatorHttp
{
    /// <summary>A client of the simulator's api/v5/ that sends the key as X-API-KEY (the account's own key by default).</summary>
    public static HttpClient ClientFor(RetailCrmSimulator simulator, string? key = null)
    {
        HttpClient client = new() { BaseAddress = new Uri(simulator.BaseUrl, "api/v5/") };
        client.DefaultRequestHeaders.Add("X-API-KEY", key ?? simulator.Options.ApiKey);
        return client;
    }

    public static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    public static async Task<(HttpStatusCode Status, JsonObject Body)> ReadAsync(this Task<HttpResponseMessage> pending)
    {
        using HttpResponseMessage response = await pending;
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>
    /// GETs <paramref name="path"/>, then again 100 ms later while the first is still in the simulator's latency: both
    /// statuses and how long the second took.
    /// </summary>
    public static async Task<(HttpStatusCode First, HttpStatusCode Second, TimeSpan SecondTook)> OverlappingPairAsync(this HttpClient client, string path)
    {
        Task<(HttpStatusCode Status, JsonObject Body)> first = client.GetAsync(path).ReadAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        Stopwatch clock = Stopwatch.StartNew();
        (HttpStatusCode second, _) = await client.GetAsync(path).ReadAsync();
        TimeSpan secondTook = clock.Elapsed;
        return ((await first).Status, second, secondTook);
    }

    /// <summary>Waits until the stopwatch reads <paramref name="moment"/>; returns at once when it is already past.</summary>
    public static Task UntilAsync(this Stopwatch clock, TimeSpan moment)
    {
        TimeSpan left = moment - clock.Elapsed;
        return Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }
}

/// <summary>A stand-in for the product's event handler: records the first request it receives.</summary>
internal sealed class CapturingHandler : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly TaskCompletionSource<(string ContentType, string Body)> received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CapturingHandler()
    {
        Url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/api/bitrix/events/");
        listener.Prefixes.Add(Url.ToString());
        listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url { get; }

    public async Task<(string ContentType, string Body)> WaitAsync() =>
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void Dispose() => listener.Close();

    private async Task AcceptAsync()
    {
        HttpListenerContext context = await listener.GetContextAsync();
        using StreamReader reader = new(context.Request.InputStream);
        string body = await reader.ReadToEndAsync();
        context.Response.StatusCode = 200;
        context.Response.Close();
        received.TrySetResult((context.Request.ContentType ?? "", body));
    }
}
