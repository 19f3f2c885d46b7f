using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

internal static class RetailCrmFormat
{
    private const string DateTimePattern = "yyyy-MM-dd HH:mm:ss";

    /// <summary>RetailCRM answers with readable UTF-8, not \u escapes.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>"Y-m-d H:i:s" in the account's (Moscow) time, no offset.</summary>
    public static string DateTime(DateTimeOffset moment) =>
        moment.ToOffset(ShopClock.Offset).ToString(DateTimePattern, CultureInfo.InvariantCulture);

    public static bool TryParseDateTime(string? text, out DateTimeOffset moment)
    {
        bool parsed = System.DateTime.TryParseExact(text, DateTimePattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local);
        moment = parsed ? new DateTimeOffset(local, ShopClock.Offset) : default;
        return parsed;
    }

    /// <summary>get/edit/list answer payments as an object keyed by payment id (create/upload/history use an array).</summary>
    public static JsonObject WithPaymentsKeyedById(JsonObject order)
    {
        JsonObject view = order.DeepClone().AsObject();
        JsonObject keyed = [];
        if (view["payments"] is JsonArray payments)
        {
            foreach (JsonNode? payment in payments)
                keyed[JsonValues.AsString(payment?["id"]) ?? ""] = payment?.DeepClone();
        }
        view["payments"] = keyed;
        return view;
    }

    public static JsonObject Success(params (string Key, JsonNode? Value)[] members)
    {
        JsonObject body = new() { ["success"] = true };
        foreach ((string key, JsonNode? value) in members)
            body[key] = value;
        return body;
    }

    public static JsonObject Error(string message, JsonNode? errors = null)
    {
        JsonObject body = new() { ["success"] = false, ["errorMsg"] = message };
        if (errors is not null)
            body["errors"] = errors;
        return body;
    }

    public static JsonObject Pagination(int limit, int totalCount, int page) => new()
    {
        ["limit"] = limit,
        ["totalCount"] = totalCount,
        ["currentPage"] = page,
        ["totalPageCount"] = (totalCount + limit - 1) / limit,
    };

    public static JsonObject ErrorMap(IReadOnlyDictionary<string, string> errors)
    {
        JsonObject map = [];
        foreach ((string path, string message) in errors)
            map[path] = message;
        return map;
    }
}
