using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// The storage account behind AzureWebJobsStorage, shared by the queue trigger, our queues and our tables.
/// Tables and queues are created on first use, once per process.
/// </summary>
public sealed class StorageClients(TableServiceClient tables, QueueServiceClient queues)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new();

    public static StorageClients FromConnectionString(string connectionString) => new(
        new TableServiceClient(connectionString),
        // Base64 matches the trigger's messageEncoding in host.json; a mismatch sends every message to -poison.
        new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));

    public Task<TableClient> TableAsync(string name, CancellationToken ct) =>
        _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(async () =>
        {
            var client = tables.GetTableClient(n);
            await client.CreateIfNotExistsAsync(ct);
            return client;
        })).Value;

    public Task<QueueClient> QueueAsync(string name, CancellationToken ct) =>
        _queues.GetOrAdd(name, n => new Lazy<Task<QueueClient>>(async () =>
        {
            var client = queues.GetQueueClient(n);
            await client.CreateIfNotExistsAsync(cancellationToken: ct);
            return client;
        })).Value;
}
