namespace BitrixRetailCrm.Http;

/// <summary>
/// A failed call to Bitrix or RetailCRM. Messages carry the method and the remote answer but never the URL: the Bitrix
/// webhook URL contains its secret.
/// </summary>
public class ExternalCallException(string service, string operation, string message, int? statusCode = null,
    string? responseBody = null, Exception? inner = null)
    : Exception($"{service} {operation}: {message}", inner)
{
    public string Service { get; } = service;
    public string Operation { get; } = operation;
    public int? StatusCode { get; } = statusCode;
    public string? ResponseBody { get; } = Truncate(responseBody);

    /// <summary>True when retrying later can succeed (rate limits, outages, timeouts).</summary>
    public bool IsTransient => StatusCode is null or 408 or 429 or >= 500;

    private static string? Truncate(string? body) => body is { Length: > 2000 } ? body[..2000] + "…" : body;
}
