using Azure.Storage.Queues.Models;
using BitrixRetailCrm.StatusSync;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Applies one queued RetailCRM status change to the Bitrix order.</summary>
public sealed class ApplyStatusFunction(StatusChangeHandler handler)
{
    [Function("ApplyStatus")]
    public Task Run([QueueTrigger("%StatusQueueName%", Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken ct) =>
        handler.HandleAsync(message.Body.ToString(), message.DequeueCount, ct);
}
