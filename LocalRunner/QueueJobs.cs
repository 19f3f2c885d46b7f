using Azure.Storage.Queues.Models;
using BitrixRetailCrm.StatusSync;
using BitrixRetailCrm.Sync;
using Microsoft.Azure.WebJobs;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>The runner's twins of Functions/PushOrderFunction and ApplyStatusFunction: WebJobs' QueueTrigger, the same handlers.</summary>
public sealed class QueueJobs(OrderPushHandler pushHandler, StatusChangeHandler statusHandler)
{
    public Task PushOrder([QueueTrigger("%OrdersQueueName%")] QueueMessage message, CancellationToken ct) =>
        pushHandler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);

    public Task ApplyStatus([QueueTrigger("%StatusQueueName%")] QueueMessage message, CancellationToken ct) =>
        statusHandler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);
}
