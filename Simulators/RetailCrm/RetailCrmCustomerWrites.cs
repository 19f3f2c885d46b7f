namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>Successful writes of one customer externalId: customers/create and customers/upload create it, customers/{externalId}/edit edits it.</summary>
public sealed record RetailCrmCustomerWrites(int Creates, int Edits)
{
    public static RetailCrmCustomerWrites None { get; } = new(0, 0);

    public int Total => Creates + Edits;
}
