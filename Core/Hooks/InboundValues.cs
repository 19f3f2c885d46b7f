using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BitrixRetailCrm.Hooks;

/// <summary>
/// Checks for the ids and codes that callers send, before any of them reaches a URL, a table key, a queue message or a
/// log line, and a safe way to show a refused value back.
/// </summary>
public static partial class InboundValues
{
    private const int MaxShown = 64;

    /// <summary>A Bitrix order id: digits only, positive (the id of <c>sale.order.get</c>).</summary>
    public static bool IsOrderId(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <summary>
    /// A Bitrix site id (LID, e.g. "s1"): letters, digits, '_' and '-', at most 32 characters, where Bitrix itself
    /// allows two.
    /// </summary>
    public static bool IsSiteCode(string? text) => text is not null && SiteCode().IsMatch(text);

    /// <summary>
    /// The name of a dead-letter record: a Bitrix order id, <c>crm-{id}</c> or <c>history-{id}</c> — never anything
    /// that cannot be a table key.
    /// </summary>
    public static bool IsRecordKey(string? text) => text is not null && RecordKey().IsMatch(text);

    /// <summary>A refused value as it may be shown in a problem or a log: control characters escaped, cut at 64.</summary>
    public static string Shown(string? value) =>
        value is null ? "" : value.Length > MaxShown ? Escaped(value[..MaxShown]) + "…" : Escaped(value);

    /// <summary>
    /// Upstream text with every control character (line breaks and terminal escapes included) written as \uXXXX, so it
    /// can neither forge a line nor drive a terminal.
    /// </summary>
    public static string Escaped(string value)
    {
        if (!value.Any(char.IsControl)) return value;
        var shown = new StringBuilder(value.Length + 16);
        foreach (var c in value)
            shown.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return shown.ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex SiteCode();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RecordKey();
}
