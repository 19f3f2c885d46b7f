using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public sealed class OrderQueue(StorageClients storage, IOptions<TriggerOptions> options)
{
    public Task EnqueueAsync(OrderMessage message, CancellationToken ct) =>
        storage.SendAsync(options.Value.OrdersQueueName, message.ToJson(), ct);
}
