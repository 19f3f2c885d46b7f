using System.Text.Json;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Storage;

namespace BitrixRetailCrm.Sync;

/// <summary>Decides whether a failed push can succeed by retrying, and names the reason for the dead-letter record.</summary>
public static class FailureClassifier
{
    public sealed record Failure(string ReasonCode, bool Permanent, string? LastResponse);

    public static Failure Classify(Exception ex) => ex switch
    {
        UnmappedCodeException unmapped => new($"unmapped-{unmapped.Kind.ToKey()}", true, null),
        BitrixOrderNotFoundException notFound => new("bitrix-order-not-found", true, notFound.ResponseBody),
        BitrixPayloadException => new("bitrix-payload-invalid", true, null),
        StatusSync.MalformedHistoryEntryException entry => new("history-entry-invalid", true, entry.EntryJson),
        JsonException => new("malformed-message", true, null),
        ExternalCallException { IsTransient: false } call => new($"{call.Service.ToLowerInvariant()}-rejected", true, call.ResponseBody),
        ExternalCallException call => new($"{call.Service.ToLowerInvariant()}-unavailable", false, call.ResponseBody),
        OrderBusyException => new("order-busy", false, null),
        PushDeadlineExceededException => new("push-deadline", false, null),
        _ => new("unexpected-error", false, null),
    };
}
