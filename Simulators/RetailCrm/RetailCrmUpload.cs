using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// orders/upload and customers/upload: at most 50 entities, each created on its own; any failure turns the answer into
/// HTTP 460 that still lists what was created and names the failed externalIds, its errors in either shape
/// (<see cref="RetailCrmUploadErrorShape"/>).
/// </summary>
/// <param name="UploadedIdOnlyInObjectShape">
/// True for customers: retailcrm/api-client-go TestClient_CustomersUpload_Fail answers uploadedCustomers [{"id":132}].
/// </param>
internal sealed record RetailCrmUpload(string Field, string Noun, string UploadedKey, string FailedKey, string PartialFailureMessage,
    bool UploadedIdOnlyInObjectShape)
{
    private const int MaxBatch = 50;

    public static readonly RetailCrmUpload Orders = new("orders", "Order", "uploadedOrders", "failedOrders", "Orders are loaded with errors",
        UploadedIdOnlyInObjectShape: false);

    public static readonly RetailCrmUpload Customers = new("customers", "Customer", "uploadedCustomers", "failedCustomers",
        "Customers are loaded with errors", UploadedIdOnlyInObjectShape: true);

    public RetailCrmReply Run(RetailCrmCall call, RetailCrmUploadErrorShapes shapes, Func<JsonObject, string, RetailCrmWriteResult> create,
        Func<JsonObject, JsonObject>? renderCreated)
    {
        if (!call.TryReadEntity(Field, out JsonArray batch, out RetailCrmReply? refusal)
            || !call.TryResolveSite(null, required: true, out string? site, out refusal))
            return refusal!;
        if (batch.Count > MaxBatch)
            return RetailCrmReply.InvalidParameters(Field, $"This collection should contain {MaxBatch} elements or less.");

        List<(JsonNode? Id, string? ExternalId)> uploaded = [];
        List<(string? ExternalId, RetailCrmWriteResult Result)> failures = [];
        JsonArray created = [];
        foreach (JsonNode? node in batch)
        {
            RetailCrmWriteResult result = node is JsonObject entity
                ? create(entity, site!)
                : RetailCrmWriteResult.Refused(RetailCrmWriteFailure.Invalid, new Dictionary<string, string> { [Field] = "This value should be of type object." });
            string? externalId = JsonValues.AsString(node?["externalId"]);
            if (result.Entity is not { } stored)
            {
                failures.Add((externalId, result));
                continue;
            }
            uploaded.Add((stored["id"]?.DeepClone(), externalId));
            if (renderCreated is not null)
                created.Add(renderCreated(stored));
        }

        if (failures.Count == 0)
        {
            JsonObject success = RetailCrmFormat.Success((UploadedKey, Uploaded(uploaded, withExternalIds: true)));
            if (renderCreated is not null)
                success[Field] = created;
            return RetailCrmReply.Ok(success);
        }
        bool asObject = shapes.Next() == RetailCrmUploadErrorShape.Object;
        JsonObject partial = RetailCrmFormat.Error(PartialFailureMessage, asObject ? ErrorsByField(failures) : ErrorList(failures));
        partial[UploadedKey] = Uploaded(uploaded, withExternalIds: !(asObject && UploadedIdOnlyInObjectShape));
        partial[FailedKey] = new JsonArray([.. failures.Select(f => new JsonObject { ["externalId"] = f.ExternalId })]);
        return new RetailCrmReply(460, partial);
    }

    private static JsonArray Uploaded(List<(JsonNode? Id, string? ExternalId)> uploaded, bool withExternalIds) =>
        [.. uploaded.Select(u => withExternalIds
            ? new JsonObject { ["id"] = u.Id?.DeepClone(), ["externalId"] = u.ExternalId }
            : new JsonObject { ["id"] = u.Id?.DeepClone() })];

    private JsonArray ErrorList(List<(string? ExternalId, RetailCrmWriteResult Result)> failures) =>
        [.. failures.SelectMany(f => Messages(f.ExternalId, f.Result).Select(m => m.Field is null ? m.Text : $"{m.Field}: {m.Text}"))];

    private JsonObject ErrorsByField(List<(string? ExternalId, RetailCrmWriteResult Result)> failures)
    {
        JsonObject errors = [];
        foreach ((string? field, string text) in failures.SelectMany(f => Messages(f.ExternalId, f.Result)))
            errors[field ?? "externalId"] = text;
        return errors;
    }

    /// <summary>An "already exists" failure is a message of its own (no field); validation errors are keyed by their path.</summary>
    private IEnumerable<(string? Field, string Text)> Messages(string? externalId, RetailCrmWriteResult result) =>
        result.Failure == RetailCrmWriteFailure.AlreadyExists
            ? [(null, $"{Noun} with externalId={externalId} already exists.")]
            : result.Errors!.Select(e => ((string?)e.Key, e.Value));
}
