using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BitrixRetailCrm.Mapping;

/// <summary>A problem in a mapping file, at a 1-based line.</summary>
public sealed record MappingFileError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>Every entry of a mapping file, or every problem found in it (then no entries: a bad file is used not at all).</summary>
public sealed record MappingFileContent(IReadOnlyList<MappingEntry> Entries, IReadOnlyList<MappingFileError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The mapping file format of default-mappings.json, read strictly for imports:
/// <c>{"version":N,"mappings":{"&lt;kind key&gt;":{"&lt;code&gt;":"&lt;code&gt;"}}}</c> ("version" optional here).
/// System.Text.Json keeps the last of duplicate property names without a word, so the file is walked token by token
/// with <see cref="Utf8JsonReader"/> to report duplicates, unknown kinds, empty codes and syntax errors with their line.
/// </summary>
public static class MappingFile
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // Bitrix and RetailCRM codes and names are often Cyrillic; keep the file readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static MappingFileContent Read(string json) => Read(Encoding.UTF8.GetBytes(json));

    public static MappingFileContent Read(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(Encoding.UTF8.Preamble)) utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        var walker = new Walker(utf8);
        try
        {
            walker.ReadFile();
        }
        catch (JsonException ex)
        {
            walker.Errors.Add(new MappingFileError((int)(ex.LineNumber ?? 0) + 1, $"malformed JSON: {FirstSentence(ex.Message)}"));
        }
        return walker.Errors.Count == 0
            ? new MappingFileContent(walker.Entries, [])
            : new MappingFileContent([], walker.Errors.OrderBy(e => e.Line).ToList());
    }

    /// <summary>Writes the entries in the same format, kinds in enum order and codes sorted, so exports diff cleanly.</summary>
    public static string Write(IEnumerable<MappingEntry> entries, int version = 1)
    {
        var byKind = entries.GroupBy(e => e.Kind).OrderBy(g => g.Key).ToList();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", version);
            writer.WriteStartObject("mappings");
            foreach (var kind in byKind)
            {
                writer.WriteStartObject(kind.Key.ToKey());
                foreach (var entry in kind.OrderBy(e => e.BitrixCode, StringComparer.Ordinal))
                    writer.WriteString(entry.BitrixCode, entry.CrmCode);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    private static string FirstSentence(string message) =>
        message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' ') is { Length: > 0 } text ? text : message;

    private ref struct Walker
    {
        private readonly ReadOnlySpan<byte> _utf8;
        private Utf8JsonReader _reader;

        public Walker(ReadOnlySpan<byte> utf8)
        {
            _utf8 = utf8;
            _reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        }

        public List<MappingEntry> Entries { get; } = [];
        public List<MappingFileError> Errors { get; } = [];

        public void ReadFile()
        {
            if (!_reader.Read()) { Error("the file is empty"); return; }
            if (_reader.TokenType != JsonTokenType.StartObject) { Error("the file must be a JSON object with a \"mappings\" object"); return; }
            var seen = new Dictionary<string, int>();
            var sawMappings = false;
            while (Next() != JsonTokenType.EndObject)
            {
                var name = _reader.GetString()!;
                var unique = Unique(seen, name, Line(), "top-level property");
                Next();
                if (!unique) { SkipValue(); continue; }
                switch (name)
                {
                    case "version":
                        if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt32(out var version) || version < 1)
                            Error("\"version\" must be a positive integer");
                        SkipValue();
                        break;
                    case "mappings":
                        sawMappings = true;
                        ReadMappings();
                        break;
                    default:
                        Error($"unknown property \"{name}\" (expected \"version\" and \"mappings\")");
                        SkipValue();
                        break;
                }
            }
            if (!sawMappings) Error("the file has no \"mappings\" object");
            if (_reader.Read()) Error("unexpected content after the closing brace");
        }

        private void ReadMappings()
        {
            if (_reader.TokenType != JsonTokenType.StartObject) { Error("\"mappings\" must be an object of kinds"); SkipValue(); return; }
            var seen = new Dictionary<string, int>();
            while (Next() != JsonTokenType.EndObject)
            {
                var section = _reader.GetString()!;
                var line = Line();
                var unique = Unique(seen, section, line, "mapping kind");
                var known = MappingKindExtensions.TryParse(section, out var kind);
                if (!known)
                    Error($"unknown mapping kind \"{section}\" (known: {string.Join(", ", Enum.GetValues<MappingKind>().Select(k => k.ToKey()))})");
                Next();
                if (!unique || !known) { SkipValue(); continue; }
                ReadSection(kind, section);
            }
        }

        private void ReadSection(MappingKind kind, string section)
        {
            if (_reader.TokenType != JsonTokenType.StartObject) { Error($"\"{section}\" must be an object of code pairs"); SkipValue(); return; }
            var seen = new Dictionary<string, int>();
            while (Next() != JsonTokenType.EndObject)
            {
                var code = _reader.GetString()!;
                var line = Line();
                var unique = Unique(seen, code, line, $"\"{section}\" code");
                if (code.Trim().Length == 0) Error($"\"{section}\" has an empty code");
                else if (code != code.Trim()) Error($"\"{section}\" code \"{code}\" has leading or trailing spaces");
                Next();
                if (_reader.TokenType != JsonTokenType.String) { Error($"\"{section}\".\"{code}\" must be a string"); SkipValue(); continue; }
                var target = _reader.GetString()!;
                if (target.Trim().Length == 0) Error($"\"{section}\".\"{code}\" maps to an empty code");
                else if (target != target.Trim()) Error($"\"{section}\".\"{code}\" maps to \"{target}\" with leading or trailing spaces");
                else if (unique && code.Trim().Length > 0) Entries.Add(new MappingEntry(kind, code, target));
            }
        }

        private bool Unique(Dictionary<string, int> seen, string name, int line, string what)
        {
            if (seen.TryGetValue(name, out var first))
            {
                Error($"duplicate {what} \"{name}\" (first on line {first})");
                return false;
            }
            seen[name] = line;
            return true;
        }

        private JsonTokenType Next()
        {
            if (!_reader.Read()) throw new JsonException("unexpected end of file", null, LineIndex(_utf8.Length), null);
            return _reader.TokenType;
        }

        private void SkipValue()
        {
            if (_reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) _reader.Skip();
        }

        private readonly int Line() => LineIndex(_reader.TokenStartIndex) + 1;

        private void Error(string message) => Errors.Add(new MappingFileError(Line(), message));

        private readonly int LineIndex(long offset)
        {
            var upTo = _utf8[..(int)Math.Min(offset, _utf8.Length)];
            return upTo.Count((byte)'\n');
        }
    }
}
