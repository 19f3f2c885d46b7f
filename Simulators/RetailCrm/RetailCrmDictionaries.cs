namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>An order status of reference/statuses; orders may only be put into active ones.</summary>
public sealed record RetailCrmStatus(string Code, string Name, string Group, bool Active = true, int Ordering = 990);

public sealed record RetailCrmDeliveryType(string Code, string Name, decimal DefaultCost = 0, bool Active = true);

public sealed record RetailCrmPaymentType(string Code, string Name, bool Active = true);

public sealed record RetailCrmPaymentStatus(string Code, string Name, bool PaymentComplete, bool Active = true, int Ordering = 990);

public sealed record RetailCrmOrderType(string Code, string Name, bool Active = true);

public sealed record RetailCrmStore(string Code, string Name, bool Active = true);

/// <summary>A custom field of custom-fields (entity "order" or "customer"); orders carry values as customFields.&lt;code&gt;.</summary>
public sealed record RetailCrmCustomField(string Code, string Name, string Type = "string", string Entity = "order");

public sealed record RetailCrmPriceType(string Code, string Name, bool Active = true, bool Default = false);
