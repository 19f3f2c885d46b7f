using System.Globalization;
using System.Text.Json;
using BitrixRetailCrm.Http;

namespace BitrixRetailCrm.Bitrix;

/// <summary>
/// The answer of one <c>batch</c> call (bitrix-api.md §3.1, A.5), always HTTP 200:
/// <c>{"result":{"result":{key:…},"result_error":{key:{error,error_description}},"result_total":{key:N},"result_next":{key:start}}}</c>.
/// PHP serialises an empty member as <c>[]</c> rather than <c>{}</c>, so only an object member holds keys. Owns the
/// parsed document: the elements it hands out are valid until it is disposed.
/// </summary>
public sealed class BitrixBatchResponse : IDisposable
{
    private readonly JsonDocument _document;
    private readonly JsonElement _envelope;

    private BitrixBatchResponse(JsonDocument document, JsonElement envelope)
    {
        _document = document;
        _envelope = envelope;
    }

    /// <summary>Takes ownership of <paramref name="document"/>; a body that is no batch envelope fails the batch call.</summary>
    public static BitrixBatchResponse From(JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("error", out _)
            && root.TryGetProperty("result", out var envelope) && envelope.ValueKind == JsonValueKind.Object)
            return new BitrixBatchResponse(document, envelope);
        var body = root.GetRawText();
        document.Dispose();
        throw BitrixError.Failure("batch", 200, body);
    }

    /// <summary>What the command returned; null when it failed or did not run (halt=1 stops at the first failure).</summary>
    public JsonElement? Result(string key) => Member("result", key);

    /// <summary>The command's error object ({error, error_description}); null when it did not fail.</summary>
    public JsonElement? Error(string key) => Member("result_error", key);

    /// <summary>
    /// The failure of a halt=1 batch, where the first failing command stops the rest: naming that command (the first
    /// Bitrix reports) and keeping the body; null when every command ran.
    /// </summary>
    public ExternalCallException? HaltedBy(string method) =>
        _envelope.TryGetProperty("result_error", out var errors) && errors.ValueKind == JsonValueKind.Object
            && errors.EnumerateObject().FirstOrDefault() is { Value.ValueKind: JsonValueKind.Object } first
            && BitrixError.From(first.Value) is var error
            ? new ExternalCallException("Bitrix", method, $"batch command {first.Name}: {error.Code}: {error.Description}", 200, RawText)
            : null;

    /// <summary>The list command's row count (sent only when it was called with start ≥ 0).</summary>
    public int? Total(string key) => Count(Member("result_total", key));

    /// <summary>The list command's next start, when more rows follow.</summary>
    public int? Next(string key) => Count(Member("result_next", key));

    /// <summary>The whole body, for the response an error keeps.</summary>
    public string RawText => _document.RootElement.GetRawText();

    public void Dispose() => _document.Dispose();

    private JsonElement? Member(string member, string key) =>
        _envelope.TryGetProperty(member, out var m) && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static int? Count(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var count) => count,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) => count,
        _ => null,
    };
}
