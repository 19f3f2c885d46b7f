using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace BitrixRetailCrm.Http;

/// <summary>
/// Named HttpClients with one resilience pipeline each: total timeout → retry (jitter, Retry-After) → circuit breaker →
/// shared rate limiter → attempt timeout. The limiter sits inside the retry so every attempt spends a permit.
/// </summary>
public static class ResilientHttpClients
{
    /// <summary>Per-client limits, registered as a keyed singleton so the limiter is shared by every call.</summary>
    public sealed record Policy(
        RateLimiter Limiter,
        TimeSpan AttemptTimeout,
        bool RetryUnsafeMethods,
        int MaxRetries = 4,
        TimeSpan? BaseDelay = null)
    {
        private long _brokenUntil;

        internal CircuitBreakerStateProvider Circuit { get; } = new();

        /// <summary>
        /// From the circuit opening until its break ends, when every call fails at once without reaching the service;
        /// for callers that can skip work such a call would waste. After the break the next call is the probe, so this
        /// turns false then even though the circuit reports Open until that call is made.
        /// </summary>
        public bool CircuitBroken => Circuit.CircuitState switch
        {
            CircuitState.Isolated => true,
            CircuitState.Open => Environment.TickCount64 < Volatile.Read(ref _brokenUntil),
            _ => false,
        };

        internal void Opened(TimeSpan breakDuration) =>
            Volatile.Write(ref _brokenUntil, Environment.TickCount64 + (long)breakDuration.TotalMilliseconds);
    }

    public static IHttpClientBuilder AddResilientClient(this IServiceCollection services, string name,
        Func<IServiceProvider, Policy> policy)
    {
        services.AddKeyedSingleton(name, (sp, _) => policy(sp));
        var builder = services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers(); // the default handler logs full URLs, and the Bitrix URL holds its secret
        builder.AddResilienceHandler(name, (pipeline, context) =>
            Configure(pipeline, context.ServiceProvider.GetRequiredKeyedService<Policy>(name)));
        return builder;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, Policy policy)
    {
        var attempts = policy.MaxRetries + 1;
        pipeline
            .AddTimeout(policy.AttemptTimeout * attempts + TimeSpan.FromSeconds(60))
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = policy.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.BaseDelay ?? TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, policy.RetryUnsafeMethods)),
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.8,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(10),
                StateProvider = policy.Circuit,
                OnOpened = args =>
                {
                    policy.Opened(args.BreakDuration);
                    return default;
                },
            })
            .AddRateLimiter(new HttpRateLimiterStrategyOptions
            {
                RateLimiter = args => policy.Limiter.AcquireAsync(1, args.Context.CancellationToken),
            })
            .AddTimeout(policy.AttemptTimeout);
    }

    /// <summary>
    /// 429/503 and refused connections mean the request was not processed, so even a create may be repeated. Other
    /// failures of a non-idempotent request have an unknown outcome: the caller re-checks existence instead.
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, bool retryUnsafe)
    {
        if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            if (status is 429 or 503) return true;
            return (status is 408 or >= 500) && (retryUnsafe || IsSafe(context));
        }
        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
            HttpRequestException or TimeoutRejectedException => retryUnsafe || IsSafe(context),
            _ => false,
        };
    }

    private static bool IsSafe(ResilienceContext context)
    {
        var method = context.GetRequestMessage()?.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head;
    }

    /// <summary>
    /// How long after the limiter lets a request through it may still reach the service (connection, thread pool); the
    /// window is widened by this so that the service, which counts arrivals, never sees more than its limit.
    /// </summary>
    public static readonly TimeSpan ArrivalMargin = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A per-second limit counted as the service counts it (RetailCRM: every request of the key in any second, retries
    /// included, retailcrm/api-client-go rate.go): at most ⌊rps⌋ requests in any window of ⌊rps⌋/rps seconds plus
    /// <see cref="ArrivalMargin"/>.
    /// </summary>
    public static RateLimiter SlidingWindow(double requestsPerSecond)
    {
        var permits = Math.Max(1, (int)Math.Floor(requestsPerSecond));
        return new SlidingLogRateLimiter(permits, TimeSpan.FromSeconds(permits / requestsPerSecond) + ArrivalMargin);
    }

    /// <summary>
    /// Bitrix's per-portal leaky bucket: every request adds one to a counter that drains by <paramref name="drainPerSecond"/>
    /// once per second, and a request that finds it at <paramref name="burst"/> is refused (Bitrix24 REST docs,
    /// settings/performance/limits.md). A token bucket of the same rate never gets ahead of that counter when it is
    /// smaller by what the counter may not have drained yet (it may drain in whole-second steps, and a request arrives up
    /// to <see cref="ArrivalMargin"/> after it is let through) and by one for the token its timer may add early.
    /// </summary>
    public static RateLimiter LeakyBucket(int burst, double drainPerSecond)
    {
        var undrained = (int)Math.Ceiling(drainPerSecond * (1 + ArrivalMargin.TotalSeconds));
        // Replenish one token at a time so a drained bucket refills at the documented rate, not in bursts.
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst - undrained - 1),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / drainPerSecond),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
