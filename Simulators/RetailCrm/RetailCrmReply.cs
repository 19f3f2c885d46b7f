using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.RetailCrm;

internal sealed record RetailCrmReply(int StatusCode, JsonObject Body)
{
    public static RetailCrmReply Ok(JsonObject body) => new(200, body);

    public static RetailCrmReply BadRequest(string message, JsonNode? errors = null) => new(400, RetailCrmFormat.Error(message, errors));

    public static RetailCrmReply InvalidParameters(string field, string message) =>
        BadRequest("Errors in the input parameters", new JsonObject { [field] = message });

    public static RetailCrmReply NotFound() => new(404, RetailCrmFormat.Error("Not found"));

    /// <summary>One page of a list method: its rows under <paramref name="key"/> and the pagination block.</summary>
    public static RetailCrmReply Page<T>(string key, IReadOnlyList<T> matching, int limit, int page, Func<T, JsonNode> render) =>
        Ok(RetailCrmFormat.Success(
            ("pagination", RetailCrmFormat.Pagination(limit, matching.Count, page)),
            (key, new JsonArray([.. matching.Skip((page - 1) * limit).Take(limit).Select(render)]))));
}
