using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Simulators.RetailCrm;

internal enum RetailCrmWriteFailure { None, AlreadyExists, NotFound, Invalid }

/// <summary>What a create/edit did: the stored entity (a copy) or why it was refused.</summary>
internal sealed record RetailCrmWriteResult(JsonObject? Entity, RetailCrmWriteFailure Failure, IReadOnlyDictionary<string, string>? Errors = null)
{
    public static RetailCrmWriteResult Written(JsonObject entity) => new(entity, RetailCrmWriteFailure.None);

    public static RetailCrmWriteResult Refused(RetailCrmWriteFailure failure, IReadOnlyDictionary<string, string>? errors = null) =>
        new(null, failure, errors);
}
