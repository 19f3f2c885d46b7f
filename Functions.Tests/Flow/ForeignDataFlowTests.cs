using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// A real RetailCRM account holds more than our orders (marketplaces, the phone, other stores, other integrations), and
/// upstream data is sometimes broken: none of it stops a flow, and nothing that is not ours is written to Bitrix.
/// </summary>
public class ForeignDataFlowTests
{
    private const string OtherStoreKey = "other-store-integration-key";
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync()
    {
        var crm = new RetailCrmSimulatorOptions();
        crm.AdditionalApiKeys.Add(OtherStoreKey);
        crm.Sites.Add("other-store");
        _harness = await IntegrationHarness.StartAsync(crmOptions: crm);
        Assert.That((await _harness.SendBitrixEventAsync(1001)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1001") is not null, "order 1001 is in RetailCRM");
        await _harness.SettleAsync();
        await _harness.HistoryPoller.RunAsync(CancellationToken.None); // first run: the feed from now on
    }

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private string BitrixStatus => _harness.Bitrix.GetOrder(1001)!["statusId"]!.GetValue<string>();

    /// <summary>Another integration (a marketplace, another store) creates an order in RetailCRM with its own key.</summary>
    private async Task CreateForeignOrderAsync(string externalId, string site)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_harness.Crm.BaseUrl, "api/v5/orders/create"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["order"] = new JsonObject
                {
                    ["externalId"] = externalId, ["number"] = externalId, ["status"] = "new", ["firstName"] = "Покупатель",
                }.ToJsonString(),
                ["site"] = site,
            }),
        };
        request.Headers.Add("X-API-KEY", OtherStoreKey);
        var response = await _harness.Http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_marketplace_order_with_a_text_id_does_not_stop_the_status_sync()
    {
        await CreateForeignOrderAsync("MP-123", "shop");
        _harness.Crm.ChangeOrderStatus("MP-123", "complete");
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        var result = await _harness.HistoryPoller.RunAsync(CancellationToken.None);

        Assert.That(BitrixStatus, Is.EqualTo("F"), "our order's change behind the foreign one was applied");
        Assert.That(result.Applied, Is.EqualTo(1));
        Assert.That(await _harness.DeadLetters.ListOpenAsync(SyncDirection.RetailCrmToBitrix, CancellationToken.None), Is.Empty,
            "a foreign order is not a failure of ours");
        var again = await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        Assert.That(again.SinceId, Is.EqualTo(result.SinceId), "the cursor moved past the foreign entry and stays there");
    }

    [Test]
    public async Task Another_stores_order_with_the_same_external_id_changes_nothing_in_Bitrix()
    {
        await CreateForeignOrderAsync("1001", "other-store");
        var bitrixWrites = _harness.Bitrix.RequestCount("sale.order.update");

        _harness.Crm.ChangeOrderStatus("1001", "complete", site: "other-store");
        await _harness.HistoryPoller.RunAsync(CancellationToken.None);

        Assert.That(BitrixStatus, Is.EqualTo("N"), "the other store's P → F is not ours");
        Assert.That(_harness.Bitrix.RequestCount("sale.order.update"), Is.EqualTo(bitrixWrites));
        Assert.That(_harness.Logs.Lines.Any(l => l.Contains("is not one this integration pushed", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task A_malformed_history_entry_is_dead_lettered_alone_and_the_good_ones_apply()
    {
        await CreateForeignOrderAsync("1002", "shop");
        await CreateForeignOrderAsync("A/7#1", "shop");
        _harness.Crm.DamageNextHistoryEntry(entry => entry["createdAt"] = "14.05.2024 10:00");
        _harness.Crm.ChangeOrderStatus("1002", "delivery");
        _harness.Crm.DamageNextHistoryEntry(entry => entry.Remove("id"));
        _harness.Crm.ChangeOrderStatus("A/7#1", "assembling");
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        var result = await _harness.HistoryPoller.RunAsync(CancellationToken.None);

        Assert.That(BitrixStatus, Is.EqualTo("F"), "the good entry of the page was applied");
        var letters = await _harness.DeadLetters.ListOpenAsync(SyncDirection.RetailCrmToBitrix, CancellationToken.None);
        Assert.That(letters.Select(l => l.ReasonCode).ToList(), Is.EqualTo(new List<string> { "history-entry-invalid", "history-entry-invalid" }));
        Assert.That(letters.Select(l => l.Reason), Has.Some.Contains("14.05.2024 10:00"), "the record says why");
        Assert.That((await _harness.HistoryPoller.RunAsync(CancellationToken.None)).SinceId, Is.EqualTo(result.SinceId),
            "the cursor moved past the bad entries");
    }
}
