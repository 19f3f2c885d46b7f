namespace BitrixRetailCrm.RetailCrm;

/// <summary>Request body of <c>customers/create</c> and <c>customers/{externalId}/edit</c>.</summary>
public sealed record CrmCustomer
{
    /// <summary>The Bitrix user id, the same key orders reference through <see cref="CrmCustomerRef"/>.</summary>
    public required string ExternalId { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Patronymic { get; init; }
    public string? Email { get; init; }
    public IReadOnlyList<CrmPhone> Phones { get; init; } = [];
    public CrmAddress? Address { get; init; }
}

public sealed record CrmPhone(string Number);
