using Azure.Storage.Queues.Models;
using BitrixRetailCrm.Sync;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Pushes one queued order to RetailCRM; host.json extensions.queues sets batching, retries and poisoning.</summary>
public sealed class PushOrderFunction(OrderPushHandler handler)
{
    [Function("PushOrder")]
    public Task Run([QueueTrigger("%OrdersQueueName%", Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken ct) =>
        handler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);
}
