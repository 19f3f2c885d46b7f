using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.StatusSync;

public sealed class StatusQueue(StorageClients storage, IOptions<TriggerOptions> options)
{
    public Task EnqueueAsync(StatusChangeMessage message, CancellationToken ct) =>
        storage.SendAsync(options.Value.StatusQueueName, message.ToJson(), invisibleFor: null, ct);
}
