using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BitrixRetailCrm.Simulators.Common;

/// <summary>
/// The Kestrel side both simulators share: a loopback listener that can be closed and reopened on the same port,
/// plus the request journal, the rate limit at arrival, latency and fault injection that run in front of every request.
/// </summary>
internal sealed class SimulatorHost : IAsyncDisposable
{
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private readonly SimulatorOptions options;
    private readonly Func<int, JsonNode> faultBody;
    private readonly JsonSerializerOptions json;
    private readonly Func<HttpContext, Task<bool>> refuseOnArrival;
    private readonly Action<WebApplication> mapRoutes;
    private WebApplication? app;

    /// <param name="refuseOnArrival">
    /// Runs as a request arrives, before the latency: answers it and returns true when the system's rate limit refuses it.
    /// </param>
    public SimulatorHost(SimulatorOptions options, RequestJournal journal, JsonSerializerOptions json, Func<int, JsonNode> faultBody,
        Func<HttpContext, Task<bool>> refuseOnArrival, Action<WebApplication> mapRoutes)
    {
        Journal = journal;
        this.options = options;
        this.json = json;
        this.faultBody = faultBody;
        this.refuseOnArrival = refuseOnArrival;
        this.mapRoutes = mapRoutes;
        Faults = new SimulatorFaults(this);
        Port = options.Port;
    }

    public SimulatorFaults Faults { get; }

    public RequestJournal Journal { get; }

    public int Port { get; private set; }

    public bool IsListening => Volatile.Read(ref app) is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResumeListeningAsync(cancellationToken);
    }

    public async Task ResumeListeningAsync(CancellationToken cancellationToken)
    {
        await lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (app is not null)
                return;
            app = await StartListenerAsync(cancellationToken);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    public async Task StopListeningAsync(CancellationToken cancellationToken)
    {
        await lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (app is null)
                return;
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
            app = null;
        }
        finally
        {
            lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync(CancellationToken.None);
        lifecycle.Dispose();
    }

    private async Task<WebApplication> StartListenerAsync(CancellationToken cancellationToken)
    {
        // A port just released can stay busy for a moment on some systems; a few short retries cover that.
        for (int attempt = 1; ; attempt++)
        {
            WebApplication candidate = Build();
            try
            {
                await candidate.StartAsync(cancellationToken);
                Port = ListeningPort(candidate);
                return candidate;
            }
            catch (IOException) when (attempt < 20 && Port != 0)
            {
                await candidate.DisposeAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
    }

    private WebApplication Build()
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
        builder.Services.AddRouting();
        WebApplication built = builder.Build();
        built.Use(RunCommonStagesAsync);
        mapRoutes(built);
        return built;
    }

    private async Task RunCommonStagesAsync(HttpContext context, RequestDelegate next)
    {
        DateTimeOffset receivedAt = DateTimeOffset.UtcNow;
        try
        {
            // Both systems count requests as they arrive; the latency is the processing that follows an accepted one.
            if (await refuseOnArrival(context))
                return;
            await Task.Delay(options.NextLatency(), context.RequestAborted);
            if (Faults.TryTakeFault(out int statusCode))
                await JsonReply.WriteAsync(context, statusCode, faultBody(statusCode), json);
            else
                await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout); nothing to answer.
        }
        finally
        {
            Journal.Record(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "", context.Response.StatusCode, receivedAt));
        }
    }

    private static int ListeningPort(WebApplication started)
    {
        string address = started.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }
}
