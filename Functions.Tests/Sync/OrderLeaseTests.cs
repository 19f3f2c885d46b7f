using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Sync;

/// <summary>The batch leases of the orderstate table against Azurite: one query, one transaction, per-order outcomes.</summary>
public class OrderLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private OrderStateStore _store = null!;
    private TableClient _table = null!;
    private readonly FilterRecorder _filters = new();

    [SetUp]
    public async Task CreateStoreAsync()
    {
        var connection = await TestRun.StorageConnectionStringAsync();
        var options = new SyncOptions { OrderStateTable = $"lease{Guid.NewGuid():N}"[..20] };
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(_filters, HttpPipelinePosition.PerCall);
        var storage = new StorageClients(new TableServiceClient(connection, tableOptions), new QueueServiceClient(connection),
            new BlobServiceClient(connection), new QueueServiceClient(connection));
        _store = new OrderStateStore(storage, Options.Create(options));
        _table = new TableClient(connection, options.OrderStateTable);
    }

    private static Dictionary<string, string> Sites(params IEnumerable<string> ids) => ids.ToDictionary(id => id, _ => "s1");

    [Test]
    public async Task A_batch_of_50_is_read_in_queries_the_Table_service_accepts()
    {
        var ids = Enumerable.Range(1, 50).Select(i => i.ToString()).ToList();

        var leased = await _store.AcquireAsync(Sites(ids), "instance-a", Lease, CancellationToken.None);

        Assert.That(leased.Keys, Is.EquivalentTo(ids));
        Assert.That(_filters.Filters, Is.Not.Empty);
        // "No more than 15 discrete comparisons are permitted within a $filter string"; Azurite does not enforce it.
        Assert.That(_filters.Filters.Select(f => f.Split(" eq ").Length - 1), Has.All.LessThanOrEqualTo(15));
    }

    [Test]
    public async Task Orders_leased_by_another_instance_are_left_out_and_the_rest_of_the_batch_is_leased()
    {
        var first = await _store.AcquireAsync(Sites("1", "2"), "instance-a", Lease, CancellationToken.None);

        var second = await _store.AcquireAsync(Sites("1", "2", "3", "4"), "instance-b", Lease, CancellationToken.None);

        Assert.That(first.Keys, Is.EquivalentTo(new[] { "1", "2" }));
        Assert.That(second.Keys, Is.EquivalentTo(new[] { "3", "4" }));
    }

    [Test]
    public async Task Finished_leases_are_free_for_the_next_instance_and_the_push_is_recorded()
    {
        var leased = await _store.AcquireAsync(Sites("1", "2"), "instance-a", Lease, CancellationToken.None);

        var finished = await _store.FinishAsync([(leased["1"], leased["1"] with { CrmId = 77, OrderHash = "h1" }), (leased["2"], null)],
            CancellationToken.None);
        var next = await _store.AcquireAsync(Sites("1", "2"), "instance-b", Lease, CancellationToken.None);

        Assert.That(finished, Is.True);
        Assert.That(next.Keys, Is.EquivalentTo(new[] { "1", "2" }));
        Assert.That(next["1"].CrmId, Is.EqualTo(77));
        Assert.That(next["1"].OrderHash, Is.EqualTo("h1"));
    }

    [Test]
    public async Task Finishing_with_a_stale_lease_is_refused_whole_and_writes_nothing()
    {
        var leased = await _store.AcquireAsync(Sites("1", "2", "3"), "instance-a", Lease, CancellationToken.None);
        await _store.FinishAsync(leased.Values.Select(l => (l, (OrderPushState?)null)).ToList(), CancellationToken.None);
        // Another instance finishing with a lease it no longer holds must not overwrite: its ETag is stale now.
        var stale = leased["2"];

        var finished = await _store.FinishAsync([(stale, stale with { CrmId = 5 })], CancellationToken.None);

        Assert.That(finished, Is.False, "the transaction is refused whole, nothing written");
        Assert.That((await _table.GetEntityAsync<TableEntity>("order", "2")).Value.GetInt64("CrmId"), Is.Null);
    }

    [Test]
    public async Task Leases_of_a_push_that_never_finished_are_found_once_they_run_out_and_finished_ones_never()
    {
        var leased = await _store.AcquireAsync(Sites("1", "2", "3"), "instance-a", TimeSpan.FromSeconds(1), CancellationToken.None);
        await _store.FinishAsync([(leased["1"], leased["1"] with { CrmId = 7 }), (leased["2"], null)], CancellationToken.None);

        var (early, _) = await _store.GetAbandonedAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.1)); // the storage clock counts whole seconds
        var (abandoned, now) = await _store.GetAbandonedAsync(CancellationToken.None);

        Assert.That(early, Is.Empty, "a lease still running is not abandoned");
        Assert.That(abandoned.Select(l => (l.OrderId, l.SiteId, l.Owner)), Is.EqualTo(new[] { ("3", "s1", "instance-a") }));

        Assert.That(await _store.RequeuedAsync(abandoned[0], now + TimeSpan.FromMinutes(5), CancellationToken.None), Is.True);
        Assert.That((await _store.GetAbandonedAsync(CancellationToken.None)).Leases, Is.Empty, "queued again: not found again meanwhile");
        var retaken = await _store.AcquireAsync(Sites("3"), "instance-b", Lease, CancellationToken.None);
        Assert.That(retaken.Keys, Is.EquivalentTo(new[] { "3" }), "the dead instance's lease ran out");
        Assert.That(await _store.FinishAsync([(retaken["3"], retaken["3"] with { CrmId = 9 })], CancellationToken.None), Is.True);
    }
}

/// <summary>Keeps the $filter of every table query the store sends.</summary>
internal sealed class FilterRecorder : HttpPipelineSynchronousPolicy
{
    public ConcurrentQueue<string> Filters { get; } = new();

    public override void OnSendingRequest(HttpMessage message)
    {
        var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
        if (query["$filter"] is { } filter) Filters.Enqueue(filter);
    }
}
