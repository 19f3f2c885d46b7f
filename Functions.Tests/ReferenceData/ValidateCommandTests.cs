using BitrixRetailCrm.Admin;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;
using BitrixRetailCrm.Tests.Infrastructure;
using BitrixRetailCrm.Tests.Operations;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.ReferenceData;

/// <summary>`validate` through the Admin CLI against both simulators' dictionaries and the seeded mapping table.</summary>
public class ValidateCommandTests
{
    private IntegrationHarness _harness = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _harness = await IntegrationHarness.StartAsync(startQueueListener: false);
        await _harness.Mappings.SeedAsync(CancellationToken.None); // so planted removals are not re-seeded
    }

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private Task<AdminRun> ValidateAsync(params string[] extra) =>
        AdminRun.RunAsync(_harness, ["validate", "--ReferenceData:BitrixSites=s1", .. extra]);

    private Task MapAsync(MappingKind kind, string key, string value) =>
        _harness.Mappings.SetAsync(new MappingEntry(kind, key, value), CancellationToken.None);

    [Test]
    public async Task Clean_setup_passes_with_a_per_kind_summary()
    {
        var run = await ValidateAsync();

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        Assert.That(run.Out, Does.Not.Contain("PROBLEM"));
        Assert.That(run.Out, Does.Contain("delivery          3 mapping(s)  ok"));
        Assert.That(run.Out, Does.Contain("statusFromCrm     7 mapping(s)  ok"));
        Assert.That(run.Out.TrimEnd(), Does.EndWith("OK"));
        string[] read = ["sale.status.list", "sale.delivery.getlist", "sale.paysystem.list", "catalog.store.list"];
        foreach (var method in read) Assert.That(_harness.Bitrix.RequestCount(method), Is.EqualTo(1), method);
        foreach (var dictionary in new[] { "statuses", "delivery-types", "payment-types", "payment-statuses", "sites", "stores", "order-types" })
            Assert.That(_harness.Crm.Requests.Count(r => r.Path.EndsWith($"reference/{dictionary}")), Is.EqualTo(1), dictionary);
    }

    [Test]
    public async Task Without_configured_Bitrix_sites_the_site_kind_is_checked_on_the_RetailCRM_side_only()
    {
        var run = await AdminRun.RunAsync(_harness, "validate");
        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain("Bitrix sites are not configured"));
    }

    public static IEnumerable<TestCaseData> Mismatches()
    {
        TestCaseData Case(string name, Func<IntegrationHarness, Task> plant, string kind, string side, string code, string problem) =>
            new TestCaseData(plant, kind, side, code, problem).SetArgDisplayNames(name);

        yield return Case("custom Bitrix status without mapping", h =>
        {
            h.Bitrix.Options.Statuses.Add(new BitrixStatus("W", "O", "Ждёт звонка", 15));
            return Task.CompletedTask;
        }, "status", "bitrix", "W", "\"Ждёт звонка\" is used in Bitrix but has no mapping");
        yield return Case("new Bitrix delivery without mapping", h =>
        {
            h.Bitrix.Options.Deliveries.Add(new BitrixDirectory.Delivery(4, "СДЭК", 390));
            return Task.CompletedTask;
        }, "delivery", "bitrix", "4", "\"СДЭК\" is used in Bitrix but has no mapping");
        yield return Case("new Bitrix pay system without mapping", h =>
        {
            h.Bitrix.Options.PaySystems.Add(new BitrixDirectory.PaySystem(4, "СБП", false));
            return Task.CompletedTask;
        }, "payment", "bitrix", "4", "is used in Bitrix but has no mapping");
        yield return Case("mapping for a Bitrix delivery that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "99", "courier"), CancellationToken.None),
            "delivery", "bitrix", "99", "mapped to \"courier\" but does not exist in Bitrix");
        yield return Case("RetailCRM delivery type deactivated", h =>
        {
            var types = h.Crm.Options.DeliveryTypes;
            types[types.FindIndex(t => t.Code == "courier")] = types.Find(t => t.Code == "courier")! with { Active = false };
            return Task.CompletedTask;
        }, "delivery", "retailcrm", "courier", "target of \"2\" is inactive in RetailCRM");
        yield return Case("RetailCRM payment type removed", h =>
        {
            h.Crm.Options.PaymentTypes.RemoveAll(t => t.Code == "bank-card");
            return Task.CompletedTask;
        }, "payment", "retailcrm", "bank-card", "target of \"2\" does not exist in RetailCRM");
        yield return Case("mapping to a RetailCRM payment status that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.PaymentStatus, "Y", "paid-ok"), CancellationToken.None),
            "paymentStatus", "retailcrm", "paid-ok", "target of \"Y\" does not exist in RetailCRM");
        yield return Case("mapping to a RetailCRM site that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.Site, "s1", "shop2"), CancellationToken.None),
            "site", "retailcrm", "shop2", "target of \"s1\" does not exist in RetailCRM");
        yield return Case("configured Bitrix site without mapping",
            h => h.Mappings.RemoveAsync(MappingKind.Site, "s1", CancellationToken.None),
            "site", "bitrix", "s1", "is used in Bitrix but has no mapping");
        yield return Case("RetailCRM status removed", h =>
        {
            h.Crm.Options.Statuses.RemoveAll(s => s.Code == "complete");
            return Task.CompletedTask;
        }, "status", "retailcrm", "complete", "target of \"F\" does not exist in RetailCRM");
        yield return Case("new RetailCRM status without reverse mapping", h =>
        {
            h.Crm.Options.Statuses.Add(new RetailCrmStatus("on-hold", "Отложен", "approval"));
            return Task.CompletedTask;
        }, "statusFromCrm", "retailcrm", "on-hold", "\"Отложен\" is used in RetailCRM but has no mapping");
        yield return Case("reverse mapping to a Bitrix status that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.StatusFromCrm, "delivery", "DX"), CancellationToken.None),
            "statusFromCrm", "bitrix", "DX", "target of \"delivery\" does not exist in Bitrix");
        yield return Case("cancel flag for a RetailCRM status that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.CancelFromCrm, "cancel-fraud", "Y"), CancellationToken.None),
            "cancelFromCrm", "retailcrm", "cancel-fraud", "does not exist in RetailCRM");
        yield return Case("warehouse mapped to a RetailCRM store that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.Warehouse, "1", "north"), CancellationToken.None),
            "warehouse", "retailcrm", "north", "target of \"1\" does not exist in RetailCRM");
        yield return Case("second Bitrix warehouse without mapping once warehouses are mapped", h =>
        {
            h.Bitrix.Options.Stores.Add(new BitrixDirectory.Store(2, "Склад Север"));
            return h.Mappings.SetAsync(new MappingEntry(MappingKind.Warehouse, "1", "main"), CancellationToken.None);
        }, "warehouse", "bitrix", "2", "\"Склад Север\" is used in Bitrix but has no mapping");
        yield return Case("payer type mapped to a RetailCRM order type that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.OrderType, "2", "legal-entity"), CancellationToken.None),
            "orderType", "retailcrm", "legal-entity", "target of \"2\" does not exist in RetailCRM");
        yield return Case("property mapped to a RetailCRM custom field that does not exist", h =>
        {
            h.Bitrix.Options.OrderProperties.Add(new BitrixDirectory.OrderProperty(6, "GIFT_WRAP", "Подарочная упаковка"));
            return h.Mappings.SetAsync(new MappingEntry(MappingKind.OrderProperty, "GIFT_WRAP", "customFields.gift_wrap"), CancellationToken.None);
        }, "orderProperty", "retailcrm", "customFields.gift_wrap", "target of \"GIFT_WRAP\" does not exist in RetailCRM");
        yield return Case("non-standard Bitrix property without mapping once properties are mapped", h =>
        {
            h.Bitrix.Options.OrderProperties.Add(new BitrixDirectory.OrderProperty(7, "COURIER_NOTE", "Комментарий курьеру"));
            return h.Mappings.SetAsync(new MappingEntry(MappingKind.OrderProperty, "PHONE", "phone"), CancellationToken.None);
        }, "orderProperty", "bitrix", "COURIER_NOTE", "\"Комментарий курьеру\" is used in Bitrix but has no mapping");
        yield return Case("property mapped to something that is no order field",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.OrderProperty, "ZIP", "postcode"), CancellationToken.None),
            "orderProperty", "retailcrm", "postcode", "target of \"ZIP\" is neither an order field");
        yield return Case("price type mapped to a RetailCRM price type that does not exist", h =>
            h.Mappings.SetAsync(new MappingEntry(MappingKind.PriceType, "1", "retail"), CancellationToken.None),
            "priceType", "retailcrm", "retail", "target of \"1\" does not exist in RetailCRM");
        yield return Case("per-site row for a site Bitrix does not have",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "s9:2", "courier"), CancellationToken.None),
            "delivery", "bitrix", "s9:2", "per-site row for site \"s9\", which is not a configured Bitrix site");
        yield return Case("per-site row for a Bitrix delivery that does not exist",
            h => h.Mappings.SetAsync(new MappingEntry(MappingKind.Delivery, "s1:42", "courier"), CancellationToken.None),
            "delivery", "bitrix", "s1:42", "mapped to \"courier\" but does not exist in Bitrix");
    }

    [Test]
    public async Task Two_storefronts_with_every_optional_kind_mapped_pass_clean()
    {
        _harness.Crm.Options.Sites.Add("shop2");
        _harness.Crm.Options.Stores.Add(new RetailCrmStore("north", "Склад Север"));
        _harness.Crm.Options.OrderTypes.Add(new RetailCrmOrderType("legal-entity", "Юридическое лицо"));
        _harness.Crm.Options.CustomFields.Add(new RetailCrmCustomField("gift_wrap", "Подарочная упаковка", "boolean"));
        _harness.Crm.Options.PriceTypes.Add(new RetailCrmPriceType("wholesale", "Оптовая"));
        _harness.Bitrix.Options.Stores.Add(new BitrixDirectory.Store(2, "Склад Север"));
        _harness.Bitrix.Options.OrderProperties.Add(new BitrixDirectory.OrderProperty(6, "GIFT_WRAP", "Подарочная упаковка"));
        MappingEntry[] rows =
        [
            new(MappingKind.Site, "s2", "shop2"),
            new(MappingKind.Delivery, "s2:2", "self-delivery"),
            new(MappingKind.Warehouse, "1", "main"),
            new(MappingKind.Warehouse, "2", "north"),
            new(MappingKind.OrderType, "1", "eshop-individual"),
            new(MappingKind.OrderType, "2", "legal-entity"),
            new(MappingKind.OrderProperty, "GIFT_WRAP", "customFields.gift_wrap"),
            new(MappingKind.OrderProperty, "s2:GIFT_WRAP", OrderPropertyTargets.Skip),
            new(MappingKind.PriceType, "1", "base"),
            new(MappingKind.PriceType, "2", "wholesale"),
        ];
        foreach (var row in rows) await _harness.Mappings.SetAsync(row, CancellationToken.None);

        var run = await AdminRun.RunAsync(_harness, "validate", "--ReferenceData:BitrixSites=s1,s2");

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        Assert.That(run.Out, Does.Not.Contain("PROBLEM"));
        Assert.That(run.Out, Does.Contain("warehouse         2 mapping(s)  ok").And.Contain("orderProperty     2 mapping(s)  ok")
            .And.Contain("priceType         2 mapping(s)  ok").And.Contain("orderType         2 mapping(s)  ok"));
        Assert.That(run.Out.TrimEnd(), Does.EndWith("OK"));
    }

    [TestCaseSource(nameof(Mismatches))]
    public async Task Each_planted_mismatch_is_found_and_fails_the_run(Func<IntegrationHarness, Task> plant, string kind, string side,
        string code, string problem)
    {
        await plant(_harness);

        var run = await ValidateAsync();
        TestContext.Out.WriteLine(run.Out);

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Failed), run.ToString());
        var row = run.Out.Split('\n').Where(l => l.StartsWith(kind + " ", StringComparison.Ordinal) && l.Contains(" error "))
            .FirstOrDefault(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [_, "error", var s, var c, ..]
                && s == side && c == code);
        Assert.That(row, Is.Not.Null, run.ToString());
        Assert.That(row, Does.Contain(problem));
        Assert.That(run.Out.TrimEnd(), Does.EndWith("BROKEN: fix the errors above"));
    }

    [Test]
    public async Task Mapping_keyed_by_an_inactive_Bitrix_delivery_is_a_warning_failing_only_with_strict()
    {
        var deliveries = _harness.Bitrix.Options.Deliveries;
        deliveries[2] = deliveries[2] with { Active = false };

        var lenient = await ValidateAsync();
        var strict = await ValidateAsync("--strict");
        TestContext.Out.WriteLine(lenient.Out);

        Assert.That(lenient.ExitCode, Is.EqualTo(AdminCli.Ok), lenient.ToString());
        Assert.That(lenient.Out, Does.Contain("mapped to \"russian-post\" but is inactive in Bitrix").And.Contain("OK with warnings"));
        Assert.That(strict.ExitCode, Is.EqualTo(AdminCli.Failed));
    }

    [Test]
    public async Task Unreachable_RetailCrm_fails_with_the_call_named()
    {
        _harness.Crm.Faults.FailFor(TimeSpan.FromMinutes(5), 401);
        var run = await ValidateAsync();
        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Failed));
        Assert.That(run.Err, Does.Contain("RetailCRM reference/statuses"));
        Assert.That(run.Err, Does.Not.Contain(_harness.Crm.Options.ApiKey));
    }
}
