using Azure.Storage.Queues.Models;
using BitrixRetailCrm.Sync;
using Microsoft.Azure.WebJobs;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twin of Functions/PushOrderFunction: WebJobs' QueueTrigger, the same handler.</summary>
public sealed class QueueJobs(OrderPushHandler handler)
{
    public Task PushOrder([QueueTrigger("%OrdersQueueName%")] QueueMessage message, CancellationToken ct) =>
        handler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);
}
