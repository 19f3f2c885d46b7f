using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>What one REST method produced: a result (lists add total/next) or an error with its HTTP status.</summary>
internal sealed record BitrixOutcome(JsonNode? Result, int? Total = null, int? Next = null, int StatusCode = 200, JsonNode? Error = null, string? ErrorDescription = null)
{
    public bool Failed => Error is not null;

    public static BitrixOutcome Ok(JsonNode result) => new(result);

    public static BitrixOutcome Fail(int statusCode, JsonNode code, string description) => new(null, StatusCode: statusCode, Error: code, ErrorDescription: description);

    public static BitrixOutcome MissingParameter(string name) => Fail(400, 100, $"Could not find value for parameter {{{name}}}");

    public static BitrixOutcome OrderNotFound() => Fail(400, 200540400001, "order does not exist");

    public JsonObject ErrorBody() => BitrixFormat.Error(Error!.DeepClone(), ErrorDescription ?? "");
}
