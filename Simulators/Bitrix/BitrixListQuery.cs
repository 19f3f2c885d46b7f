using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// select / filter / order / start of the *.list methods. Filter keys carry an operator prefix
/// (=, !, !=, &gt;=, &gt;, &lt;=, &lt;, @, !@, %); pages are fixed at 50 rows; start=-1 skips the total count.
/// </summary>
internal sealed class BitrixListQuery
{
    public const int PageSize = 50;
    private static readonly string[] Operators = ["!@", "!=", ">=", "<=", "@", ">", "<", "=", "!", "%"];
    private readonly List<(string Field, string Operator, JsonNode? Value)> conditions = [];
    private readonly List<(string Field, bool Descending)> ordering = [];
    private readonly List<string> select = [];
    private readonly int start;

    public BitrixListQuery(JsonObject parameters, string defaultOrderField, string selectKey = "select", string filterKey = "filter", string orderKey = "order")
    {
        if (parameters[filterKey] is JsonObject filter)
        {
            foreach ((string key, JsonNode? value) in filter)
                conditions.Add(ParseCondition(key, value));
        }
        if (parameters[orderKey] is JsonObject order)
        {
            foreach ((string field, JsonNode? direction) in order)
                ordering.Add((field, string.Equals(JsonValues.AsString(direction), "desc", StringComparison.OrdinalIgnoreCase)));
        }
        if (ordering.Count == 0)
            ordering.Add((defaultOrderField, false));
        select.AddRange(Items(parameters[selectKey]).Where(f => f != "*"));
        start = JsonValues.AsInt(parameters["start"]) ?? 0;
    }

    public BitrixOutcome Run(IEnumerable<JsonObject> rows, string resultKey)
    {
        JsonObject[] matching = Sort(rows.Where(Matches)).ToArray();
        JsonArray page = [.. matching.Skip(Math.Max(start, 0)).Take(PageSize).Select(Project)];
        JsonObject result = new() { [resultKey] = page };
        if (start < 0)
            return BitrixOutcome.Ok(result);
        int? next = start + PageSize < matching.Length ? start + PageSize : null;
        return new BitrixOutcome(result, matching.Length, next);
    }

    /// <summary>
    /// For large tables kept in <paramref name="key"/> order: when the query asks for that order, only the rows a page
    /// needs are rendered (start=-1 stops after 50); any other order falls back to sorting everything, as Run does.
    /// </summary>
    public BitrixOutcome RunPresorted(string key, Func<IReadOnlyList<long>?, long?, IEnumerable<JsonObject>> candidates, string resultKey)
    {
        if (ordering.Count != 1 || ordering[0].Field != key || ordering[0].Descending)
            return Run(candidates(null, null), resultKey);
        IEnumerable<JsonObject> matching = candidates(ValuesIn(key), ExclusiveLowerBound(key)).Where(Matches);
        if (start < 0)
            return BitrixOutcome.Ok(new JsonObject { [resultKey] = new JsonArray([.. matching.Take(PageSize).Select(Project)]) });
        // Counted row by row: holding every rendered row just to learn the total would cost more than the page.
        JsonArray page = [];
        int total = 0;
        foreach (JsonObject row in matching)
        {
            if (total >= start && page.Count < PageSize)
                page.Add(Project(row));
            total++;
        }
        return new BitrixOutcome(new JsonObject { [resultKey] = page }, total, start + PageSize < total ? start + PageSize : null);
    }

    /// <summary>The ids of an "@key" condition, sorted; null when there is none.</summary>
    private IReadOnlyList<long>? ValuesIn(string key) =>
        conditions.Where(c => c.Field == key && c.Operator == "@").Select(c => Items(c.Value)).FirstOrDefault() is { } items
            ? [.. items.Select(i => long.TryParse(i, out long n) ? n : (long?)null).OfType<long>().Distinct().Order()]
            : null;

    /// <summary>The lower bound of a "&gt;key" or "&gt;=key" condition, as "key greater than"; null when there is none.</summary>
    private long? ExclusiveLowerBound(string key) =>
        conditions.Where(c => c.Field == key && c.Operator is ">" or ">=")
            .Select(c => JsonValues.AsDecimal(c.Value) is { } n ? (long)Math.Floor(n) - (c.Operator == ">=" ? 1 : 0) : (long?)null)
            .FirstOrDefault();

    /// <summary>For the UPPER_CASE methods that answer a bare array without paging.</summary>
    public JsonArray RunUnpaged(IEnumerable<JsonObject> rows) => [.. Sort(rows.Where(Matches)).Select(Project)];

    private bool Matches(JsonObject row) => conditions.All(c => Holds(row[c.Field], c.Operator, c.Value));

    private IEnumerable<JsonObject> Sort(IEnumerable<JsonObject> rows)
    {
        IOrderedEnumerable<JsonObject>? sorted = null;
        foreach ((string field, bool descending) in ordering)
        {
            Comparer<JsonObject> comparer = Comparer<JsonObject>.Create((a, b) => Compare(a[field], b[field]) ?? 0);
            sorted = sorted is null
                ? descending ? rows.OrderDescending(comparer) : rows.Order(comparer)
                : descending ? sorted.ThenByDescending(r => r, comparer) : sorted.ThenBy(r => r, comparer);
        }
        return sorted ?? rows;
    }

    private JsonObject Project(JsonObject row)
    {
        if (select.Count == 0)
            return row.DeepClone().AsObject();
        JsonObject projected = [];
        foreach (string field in select)
        {
            if (row.TryGetPropertyValue(field, out JsonNode? value))
                projected[field] = value?.DeepClone();
        }
        return projected;
    }

    private static (string, string, JsonNode?) ParseCondition(string key, JsonNode? value)
    {
        string op = Operators.FirstOrDefault(o => key.StartsWith(o, StringComparison.Ordinal)) ?? "=";
        return (key.StartsWith(op, StringComparison.Ordinal) ? key[op.Length..] : key, op, value);
    }

    private static bool Holds(JsonNode? field, string op, JsonNode? value) => op switch
    {
        "=" => Compare(field, value) == 0,
        "!" or "!=" => Compare(field, value) != 0,
        ">=" => Compare(field, value) >= 0,
        ">" => Compare(field, value) > 0,
        "<=" => Compare(field, value) <= 0,
        "<" => Compare(field, value) < 0,
        "@" => Items(value).Any(v => Compare(field, JsonValue.Create(v)) == 0),
        "!@" => !Items(value).Any(v => Compare(field, JsonValue.Create(v)) == 0),
        _ => JsonValues.AsString(field)?.Contains(JsonValues.AsString(value) ?? "", StringComparison.OrdinalIgnoreCase) == true,
    };

    /// <summary>Numbers compare as numbers (form values arrive as strings), dates as instants, the rest ordinally.</summary>
    private static int? Compare(JsonNode? left, JsonNode? right)
    {
        if (left is null || right is null)
            return left is null && right is null ? 0 : null;
        if (JsonValues.AsDecimal(left) is { } a && JsonValues.AsDecimal(right) is { } b)
            return a.CompareTo(b);
        string? leftText = JsonValues.AsString(left), rightText = JsonValues.AsString(right);
        if (BitrixFormat.TryParseDate(leftText, out DateTimeOffset leftDate) && BitrixFormat.TryParseDate(rightText, out DateTimeOffset rightDate))
            return leftDate.CompareTo(rightDate);
        return leftText is null || rightText is null ? null : string.CompareOrdinal(leftText, rightText);
    }

    private static IEnumerable<string> Items(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(JsonValues.AsString).OfType<string>(),
        JsonObject obj => obj.Select(p => JsonValues.AsString(p.Value)).OfType<string>(),
        _ => JsonValues.AsString(node) is { } single ? [single] : [],
    };
}
