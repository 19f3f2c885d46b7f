using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Storage;

/// <summary>
/// The storage account behind AzureWebJobsStorage, shared by the queue trigger, our queues, our tables and the catalogue
/// blob. Tables, queues and blob containers are created on first use, once per process. <paramref name="inspectQueues"/>
/// is the same account without message encoding, for reading queues without decoding their messages.
/// </summary>
public sealed class StorageClients(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs,
    QueueServiceClient inspectQueues)
{
    /// <summary>The setting (connection name) the Functions host and our own clients read.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> _containers = new();

    public TableServiceClient Tables => tables;
    public QueueServiceClient Queues => queues;
    public BlobServiceClient Blobs => blobs;

    // Base64 matches the trigger's messageEncoding in host.json; a mismatch sends every message to -poison.
    private static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public static StorageClients FromConnectionString(string connectionString) => new(
        new TableServiceClient(connectionString),
        new QueueServiceClient(connectionString, QueueOptions()),
        new BlobServiceClient(connectionString),
        new QueueServiceClient(connectionString));

    /// <summary>
    /// The same connection forms the Functions host accepts for <c>AzureWebJobsStorage</c>: a connection string as the
    /// section's own value, or identity-based children <c>queueServiceUri</c>, <c>tableServiceUri</c>
    /// (<c>blobServiceUri</c>), or <c>accountName</c> (global Azure endpoints derived from it), with
    /// <c>credential=managedidentity</c> and <c>clientId</c> for a user-assigned identity. As in the host, a non-empty
    /// connection string wins over the children. Pass <c>configuration.GetSection("AzureWebJobsStorage")</c>.
    /// </summary>
    public static StorageClients FromConfiguration(IConfigurationSection section)
    {
        var endpoints = StorageEndpoints.Resolve(section);
        if (endpoints.ConnectionString is { } connectionString) return FromConnectionString(connectionString);
        var credential = endpoints.CreateCredential();
        return new StorageClients(
            new TableServiceClient(endpoints.TableServiceUri, credential),
            new QueueServiceClient(endpoints.QueueServiceUri, credential, QueueOptions()),
            new BlobServiceClient(endpoints.BlobServiceUri, credential),
            new QueueServiceClient(endpoints.QueueServiceUri, credential));
    }

    public Task<TableClient> TableAsync(string name, CancellationToken ct) =>
        _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(async () =>
        {
            var client = tables.GetTableClient(n);
            await client.CreateIfNotExistsAsync(ct);
            return client;
        })).Value;

    public Task<BlobContainerClient> ContainerAsync(string name, CancellationToken ct) =>
        _containers.GetOrAdd(name, n => new Lazy<Task<BlobContainerClient>>(async () =>
        {
            var client = blobs.GetBlobContainerClient(n);
            await client.CreateIfNotExistsAsync(cancellationToken: ct);
            return client;
        })).Value;

    /// <param name="invisibleFor">Hidden from every reader this long (whole seconds); null: visible at once.</param>
    public async Task SendAsync(string queueName, string message, TimeSpan? invisibleFor, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        await queue.SendMessageAsync(message, invisibleFor, timeToLive: null, ct);
    }

    /// <summary>
    /// A queue to look at, neither created nor decoded: the host moves messages that are not Base64 verbatim to the
    /// poison queue, and peeking them through a Base64 client throws.
    /// </summary>
    public QueueClient InspectQueue(string name) => inspectQueues.GetQueueClient(name);

    public Task<QueueClient> QueueAsync(string name, CancellationToken ct) =>
        _queues.GetOrAdd(name, n => new Lazy<Task<QueueClient>>(async () =>
        {
            var client = queues.GetQueueClient(n);
            await client.CreateIfNotExistsAsync(cancellationToken: ct);
            return client;
        })).Value;
}

/// <summary>
/// Where the storage account is and how to authenticate to it, from an <c>AzureWebJobsStorage</c>-style section.
/// Either <see cref="ConnectionString"/> is set, or the service URIs and the credential settings are.
/// </summary>
public sealed record StorageEndpoints(
    string? ConnectionString,
    Uri QueueServiceUri,
    Uri TableServiceUri,
    Uri BlobServiceUri,
    string? Credential,
    string? ClientId)
{
    /// <summary>DNS suffix of global Azure; <c>accountName</c> is only for it (sovereign clouds set the service URIs).</summary>
    public const string GlobalSuffix = "core.windows.net";

    public static StorageEndpoints Resolve(IConfigurationSection section)
    {
        var name = section.Path;
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            var none = new Uri("about:blank");
            return new StorageEndpoints(section.Value, none, none, none, null, null);
        }

        string? Setting(string key) => section[key] is { Length: > 0 } v ? v.Trim() : null;
        var account = Setting("accountName");
        Uri? Endpoint(string key, string service)
        {
            if (Setting(key) is { } text)
                return Uri.TryCreate(text, UriKind.Absolute, out var uri)
                       && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
                    ? uri
                    : throw Invalid(name, $"{name}__{key} must be an absolute https URI, got '{text}'");
            return account is null ? null : new Uri($"https://{account}.{service}.{GlobalSuffix}");
        }

        var queue = Endpoint("queueServiceUri", "queue");
        var table = Endpoint("tableServiceUri", "table");
        var blob = Endpoint("blobServiceUri", "blob");
        if (queue is null || table is null)
        {
            var missing = string.Join(" and ", new[] { queue is null ? "queueServiceUri" : null, table is null ? "tableServiceUri" : null }
                .Where(m => m is not null).Select(m => $"{name}__{m}"));
            throw Invalid(name, $"{name} is not set: give a connection string, {name}__accountName, or {missing}");
        }
        blob ??= account is null
            ? new Uri(queue.GetLeftPart(UriPartial.Authority).Replace(".queue.", ".blob.", StringComparison.OrdinalIgnoreCase))
            : new Uri($"https://{account}.blob.{GlobalSuffix}");
        return new StorageEndpoints(null, queue, table, blob, Setting("credential"), Setting("clientId"));
    }

    /// <summary>
    /// <c>credential=managedidentity</c>: the managed identity (user-assigned when <c>clientId</c> is set), as the host
    /// does. Otherwise <see cref="DefaultAzureCredential"/> (environment, workload identity, managed identity, Azure CLI
    /// …), which also lets a developer run against a real account after <c>az login</c>.
    /// </summary>
    public TokenCredential CreateCredential()
    {
        if (string.Equals(Credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
            return new ManagedIdentityCredential(ClientId is null
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(ClientId));
        var options = new DefaultAzureCredentialOptions();
        if (ClientId is not null) options.ManagedIdentityClientId = ClientId;
        return new DefaultAzureCredential(options);
    }

    private static OptionsValidationException Invalid(string name, string message) =>
        new(name, typeof(StorageClients), [message]);
}
