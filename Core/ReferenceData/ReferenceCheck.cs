using System.Text;
using BitrixRetailCrm.Hooks;
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
            // Codes and problems come from both systems' dictionaries: escaped, so they cannot forge a row or drive a terminal.
            var rows = Findings.Select(f => new[] { f.Kind, f.Severity.ToString().ToLowerInvariant(), f.Side, f.Code, f.Problem }
                .Select(InboundValues.Escaped).ToArray()).ToList();
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
/// Per-site rows (<c>{siteId}:{code}</c>) are checked like plain ones, and their site against the configured sites.
/// Optional kinds (warehouse, orderType, orderProperty, priceType) with no rows are a shop not using them, not errors.
/// </summary>
public static class ReferenceCheck
{
    private const string Bitrix = "bitrix";
    private const string Crm = "retailcrm";
    private static readonly IReadOnlyList<DictionaryItem> PaidFlags = [new("Y", "paid"), new("N", "not paid")];

    /// <summary>How one kind is compared.</summary>
    /// <param name="NeedsNoRow">Source codes that work without a row (built-in property codes).</param>
    /// <param name="TargetCode">The target dictionary code a row's value names; null when it names none (order fields).</param>
    private sealed record KindRule(MappingKind Kind, string SourceSide, IReadOnlyList<DictionaryItem>? Source, string TargetSide,
        IReadOnlyList<DictionaryItem> Target)
    {
        public bool Optional { get; init; }
        public IReadOnlyCollection<string> PseudoCodes { get; init; } = [];
        public Func<string, bool> NeedsNoRow { get; init; } = _ => false;
        public Func<string, string?> TargetCode { get; init; } = code => code;
    }

    public static ReferenceReport Check(MappingSet mappings, BitrixDictionaries bitrix, RetailCrmDictionaries crm)
    {
        var findings = new List<ReferenceFinding>();
        var notes = new List<string>();
        var counts = Enum.GetValues<MappingKind>().ToDictionary(k => k.ToKey(), k => mappings.Entries.Count(e => e.Kind == k));
        var sites = bitrix.Sites?.Select(s => s.Code).ToList();

        KindRule[] rules =
        [
            new(MappingKind.Status, Bitrix, bitrix.OrderStatuses, Crm, crm.Statuses) { PseudoCodes = [OrderMapper.CanceledStatusCode] },
            new(MappingKind.Delivery, Bitrix, bitrix.Deliveries, Crm, crm.DeliveryTypes),
            new(MappingKind.Payment, Bitrix, bitrix.PaySystems, Crm, crm.PaymentTypes),
            new(MappingKind.PaymentStatus, Bitrix, PaidFlags, Crm, crm.PaymentStatuses),
            new(MappingKind.Site, Bitrix, bitrix.Sites, Crm, crm.Sites),
            new(MappingKind.StatusFromCrm, Crm, crm.Statuses, Bitrix, bitrix.OrderStatuses),
            new(MappingKind.Warehouse, Bitrix, bitrix.Stores, Crm, crm.Stores) { Optional = true },
            new(MappingKind.OrderType, Bitrix, bitrix.PersonTypes, Crm, crm.OrderTypes) { Optional = true },
            new(MappingKind.OrderProperty, Bitrix, bitrix.OrderProperties, Crm, crm.OrderCustomFields)
            {
                Optional = true,
                NeedsNoRow = OrderPropertyTargets.BuiltInCodes.Contains,
                TargetCode = OrderPropertyTargets.CustomFieldCode,
            },
            new(MappingKind.PriceType, Bitrix, bitrix.PriceTypes, Crm, crm.PriceTypes) { Optional = true },
        ];
        foreach (var rule in rules) Compare(rule);
        PropertyTargets();
        CancelFlags();
        if (bitrix.Sites is null)
            notes.Add("Bitrix sites are not configured (ReferenceData__BitrixSites), so only the RetailCRM side of \"site\" and no site of a per-site row was checked");
        return new ReferenceReport(counts, findings, notes);

        void Compare(KindRule rule)
        {
            var key = rule.Kind.ToKey();
            var entries = mappings.Entries.Where(e => e.Kind == rule.Kind).OrderBy(e => e.BitrixCode, StringComparer.Ordinal).ToList();
            if (rule.Optional && entries.Count == 0) return;
            var sourceByCode = rule.Source?.GroupBy(i => i.Code).ToDictionary(g => g.Key, g => g.First());
            var targetByCode = rule.Target.GroupBy(i => i.Code).ToDictionary(g => g.Key, g => g.First());
            if (rule.Source is not null)
                Unmapped(rule, entries.Select(e => e.BitrixCode).ToHashSet());
            foreach (var entry in entries)
            {
                var (site, code) = SplitSite(rule.Kind, entry.BitrixCode);
                if (site is not null && sites is not null && !sites.Contains(site))
                    Add(key, FindingSeverity.Error, Bitrix, entry.BitrixCode, $"per-site row for site \"{site}\", which is not a configured Bitrix site");
                if (sourceByCode is not null && !rule.PseudoCodes.Contains(code))
                {
                    if (!sourceByCode.TryGetValue(code, out var from))
                        Add(key, FindingSeverity.Error, rule.SourceSide, entry.BitrixCode, $"mapped to \"{entry.CrmCode}\" but does not exist in {Name(rule.SourceSide)}");
                    else if (!from.Active)
                        Add(key, FindingSeverity.Warning, rule.SourceSide, entry.BitrixCode, $"mapped to \"{entry.CrmCode}\" but is inactive in {Name(rule.SourceSide)}");
                }
                if (rule.TargetCode(entry.CrmCode) is not { } target) continue;
                if (!targetByCode.TryGetValue(target, out var to))
                    Add(key, FindingSeverity.Error, rule.TargetSide, entry.CrmCode, $"target of \"{entry.BitrixCode}\" does not exist in {Name(rule.TargetSide)}");
                else if (!to.Active)
                    Add(key, FindingSeverity.Error, rule.TargetSide, entry.CrmCode, $"target of \"{entry.BitrixCode}\" is inactive in {Name(rule.TargetSide)}");
            }
        }

        // An active source code is covered by a plain row; without one, by a per-site row for every configured site
        // (or for any site when the sites are unknown).
        void Unmapped(KindRule rule, HashSet<string> keys)
        {
            var key = rule.Kind.ToKey();
            foreach (var item in rule.Source!.Where(i => i.Active && !keys.Contains(i.Code) && !rule.NeedsNoRow(i.Code)))
            {
                var overridden = (sites ?? []).Where(s => keys.Contains(MappingSet.SiteKey(s, item.Code))).ToList();
                var anyOverride = keys.Any(k => SplitSite(rule.Kind, k) is ({ }, var code) && code == item.Code);
                if (!anyOverride)
                    Add(key, FindingSeverity.Error, rule.SourceSide, item.Code, $"{Describe(item)}is used in {Name(rule.SourceSide)} but has no mapping");
                else
                    foreach (var site in (sites ?? []).Except(overridden))
                        Add(key, FindingSeverity.Error, rule.SourceSide, MappingSet.SiteKey(site, item.Code),
                            $"{Describe(item)}has per-site rows but none for site \"{site}\" and no plain row");
            }
        }

        void PropertyTargets()
        {
            foreach (var entry in mappings.Entries.Where(e => e.Kind == MappingKind.OrderProperty && !OrderPropertyTargets.IsValid(e.CrmCode)))
                Add(MappingKind.OrderProperty.ToKey(), FindingSeverity.Error, Crm, entry.CrmCode,
                    $"target of \"{entry.BitrixCode}\" is neither an order field ({string.Join(", ", OrderPropertyTargets.OrderFields)}), {OrderPropertyTargets.CustomFieldPrefix}<code> nor \"{OrderPropertyTargets.Skip}\"");
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

    /// <summary>
    /// A row key's site and code: <c>s2:3</c> is site s2, code 3. Site rows are keyed by the site itself and the reverse
    /// kinds by RetailCRM codes, so neither has per-site rows.
    /// </summary>
    private static (string? Site, string Code) SplitSite(MappingKind kind, string rowKey) =>
        kind is not (MappingKind.Site or MappingKind.StatusFromCrm or MappingKind.CancelFromCrm)
        && rowKey.Split(':', 2) is [{ Length: > 0 } site, { Length: > 0 } code]
            ? (site, code)
            : (null, rowKey);

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
