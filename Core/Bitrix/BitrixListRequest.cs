using System.Globalization;
using System.Text;

namespace BitrixRetailCrm.Bitrix;

/// <summary>
/// One *.list query: its method, the key of the rows under result, the field it is paged by, and fixed parameters as
/// query-string pairs (PHP bracket keys: "filter[iblockId]", "select[]").
/// </summary>
public sealed record BitrixListRequest(string Method, string ResultKey, string KeyField, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    public static KeyValuePair<string, string> P(string key, object value) =>
        new(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    /// <summary>
    /// Page <paramref name="index"/> of a batch of chained pages, the cheap way (bitrix-api.md §2.2): in key order,
    /// continuing with filter[&gt;key] after <paramref name="last"/> (the first page) or after the previous page's last
    /// row ($result[p0][rows][49][id], resolved by Bitrix); start=-1 skips the COUNT(*) unless
    /// <paramref name="countTotal"/> asks the first page for the total.
    /// </summary>
    public string PageCommand(int index, string? last, bool countTotal)
    {
        var query = new StringBuilder(Command([]));
        query.Append('&').Append(Escape($"order[{KeyField}]")).Append("=asc");
        query.Append("&start=").Append(countTotal && index == 0 ? "0" : "-1");
        var after = index > 0 ? $"$result[p{index - 1}][{ResultKey}][{BitrixClient.ListPageSize - 1}][{KeyField}]"
            : last is null ? null : Escape(last);
        if (after is not null) query.Append('&').Append(Escape($"filter[>{KeyField}]")).Append('=').Append(after);
        return query.ToString();
    }

    /// <summary>The method with the fixed parameters and <paramref name="extra"/> ones, keys and values escaped.</summary>
    public string Command(IEnumerable<KeyValuePair<string, string>> extra) =>
        Method + "?" + string.Join('&', Parameters.Concat(extra).Select(p => $"{Escape(p.Key)}={Escape(p.Value)}"));

    // Keys too: PHP's parse_str splits at the first '=' (filter[>=dateUpdate]).
    private static string Escape(string text) => Uri.EscapeDataString(text);
}
