using BitrixRetailCrm.Admin;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Tests.Infrastructure;
using BitrixRetailCrm.Tests.Operations;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Mapping;

/// <summary>mappings list / export / import through the Admin CLI against the harness's mapping table in Azurite.</summary>
public class MappingImportTests
{
    private IntegrationHarness _harness = null!;
    private string _dir = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _harness = await IntegrationHarness.StartAsync(startQueueListener: false);
        _dir = Directory.CreateTempSubdirectory("mappings-").FullName;
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string FileWith(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<string> ExportAsync()
    {
        var run = await AdminRun.RunAsync(_harness, "mappings", "export");
        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        return run.Out;
    }

    [Test]
    public async Task Export_writes_the_seeded_defaults_in_the_import_format()
    {
        var path = Path.Combine(_dir, "export.json");
        var run = await AdminRun.RunAsync(_harness, "mappings", "export", "--file", path);

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Ok), run.ToString());
        var content = MappingFile.Read(File.ReadAllText(path));
        Assert.That(content.IsValid, Is.True);
        Assert.That(content.Entries, Is.EquivalentTo(DefaultMappings.Load()));
    }

    [Test]
    public async Task Importing_a_broken_file_is_refused_whole_with_line_messages_and_changes_nothing()
    {
        var before = await ExportAsync();
        var path = FileWith("broken.json", """
            {
              "version": 1,
              "mappings": {
                "delivery": {
                  "2": "express",
                  "2": "courier",
                  "77": ""
                },
                "warehouses": { "1": "main" },
                "payment": { "9": "cash" }
              }
            }
            """);

        var run = await AdminRun.RunAsync(_harness, "mappings", "import", "--file", path);

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Failed), run.ToString());
        Assert.That(run.Err, Does.Contain("nothing was written"));
        Assert.That(run.Err, Does.Contain($"{path}:line 6: duplicate \"delivery\" code \"2\" (first on line 5)"));
        Assert.That(run.Err, Does.Contain($"{path}:line 7: \"delivery\".\"77\" maps to an empty code"));
        Assert.That(run.Err, Does.Contain($"{path}:line 9: unknown mapping kind \"warehouses\""));
        Assert.That(await ExportAsync(), Is.EqualTo(before));
        var set = await _harness.Mappings.ReadAsync(CancellationToken.None);
        Assert.That(set.TryMap(MappingKind.Payment, "9", out _), Is.False, "not even the valid rows are written");
    }

    [Test]
    public async Task Malformed_file_is_refused_and_changes_nothing()
    {
        var before = await ExportAsync();
        var path = FileWith("malformed.json", "{\n  \"mappings\": {\n    \"payment\": { \"9\": \"cash\" \n");

        var run = await AdminRun.RunAsync(_harness, "mappings", "import", "--file", path);

        Assert.That(run.ExitCode, Is.EqualTo(AdminCli.Failed), run.ToString());
        Assert.That(run.Err, Does.Contain("malformed JSON"));
        Assert.That(await ExportAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Valid_import_upserts_and_replace_removes_unlisted_rows_of_the_same_kinds_only()
    {
        var path = FileWith("good.json", """
            {"mappings": {"delivery": {"1": "self-delivery", "2": "courier", "77": "courier"}, "site": {"s2": "shop"}}}
            """);

        var merge = await AdminRun.RunAsync(_harness, "mappings", "import", "--file", path);
        Assert.That(merge.ExitCode, Is.EqualTo(AdminCli.Ok), merge.ToString());
        Assert.That(merge.Out, Does.Contain("2 written, 2 unchanged, 0 removed"));
        var merged = await _harness.Mappings.ReadAsync(CancellationToken.None);
        Assert.That(merged.Map(MappingKind.Delivery, "77"), Is.EqualTo("courier"));
        Assert.That(merged.Map(MappingKind.Delivery, "3"), Is.EqualTo("russian-post"), "rows the file does not list stay");

        var replace = await AdminRun.RunAsync(_harness, "mappings", "import", "--file", path, "--replace");
        Assert.That(replace.ExitCode, Is.EqualTo(AdminCli.Ok), replace.ToString());
        Assert.That(replace.Out, Does.Contain("0 written, 4 unchanged, 2 removed"));
        var replaced = await _harness.Mappings.ReadAsync(CancellationToken.None);
        Assert.That(replaced.TryMap(MappingKind.Delivery, "3", out _), Is.False);
        Assert.That(replaced.TryMap(MappingKind.Site, "s1", out _), Is.False);
        Assert.That(replaced.Map(MappingKind.Payment, "1"), Is.EqualTo("cash"), "kinds absent from the file are untouched");

        var list = await AdminRun.RunAsync(_harness, "mappings", "list", "--kind", "delivery");
        Assert.That(list.Out, Does.Contain("delivery  77   courier").And.Contain("3 mapping(s)"), list.ToString());
    }

    [Test]
    public async Task Missing_file_and_unknown_kind_are_reported()
    {
        var missing = await AdminRun.RunAsync(_harness, "mappings", "import", "--file", Path.Combine(_dir, "nope.json"));
        Assert.That(missing.ExitCode, Is.EqualTo(AdminCli.Failed));
        var noFile = await AdminRun.RunAsync(_harness, "mappings", "import");
        Assert.That(noFile.ExitCode, Is.EqualTo(AdminCli.Usage));
        var kind = await AdminRun.RunAsync(_harness, "mappings", "list", "--kind", "nope");
        Assert.That(kind.ExitCode, Is.EqualTo(AdminCli.Usage));
    }
}
