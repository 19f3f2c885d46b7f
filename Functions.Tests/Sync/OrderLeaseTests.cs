using Azure.Data.Tables;
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

    [SetUp]
    public async Task CreateStoreAsync()
    {
        var connection = await TestRun.StorageConnectionStringAsync();
        var options = new SyncOptions { OrderStateTable = $"lease{Guid.NewGuid():N}"[..20] };
        _store = new OrderStateStore(StorageClients.FromConnectionString(connection), Options.Create(options));
        _table = new TableClient(connection, options.OrderStateTable);
    }

    [Test]
    public async Task Orders_leased_by_another_instance_are_left_out_and_the_rest_of_the_batch_is_leased()
    {
        var first = await _store.AcquireAsync(["1", "2"], "instance-a", Lease, CancellationToken.None);

        var second = await _store.AcquireAsync(["1", "2", "3", "4"], "instance-b", Lease, CancellationToken.None);

        Assert.That(first.Keys, Is.EquivalentTo(new[] { "1", "2" }));
        Assert.That(second.Keys, Is.EquivalentTo(new[] { "3", "4" }));
    }

    [Test]
    public async Task Finished_leases_are_free_for_the_next_instance_and_the_push_is_recorded()
    {
        var leased = await _store.AcquireAsync(["1", "2"], "instance-a", Lease, CancellationToken.None);

        var finished = await _store.FinishAsync([(leased["1"], leased["1"] with { CrmId = 77, OrderHash = "h1" }), (leased["2"], null)],
            CancellationToken.None);
        var next = await _store.AcquireAsync(["1", "2"], "instance-b", Lease, CancellationToken.None);

        Assert.That(finished, Is.True);
        Assert.That(next.Keys, Is.EquivalentTo(new[] { "1", "2" }));
        Assert.That(next["1"].CrmId, Is.EqualTo(77));
        Assert.That(next["1"].OrderHash, Is.EqualTo("h1"));
    }

    [Test]
    public async Task Finishing_with_a_stale_lease_is_refused_whole_and_writes_nothing()
    {
        var leased = await _store.AcquireAsync(["1", "2", "3"], "instance-a", Lease, CancellationToken.None);
        await _store.FinishAsync(leased.Values.Select(l => (l, (OrderPushState?)null)).ToList(), CancellationToken.None);
        // Another instance finishing with a lease it no longer holds must not overwrite: its ETag is stale now.
        var stale = leased["2"];

        var finished = await _store.FinishAsync([(stale, stale with { CrmId = 5 })], CancellationToken.None);

        Assert.That(finished, Is.False, "the transaction is refused whole, nothing written");
        Assert.That((await _table.GetEntityAsync<TableEntity>("order", "2")).Value.GetInt64("CrmId"), Is.Null);
    }
}
