using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BitrixRetailCrm.Simulators.Common;
using Microsoft.AspNetCore.WebUtilities;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>
/// batch: cmd = {key: "method?query"}, at most 50 run (the rest fail with ERROR_BATCH_LENGTH_EXCEEDED), halt=1 stops at the
/// first error, $result[key][field] refers to earlier results. Always HTTP 200; empty members are [] (PHP empty arrays).
/// </summary>
internal sealed partial class BitrixBatch(BitrixMethods methods)
{
    private const int MaxCommands = 50;

    public BitrixOutcome Run(JsonObject parameters)
    {
        if (parameters["cmd"] is not JsonObject commands)
            return BitrixOutcome.MissingParameter("cmd");
        bool halt = JsonValues.IsTruthy(parameters["halt"]);
        JsonObject results = [], errors = [], totals = [], nexts = [], times = [];
        int index = 0;
        foreach ((string key, JsonNode? command) in commands)
        {
            if (index++ >= MaxCommands)
            {
                errors[key] = BitrixFormat.Error("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
                continue;
            }
            DateTimeOffset started = ShopClock.Now();
            BitrixOutcome outcome = Execute(JsonValues.AsString(command) ?? "", results);
            times[key] = BitrixFormat.Time(started, ShopClock.Now());
            if (outcome.Failed)
            {
                errors[key] = outcome.ErrorBody();
                if (halt)
                    break;
                continue;
            }
            results[key] = outcome.Result?.DeepClone();
            if (outcome.Total is { } total)
                totals[key] = total;
            if (outcome.Next is { } next)
                nexts[key] = next;
        }
        return BitrixOutcome.Ok(new JsonObject
        {
            ["result"] = ArrayWhenEmpty(results),
            ["result_error"] = ArrayWhenEmpty(errors),
            ["result_total"] = ArrayWhenEmpty(totals),
            ["result_next"] = ArrayWhenEmpty(nexts),
            ["result_time"] = ArrayWhenEmpty(times),
        });
    }

    private BitrixOutcome Execute(string command, JsonObject earlier)
    {
        string resolved = ResultReference().Replace(command, match => Uri.EscapeDataString(Lookup(earlier, match.Value) ?? ""));
        int question = resolved.IndexOf('?', StringComparison.Ordinal);
        string method = BitrixFormat.MethodName(question < 0 ? resolved : resolved[..question]);
        if (method == "batch")
            return BitrixOutcome.Fail(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage");
        if (!methods.Exists(method))
            return BitrixOutcome.Fail(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        JsonObject parameters = BracketParameters.Parse(QueryHelpers.ParseQuery(question < 0 ? "" : resolved[question..])
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))));
        return methods.Invoke(method, parameters);
    }

    /// <summary>$result[key][a][b] → the value at that path of an earlier command's result.</summary>
    private static string? Lookup(JsonObject earlier, string reference)
    {
        JsonNode? node = earlier;
        foreach (Match segment in Segment().Matches(reference))
        {
            string name = segment.Groups[1].Value;
            node = node switch
            {
                JsonObject obj => obj[name],
                JsonArray array when int.TryParse(name, out int i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
        }
        return JsonValues.AsString(node);
    }

    private static JsonNode ArrayWhenEmpty(JsonObject members) => members.Count == 0 ? new JsonArray() : members;

    [GeneratedRegex(@"\$result(\[[^\]\[]*\])+")]
    private static partial Regex ResultReference();

    [GeneratedRegex(@"\[([^\]\[]*)\]")]
    private static partial Regex Segment();
}
