using BitrixRetailCrm.Mapping;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Mapping;

public class MappingFileTests
{
    private static MappingFileContent Read(params string[] lines) => MappingFile.Read(string.Join("\n", lines));

    private static string Errors(MappingFileContent content) => string.Join("\n", content.Errors);

    [Test]
    public void Valid_file_reads_every_pair_in_order()
    {
        var content = Read(
            "{",
            "  \"version\": 3,",
            "  \"mappings\": {",
            "    \"delivery\": { \"1\": \"self-delivery\", \"77\": \"courier\" },",
            "    \"statusFromCrm\": { \"new\": \"N\" }",
            "  }",
            "}");

        Assert.That(content.IsValid, Is.True, Errors(content));
        Assert.That(content.Entries, Is.EqualTo(new[]
        {
            new MappingEntry(MappingKind.Delivery, "1", "self-delivery"),
            new MappingEntry(MappingKind.Delivery, "77", "courier"),
            new MappingEntry(MappingKind.StatusFromCrm, "new", "N"),
        }));
    }

    [Test]
    public void Version_is_optional_for_imports() =>
        Assert.That(Read("{\"mappings\":{\"site\":{\"s1\":\"shop\"}}}").IsValid, Is.True);

    [Test]
    public void Duplicate_code_is_reported_with_both_lines_although_System_Text_Json_would_keep_the_last()
    {
        var content = Read(
            "{",
            "  \"mappings\": {",
            "    \"delivery\": {",
            "      \"1\": \"self-delivery\",",
            "      \"1\": \"courier\"",
            "    }",
            "  }",
            "}");

        Assert.That(content.IsValid, Is.False);
        Assert.That(content.Entries, Is.Empty, "a refused file yields no entries at all");
        Assert.That(content.Errors, Has.Count.EqualTo(1));
        Assert.That(content.Errors[0].Line, Is.EqualTo(5));
        Assert.That(content.Errors[0].Message, Does.Contain("duplicate \"delivery\" code \"1\"").And.Contain("first on line 4"));
    }

    [Test]
    public void Duplicate_kind_section_is_reported()
    {
        var content = Read("{\"mappings\":{", "\"site\":{\"s1\":\"shop\"},", "\"site\":{\"s2\":\"shop2\"}}}");
        Assert.That(Errors(content), Does.Contain("line 3: duplicate mapping kind \"site\" (first on line 2)"));
    }

    [Test]
    public void Unknown_kind_and_empty_codes_are_all_reported_with_their_lines()
    {
        var content = Read(
            "{\"mappings\": {",
            "  \"deliveries\": {\"1\": \"courier\"},",
            "  \"payment\": {",
            "    \"\": \"cash\",",
            "    \"2\": \"\",",
            "    \"3\": 5,",
            "    \" 4\": \"cash\"",
            "  }",
            "}}");

        Assert.That(content.Errors.Select(e => e.Line), Is.EqualTo(new[] { 2, 4, 5, 6, 7 }), Errors(content));
        Assert.That(Errors(content), Does.Contain("unknown mapping kind \"deliveries\"").And.Contain("known: status, delivery"));
        Assert.That(Errors(content), Does.Contain("\"payment\" has an empty code"));
        Assert.That(Errors(content), Does.Contain("\"payment\".\"2\" maps to an empty code"));
        Assert.That(Errors(content), Does.Contain("\"payment\".\"3\" must be a string"));
        Assert.That(Errors(content), Does.Contain("leading or trailing spaces"));
    }

    [TestCase("{\"mappings\": {\"site\": {\"s1\": \"shop\",}}}", 1)]
    [TestCase("{\n\"mappings\": {\n\"site\": {\"s1\": \"shop\"\n", 4)]
    [TestCase("{\n\"mappings\": {\n\"site\": {\"s1\" \"shop\"}}}", 3)]
    [TestCase("", 1)]
    public void Malformed_JSON_is_reported_with_its_line(string json, int line)
    {
        var content = MappingFile.Read(json);
        Assert.That(content.IsValid, Is.False);
        Assert.That(content.Errors[^1].Line, Is.EqualTo(line), Errors(content));
        Assert.That(Errors(content), Does.Contain("malformed JSON").Or.Contain("empty"));
    }

    [Test]
    public void Wrong_shapes_are_reported()
    {
        Assert.That(Errors(Read("[]")), Does.Contain("must be a JSON object"));
        Assert.That(Errors(Read("{\"version\":1}")), Does.Contain("no \"mappings\" object"));
        Assert.That(Errors(Read("{\"mappings\":{\"site\":[\"s1\"]}}")), Does.Contain("\"site\" must be an object of code pairs"));
        Assert.That(Errors(Read("{\"mappings\":{},\"extra\":1}")), Does.Contain("unknown property \"extra\""));
        Assert.That(Errors(Read("{\"version\":0,\"mappings\":{}}")), Does.Contain("positive integer"));
    }

    [Test]
    public void Written_file_reads_back_to_the_same_entries_and_keeps_Cyrillic_readable()
    {
        MappingEntry[] entries =
        [
            new(MappingKind.Status, "N", "new"),
            new(MappingKind.Delivery, "2", "курьер"),
            new(MappingKind.CancelFromCrm, "cancel-other", "Y"),
        ];

        var json = MappingFile.Write(entries);
        var content = MappingFile.Read(json);

        Assert.That(json, Does.Contain("курьер"));
        Assert.That(content.IsValid, Is.True, Errors(content));
        Assert.That(content.Entries, Is.EquivalentTo(entries));
    }

    [Test]
    public void The_shipped_defaults_pass_the_strict_reader()
    {
        var defaults = DefaultMappings.Load();
        var content = MappingFile.Read(MappingFile.Write(defaults));
        Assert.That(content.Entries, Is.EquivalentTo(defaults));
        var embedded = typeof(DefaultMappings).Assembly.GetManifestResourceStream("default-mappings.json")!;
        using var reader = new StreamReader(embedded);
        Assert.That(MappingFile.Read(reader.ReadToEnd()).IsValid, Is.True);
    }
}
