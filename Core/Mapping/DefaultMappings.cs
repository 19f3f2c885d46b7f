using System.Text.Json;

namespace BitrixRetailCrm.Mapping;

/// <summary>
/// The mappings shipped with the code (embedded default-mappings.json), used to seed the mapping table.
/// File shape: <c>{"version":N,"mappings":{"&lt;kind key&gt;":{"&lt;bitrix code&gt;":"&lt;crm code&gt;"}}}</c>; in the
/// reverse kinds (statusFromCrm, cancelFromCrm) the key is the RetailCRM code, see <see cref="MappingKind"/>.
/// </summary>
public static class DefaultMappings
{
    private const string ResourceName = "default-mappings.json";

    private static readonly Lazy<(int Version, IReadOnlyList<MappingEntry> Entries)> Embedded = new(() => Read(EmbeddedJson()));

    /// <summary>Raised whenever the file changes, so deployments seed rows added since the last seeded version.</summary>
    public static int Version => Embedded.Value.Version;

    public static IReadOnlyList<MappingEntry> Load() => Embedded.Value.Entries;

    /// <summary>Reads the entries of a mapping file in the default-mappings.json format.</summary>
    public static IReadOnlyList<MappingEntry> Parse(string json) => Read(json).Entries;

    private static (int Version, IReadOnlyList<MappingEntry> Entries) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
            || !version.TryGetInt32(out var number) || number < 1)
            throw new FormatException("Mapping file needs a positive integer \"version\"");
        if (!root.TryGetProperty("mappings", out var mappings) || mappings.ValueKind != JsonValueKind.Object)
            throw new FormatException("Mapping file needs a \"mappings\" object");
        return (number, mappings.EnumerateObject().SelectMany(Section).ToList());
    }

    private static IEnumerable<MappingEntry> Section(JsonProperty section)
    {
        var kind = MappingKindExtensions.Parse(section.Name);
        if (section.Value.ValueKind != JsonValueKind.Object)
            throw new FormatException($"Mapping section \"{section.Name}\" must be an object of code pairs");
        return section.Value.EnumerateObject().Select(pair => new MappingEntry(kind, pair.Name, CrmCode(section.Name, pair)));
    }

    private static string CrmCode(string section, JsonProperty pair) =>
        pair.Value.ValueKind == JsonValueKind.String && pair.Value.GetString() is { Length: > 0 } code
            ? code
            : throw new FormatException($"Mapping \"{section}\".\"{pair.Name}\" must be a non-empty string");

    private static string EmbeddedJson()
    {
        using var stream = typeof(DefaultMappings).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
