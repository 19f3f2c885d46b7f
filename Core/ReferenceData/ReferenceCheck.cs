using System.Text;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.StatusSync;

namespace BitrixRetailCrm.ReferenceData;

public enum FindingSeverity { Warning, Error }

/// <param name="Kind">The mapping kind key (status, delivery, …).</param>
/// <param name="Side">Whose dictionary the code belongs to: "bitrix" or "retailcrm".</param>
public sealed record ReferenceFinding(string Kind, FindingSeverity Severity, string Side, string Code, string Problem);

/// <summary>Per kind: how many mappings were checked; and every problem found.</summary>
public sealed record ReferenceReport(IReadOnlyDictionary<string, int> MappingsPerKind, IReadOnlyList<ReferenceFinding> Findings,
    IReadOnlyList<string> Notes)
{
    public bool HasErrors => Findings.Any(f => f.Severity == FindingSeverity.Error);
    public bool HasWarnings => Findings.Any(f => f.Severity == FindingSeverity.Warning);

    /// <summary>A fixed-width table of the findings followed by a per-kind summary.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        if (Findings.Count > 0)
        {
            string[] header = ["KIND", "SEVERITY", "SIDE", "CODE", "PROBLEM"];
            var rows = Findings.Select(f => new[] { f.Kind, f.Severity.ToString().ToLowerInvariant(), f.Side, f.Code, f.Problem }).ToList();
            var widths = Enumerable.Range(0, 4).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
            string Line(string[] cells) => string.Join("  ", cells.Take(4).Select((c, i) => c.PadRight(widths[i])).Append(cells[4])).TrimEnd();
            text.AppendLine(Line(header));
            foreach (var row in rows) text.AppendLine(Line(row));
            text.AppendLine();
        }
        foreach (var (kind, count) in MappingsPerKind)
        {
            var errors = Findings.Count(f => f.Kind == kind && f.Severity == FindingSeverity.Error);
            var warnings = Findings.Count(f => f.Kind == kind && f.Severity == FindingSeverity.Warning);
            var verdict = errors + warnings == 0 ? "ok" : $"{errors} error(s), {warnings} warning(s)";
            text.AppendLine($"{kind,-14} {count,4} mapping(s)  {verdict}");
        }
        foreach (var note in Notes) text.AppendLine($"note: {note}");
        text.AppendLine(HasErrors ? "BROKEN: fix the errors above" : HasWarnings ? "OK with warnings" : "OK");
        return text.ToString();
    }
}

/// <summary>
/// Compares the mapping tables with both systems' dictionaries. Errors are what makes orders or status changes fail:
/// a code one side uses (active) with no mapping, a mapping whose key or target does not exist, a target that is
/// inactive (RetailCRM refuses it). Warnings are harmless leftovers: a mapping keyed by an inactive source code.
/// </summary>
public static class ReferenceCheck
{
    private const string Bitrix = "bitrix";
    private const string Crm = "retailcrm";
    private static readonly IReadOnlyList<DictionaryItem> PaidFlags = [new("Y", "paid"), new("N", "not paid")];

    public static ReferenceReport Check(MappingSet mappings, BitrixDictionaries bitrix, RetailCrmDictionaries crm)
    {
        var findings = new List<ReferenceFinding>();
        var notes = new List<string>();
        var counts = Enum.GetValues<MappingKind>().ToDictionary(k => k.ToKey(), k => mappings.Entries.Count(e => e.Kind == k));

        Forward(MappingKind.Status, bitrix.OrderStatuses, crm.Statuses, [OrderMapper.CanceledStatusCode]);
        Forward(MappingKind.Delivery, bitrix.Deliveries, crm.DeliveryTypes);
        Forward(MappingKind.Payment, bitrix.PaySystems, crm.PaymentTypes);
        Forward(MappingKind.PaymentStatus, PaidFlags, crm.PaymentStatuses);
        Forward(MappingKind.Site, bitrix.Sites, crm.Sites);
        if (bitrix.Sites is null)
            notes.Add("Bitrix sites are not configured (ReferenceData__BitrixSites), so only the RetailCRM side of \"site\" was checked");
        Reverse(MappingKind.StatusFromCrm, crm.Statuses, bitrix.OrderStatuses);
        CancelFlags();
        notes.Add($"read {crm.Stores.Count} RetailCRM store(s), {crm.OrderTypes.Count} order type(s) and {bitrix.Stores.Count} Bitrix store(s); no mapping kind refers to them yet");
        return new ReferenceReport(counts, findings, notes);

        // Bitrix code → RetailCRM code; the Bitrix dictionary is the lookup side.
        void Forward(MappingKind kind, IReadOnlyList<DictionaryItem>? source, IReadOnlyList<DictionaryItem> target, string[]? pseudoCodes = null) =>
            Compare(kind, Bitrix, source, Crm, target, pseudoCodes ?? []);

        // RetailCRM code → Bitrix code (row key = CRM code).
        void Reverse(MappingKind kind, IReadOnlyList<DictionaryItem> source, IReadOnlyList<DictionaryItem> target) =>
            Compare(kind, Crm, source, Bitrix, target, []);

        void Compare(MappingKind kind, string sourceSide, IReadOnlyList<DictionaryItem>? source, string targetSide,
            IReadOnlyList<DictionaryItem> target, string[] pseudoCodes)
        {
            var key = kind.ToKey();
            var entries = mappings.Entries.Where(e => e.Kind == kind).OrderBy(e => e.BitrixCode, StringComparer.Ordinal).ToList();
            var sourceByCode = source?.GroupBy(i => i.Code).ToDictionary(g => g.Key, g => g.First());
            var targetByCode = target.GroupBy(i => i.Code).ToDictionary(g => g.Key, g => g.First());
            if (sourceByCode is not null)
            {
                var mapped = entries.Select(e => e.BitrixCode).ToHashSet();
                foreach (var item in source!.Where(i => i.Active && !mapped.Contains(i.Code)))
                    Add(key, FindingSeverity.Error, sourceSide, item.Code, $"{Describe(item)}is used in {Name(sourceSide)} but has no mapping");
            }
            foreach (var entry in entries)
            {
                if (sourceByCode is not null && !pseudoCodes.Contains(entry.BitrixCode))
                {
                    if (!sourceByCode.TryGetValue(entry.BitrixCode, out var from))
                        Add(key, FindingSeverity.Error, sourceSide, entry.BitrixCode, $"mapped to \"{entry.CrmCode}\" but does not exist in {Name(sourceSide)}");
                    else if (!from.Active)
                        Add(key, FindingSeverity.Warning, sourceSide, entry.BitrixCode, $"mapped to \"{entry.CrmCode}\" but is inactive in {Name(sourceSide)}");
                }
                if (!targetByCode.TryGetValue(entry.CrmCode, out var to))
                    Add(key, FindingSeverity.Error, targetSide, entry.CrmCode, $"target of \"{entry.BitrixCode}\" does not exist in {Name(targetSide)}");
                else if (!to.Active)
                    Add(key, FindingSeverity.Error, targetSide, entry.CrmCode, $"target of \"{entry.BitrixCode}\" is inactive in {Name(targetSide)}");
            }
        }

        void CancelFlags()
        {
            var key = MappingKind.CancelFromCrm.ToKey();
            var statuses = crm.Statuses.Select(s => s.Code).ToHashSet();
            foreach (var entry in mappings.Entries.Where(e => e.Kind == MappingKind.CancelFromCrm))
            {
                if (!statuses.Contains(entry.BitrixCode))
                    Add(key, FindingSeverity.Error, Crm, entry.BitrixCode, "does not exist in RetailCRM");
                if (entry.CrmCode is not (ReverseStatusMap.CancelFlag or "N"))
                    Add(key, FindingSeverity.Error, Bitrix, entry.CrmCode, $"cancel flag of \"{entry.BitrixCode}\" must be Y or N");
            }
        }

        void Add(string kind, FindingSeverity severity, string side, string code, string problem) =>
            findings.Add(new ReferenceFinding(kind, severity, side, code, problem));
    }

    private static string Name(string side) => side == Bitrix ? "Bitrix" : "RetailCRM";

    private static string Describe(DictionaryItem item) => item.Name.Length > 0 ? $"\"{item.Name}\" " : "";
}

/// <summary>Reads both systems' dictionaries and the stored mappings, and checks them against each other.</summary>
public sealed class ReferenceValidator(BitrixReferenceReader bitrix, RetailCrmReferenceReader crm, MappingStore mappings)
{
    public async Task<ReferenceReport> ValidateAsync(CancellationToken ct)
    {
        var set = await mappings.ReadAsync(ct);
        var crmDictionaries = await crm.ReadAllAsync(ct);
        var bitrixDictionaries = await bitrix.ReadAllAsync(ct);
        return ReferenceCheck.Check(set, bitrixDictionaries, crmDictionaries);
    }
}
