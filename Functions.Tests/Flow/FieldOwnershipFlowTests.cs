using System.Net;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Tests.Infrastructure;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Flow;

/// <summary>
/// Nothing a manager sets in RetailCRM is reverted by the site: with the shipped many-to-one reverse status maps
/// (client-confirmed → N, assembling → P), a field goes to RetailCRM only when it changed in Bitrix since the last sync,
/// and when both sides changed the status between two syncs the later change wins, logged with both values.
/// </summary>
public class FieldOwnershipFlowTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _harness = await IntegrationHarness.StartAsync();
        Assert.That((await _harness.SendBitrixEventAsync(1001)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await IntegrationHarness.WaitUntilAsync(() => _harness.Crm.FindOrder("1001") is not null, "order 1001 is in RetailCRM");
        await _harness.SettleAsync();
        await _harness.HistoryPoller.RunAsync(CancellationToken.None); // first run: the feed from now on
    }

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private JsonObject CrmOrder => _harness.Crm.FindOrder("1001")!;

    private string CrmStatus => CrmOrder["status"]!.GetValue<string>();

    private JsonObject BitrixOrder => _harness.Bitrix.GetOrder(1001)!;

    /// <summary>A manager's change comes back through the history poll, and Bitrix echoes our write as a saved order.</summary>
    private async Task ManagerSetsAsync(string status)
    {
        _harness.Crm.ChangeOrderStatus("1001", status);
        await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        await _harness.SettleAsync();
    }

    /// <summary>The shop saves the order in Bitrix (the admin panel, a payment callback) and fires its hook.</summary>
    private async Task SiteSavesAsync(Action<JsonObject> change, bool hook = true)
    {
        var order = BitrixOrder;
        change(order);
        _harness.Bitrix.PutOrder(order);
        if (!hook) return;
        Assert.That((await _harness.SendBitrixEventAsync(1001)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _harness.SettleAsync();
    }

    [Test]
    public async Task A_finer_RetailCrm_status_stays_when_its_coarser_Bitrix_status_echoes_back()
    {
        var writes = _harness.Crm.OrderWriteCount("1001");

        await ManagerSetsAsync("assembling"); // → Bitrix P, whose own status is complete-payment

        Assert.That(BitrixOrder["statusId"]!.GetValue<string>(), Is.EqualTo("P"));
        Assert.That(CrmStatus, Is.EqualTo("assembling"), "the echo of P did not write complete-payment over it");
        Assert.That(_harness.Crm.OrderWriteCount("1001"), Is.EqualTo(writes), "the echo wrote nothing");
    }

    [Test]
    public async Task A_payment_saved_in_Bitrix_goes_to_RetailCrm_without_resetting_the_managers_status()
    {
        await ManagerSetsAsync("client-confirmed"); // → Bitrix N, which it already was

        await SiteSavesAsync(order =>
        {
            order["payed"] = "Y";
            order["payments"]![0]!["paid"] = "Y";
            order["payments"]![0]!["datePaid"] = order["dateUpdate"]!.DeepClone();
        });

        Assert.That(CrmStatus, Is.EqualTo("client-confirmed"), "the callback's save did not reset it to new");
        var payments = CrmOrder["payments"] is JsonArray list ? list.ToList() : CrmOrder["payments"]!.AsObject().Select(p => p.Value).ToList();
        Assert.That(payments.Select(p => p!["status"]!.GetValue<string>()), Has.All.EqualTo("paid"), "the site's payment went");
    }

    [Test]
    public async Task A_status_changed_on_the_site_reaches_RetailCrm_after_a_managers_status()
    {
        await ManagerSetsAsync("assembling");

        await SiteSavesAsync(order => order["statusId"] = "D");

        Assert.That(CrmStatus, Is.EqualTo("delivery"));
    }

    [Test]
    public async Task Fields_a_manager_changed_in_RetailCrm_stay_when_the_site_saves_something_else()
    {
        await SiteSavesAsync(order => order["comments"] = "Позвонить до обеда");
        Assert.That(CrmOrder["managerComment"]!.GetValue<string>(), Is.EqualTo("Позвонить до обеда"));
        _harness.Crm.ChangeOrderField("1001", "managerComment", "Клиент просит позвонить после 18:00");

        await SiteSavesAsync(order => order["userDescription"] = "Оставить у двери");

        Assert.That(CrmOrder["customerComment"]!.GetValue<string>(), Is.EqualTo("Оставить у двери"), "the site's change went");
        Assert.That(CrmOrder["managerComment"]!.GetValue<string>(), Is.EqualTo("Клиент просит позвонить после 18:00"),
            "the manager's did not get written over");
    }

    [Test]
    public async Task When_both_sides_change_the_status_the_later_Bitrix_change_wins_and_the_conflict_is_logged()
    {
        _harness.Crm.ChangeOrderStatus("1001", "assembling");
        await Task.Delay(1100); // Bitrix and RetailCRM times have whole seconds
        await SiteSavesAsync(order => order["statusId"] = "F", hook: false);

        await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        await _harness.SettleAsync();
        Assert.That(BitrixOrder["statusId"]!.GetValue<string>(), Is.EqualTo("F"), "the older RetailCRM change is not applied");
        Assert.That(_harness.Logs.Lines.Any(l => l.Contains("status changed on both sides", StringComparison.Ordinal)
            && l.Contains("complete", StringComparison.Ordinal) && l.Contains("assembling", StringComparison.Ordinal)), Is.True,
            "the conflict is logged with both values");

        Assert.That((await _harness.SendBitrixEventAsync(1001)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _harness.SettleAsync();
        Assert.That(CrmStatus, Is.EqualTo("complete"), "the site's later status reaches RetailCRM");
    }

    [Test]
    public async Task When_both_sides_change_the_status_the_later_RetailCrm_change_wins()
    {
        await SiteSavesAsync(order => order["statusId"] = "D", hook: false); // its hook is late
        await Task.Delay(1100);
        _harness.Crm.ChangeOrderStatus("1001", "complete");

        await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        await _harness.SettleAsync();
        Assert.That((await _harness.SendBitrixEventAsync(1001)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted)); // the late hook
        await _harness.SettleAsync();

        Assert.That(BitrixOrder["statusId"]!.GetValue<string>(), Is.EqualTo("F"));
        Assert.That(CrmStatus, Is.EqualTo("complete"));
    }

    [Test]
    public async Task A_RetailCrm_change_that_the_sites_pushed_status_already_replaced_is_not_applied()
    {
        _harness.Crm.ChangeOrderStatus("1001", "assembling");
        await Task.Delay(1100);
        await SiteSavesAsync(order => order["statusId"] = "D"); // pushed before the history poll sees the manager's change

        await _harness.HistoryPoller.RunAsync(CancellationToken.None);
        await _harness.SettleAsync();

        Assert.That(CrmStatus, Is.EqualTo("delivery"));
        Assert.That(BitrixOrder["statusId"]!.GetValue<string>(), Is.EqualTo("D"), "Bitrix and RetailCRM agree");
    }
}
