using System.Collections.Concurrent;
using BitrixRetailCrm.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Http;

/// <summary>The retry rules against a real loopback server that answers from a script.</summary>
public class ResilientHttpClientsTests
{
    private WebApplication _server = null!;
    private readonly ConcurrentQueue<int> _script = new();
    private int _hits;
    private Uri _baseUrl = null!;

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.Map("/{**path}", (HttpContext ctx) =>
        {
            Interlocked.Increment(ref _hits);
            var status = _script.TryDequeue(out var s) ? s : 200;
            if (status == 429) ctx.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(status);
        });
        await _server.StartAsync();
        _baseUrl = new Uri(_server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    [OneTimeTearDown]
    public async Task StopServerAsync() => await _server.DisposeAsync();

    [SetUp]
    public void Reset()
    {
        _script.Clear();
        _hits = 0;
    }

    private HttpClient Client(bool retryUnsafe)
    {
        var services = new ServiceCollection();
        services.AddResilientClient("test", _ => new ResilientHttpClients.Policy(ResilientHttpClients.SlidingWindow(100),
            TimeSpan.FromSeconds(5), retryUnsafe, MaxRetries: 3, BaseDelay: TimeSpan.FromMilliseconds(10)))
            .ConfigureHttpClient(c => c.BaseAddress = _baseUrl);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("test");
    }

    private void Script(params int[] statuses)
    {
        foreach (var s in statuses) _script.Enqueue(s);
    }

    [Test]
    public async Task A_rate_limited_create_is_retried_because_it_was_not_processed()
    {
        Script(503, 503);
        var response = await Client(retryUnsafe: false).PostAsync("orders/create", new StringContent("order={}"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(_hits, Is.EqualTo(3));
    }

    [Test]
    public async Task A_create_failing_with_500_is_not_blindly_retried()
    {
        Script(500, 500);
        var response = await Client(retryUnsafe: false).PostAsync("orders/create", new StringContent("order={}"));
        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        Assert.That(_hits, Is.EqualTo(1));
    }

    [Test]
    public async Task A_read_failing_with_500_is_retried()
    {
        Script(500, 502);
        var response = await Client(retryUnsafe: false).GetAsync("orders/1");
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(_hits, Is.EqualTo(3));
    }

    [Test]
    public async Task Retry_after_is_honoured_on_429()
    {
        Script(429);
        var started = DateTime.UtcNow;
        var response = await Client(retryUnsafe: false).GetAsync("orders/1");
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)));
    }

    [Test]
    public async Task Client_errors_are_never_retried()
    {
        Script(400);
        var response = await Client(retryUnsafe: true).PostAsync("sale.order.get", new StringContent("{}"));
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(_hits, Is.EqualTo(1));
    }

    [Test]
    public async Task Idempotent_clients_retry_posts_on_server_errors()
    {
        Script(500);
        var response = await Client(retryUnsafe: true).PostAsync("sale.order.get", new StringContent("{}"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(_hits, Is.EqualTo(2));
    }
}
