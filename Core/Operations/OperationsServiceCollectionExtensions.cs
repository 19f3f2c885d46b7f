using Microsoft.Extensions.DependencyInjection;

namespace BitrixRetailCrm.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>Queue status, dead-letter listing and replay, shared by the HTTP endpoints, the metrics sampler and the CLI.</summary>
    public static IServiceCollection AddOperations(this IServiceCollection services) => services
        .AddSingleton<QueueStatusReader>()
        .AddSingleton<DeadLetterReplayer>()
        .AddSingleton<OperationsStatusHandler>()
        .AddSingleton<DeadLetterOperationsHandler>();
}
