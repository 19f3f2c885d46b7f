using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public sealed class OrderQueue(StorageClients storage, IOptions<TriggerOptions> options)
{
    public Task EnqueueAsync(OrderMessage message, CancellationToken ct) =>
        storage.SendAsync(options.Value.OrdersQueueName, message.ToJson(), invisibleFor: null, ct);

    /// <param name="invisibleFor">Whole seconds the message stays hidden from every reader.</param>
    public Task EnqueueAsync(OrderMessage message, TimeSpan invisibleFor, CancellationToken ct) =>
        storage.SendAsync(options.Value.OrdersQueueName, message.ToJson(), invisibleFor, ct);
}
