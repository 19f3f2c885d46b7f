using Azure.Storage.Queues.Models;
using BitrixRetailCrm.StatusSync;
using BitrixRetailCrm.Sync;
using Microsoft.Azure.WebJobs;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>
/// The runner's twins of Functions/PushOrderFunction and ApplyStatusFunction: WebJobs' QueueTrigger, the same handlers.
/// `AzureWebJobs.{name}.Disabled` switches one off, as that app setting does on a Function App.
/// </summary>
public sealed class QueueJobs(OrderPushHandler pushHandler, StatusChangeHandler statusHandler)
{
    [Disable("AzureWebJobs.PushOrder.Disabled")]
    public Task PushOrder([QueueTrigger("%OrdersQueueName%")] QueueMessage message, CancellationToken ct) =>
        pushHandler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);

    [Disable("AzureWebJobs.ApplyStatus.Disabled")]
    public Task ApplyStatus([QueueTrigger("%StatusQueueName%")] QueueMessage message, CancellationToken ct) =>
        statusHandler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);
}
