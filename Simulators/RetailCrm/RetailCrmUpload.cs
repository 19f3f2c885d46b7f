using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// orders/upload and customers/upload: at most 50 entities, each created on its own; any failure turns the answer
/// into HTTP 460 that still lists what was created.
/// </summary>
internal sealed record RetailCrmUpload(string Field, string Noun, string UploadedKey, string FailedKey, string PartialFailureMessage)
{
    private const int MaxBatch = 50;

    public static readonly RetailCrmUpload Orders = new("orders", "Order", "uploadedOrders", "failedOrders", "Orders are loaded with errors");

    public static readonly RetailCrmUpload Customers = new("customers", "Customer", "uploadedCustomers", "failedCustomers", "Customers are loaded with errors");

    public RetailCrmReply Run(RetailCrmCall call, Func<JsonObject, string, RetailCrmWriteResult> create, Func<JsonObject, JsonObject>? renderCreated)
    {
        if (!call.TryReadEntity(Field, out JsonArray batch, out RetailCrmReply? refusal)
            || !call.TryResolveSite(null, required: true, out string? site, out refusal))
            return refusal!;
        if (batch.Count > MaxBatch)
            return RetailCrmReply.InvalidParameters(Field, $"This collection should contain {MaxBatch} elements or less.");

        JsonArray uploaded = [], failed = [], errors = [], created = [];
        foreach (JsonNode? node in batch)
        {
            RetailCrmWriteResult result = node is JsonObject entity
                ? create(entity, site!)
                : RetailCrmWriteResult.Refused(RetailCrmWriteFailure.Invalid, new Dictionary<string, string> { [Field] = "This value should be of type object." });
            string? externalId = JsonValues.AsString(node?["externalId"]);
            if (result.Entity is { } stored)
            {
                uploaded.Add(new JsonObject { ["id"] = stored["id"]?.DeepClone(), ["externalId"] = externalId });
                if (renderCreated is not null)
                    created.Add(renderCreated(stored));
                continue;
            }
            failed.Add(new JsonObject { ["externalId"] = externalId });
            foreach (string message in Messages(result, externalId))
                errors.Add(message);
        }

        if (failed.Count == 0)
        {
            JsonObject success = RetailCrmFormat.Success((UploadedKey, uploaded));
            if (renderCreated is not null)
                success[Field] = created;
            return RetailCrmReply.Ok(success);
        }
        JsonObject partial = RetailCrmFormat.Error(PartialFailureMessage, errors);
        partial[UploadedKey] = uploaded;
        partial[FailedKey] = failed;
        return new RetailCrmReply(460, partial);
    }

    private IEnumerable<string> Messages(RetailCrmWriteResult result, string? externalId) =>
        result.Failure == RetailCrmWriteFailure.AlreadyExists
            ? [$"{Noun} with externalId={externalId} already exists."]
            : result.Errors!.Select(e => $"{e.Key}: {e.Value}");
}
