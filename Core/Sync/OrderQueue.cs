using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public sealed class OrderQueue(StorageClients storage, IOptions<QueueOptions> options)
{
    public async Task EnqueueAsync(OrderMessage message, CancellationToken ct)
    {
        var queue = await storage.QueueAsync(options.Value.OrdersQueueName, ct);
        await queue.SendMessageAsync(message.ToJson(), ct);
    }
}
