using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

internal static class BitrixFormat
{
    /// <summary>
    /// The default encoder escapes non-ASCII and " &amp; &lt; &gt; ' as \uXXXX, which is what Bitrix's Json::encode
    /// (JSON_HEX_* flags, no JSON_UNESCAPED_UNICODE) produces; clients must cope with it.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new();

    private static readonly string[] AcceptedDateFormats = ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd", "dd.MM.yyyy HH:mm:ss", "dd.MM.yyyy"];

    public static string Date(DateTimeOffset moment) =>
        moment.ToOffset(ShopClock.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Dates with an offset keep it; dates without one are read in the store's (Moscow) time.</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset moment)
    {
        moment = default;
        if (text is null || !DateTime.TryParseExact(text, AcceptedDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime parsed))
            return false;
        moment = text.Length > 19 && (text[19] is '+' or '-' or 'Z')
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture)
            : new DateTimeOffset(parsed, ShopClock.Offset);
        return true;
    }

    /// <summary>The "time" block of every answer.</summary>
    public static JsonObject Time(DateTimeOffset start, DateTimeOffset finish)
    {
        double duration = (finish - start).TotalSeconds;
        return new JsonObject
        {
            ["start"] = start.ToUnixTimeMilliseconds() / 1000.0,
            ["finish"] = finish.ToUnixTimeMilliseconds() / 1000.0,
            ["duration"] = duration,
            ["processing"] = duration,
            ["date_start"] = Date(start),
            ["date_finish"] = Date(finish),
        };
    }

    public static JsonObject Error(JsonNode code, string description) => new() { ["error"] = code, ["error_description"] = description };

    public static JsonObject FaultBody(int statusCode) => statusCode switch
    {
        503 => Error("QUERY_LIMIT_EXCEEDED", "Too many requests"),
        429 => Error("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."),
        401 => Error("NO_AUTH_FOUND", "Wrong authorization data"),
        _ => Error("INTERNAL_SERVER_ERROR", "Internal server error"),
    };

    /// <summary>Bitrix method names are case-insensitive and may carry a format suffix.</summary>
    public static string MethodName(string raw) =>
        (raw.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? raw[..^5] : raw).ToLowerInvariant();
}
