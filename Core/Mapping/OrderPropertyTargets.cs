namespace BitrixRetailCrm.Mapping;

/// <summary>
/// Where an <see cref="MappingKind.OrderProperty"/> row may send a Bitrix order property: one of the order's contact or
/// comment fields, a RetailCRM custom field (<c>customFields.&lt;code&gt;</c>), or nowhere (<see cref="Skip"/>).
/// </summary>
public static class OrderPropertyTargets
{
    public const string CustomFieldPrefix = "customFields.";

    /// <summary>A property the shop keeps in Bitrix only; once the kind has rows every other property needs one.</summary>
    public const string Skip = "-";

    /// <summary>CrmOrder fields a property may fill; they win over the built-in property codes below.</summary>
    public static IReadOnlySet<string> OrderFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "firstName", "lastName", "patronymic", "email", "phone", "customerComment", "managerComment",
    };

    /// <summary>The codes the mapper reads by itself (contact data and address text); they need no row.</summary>
    public static IReadOnlySet<string> BuiltInCodes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "FIO", "NAME", "LAST_NAME", "SECOND_NAME", "EMAIL", "PHONE", "ZIP", "CITY", "ADDRESS",
    };

    /// <summary>The custom field code of a <c>customFields.&lt;code&gt;</c> target, or null for any other target.</summary>
    public static string? CustomFieldCode(string target) =>
        target.StartsWith(CustomFieldPrefix, StringComparison.Ordinal) && target.Length > CustomFieldPrefix.Length
            ? target[CustomFieldPrefix.Length..]
            : null;

    public static bool IsValid(string target) =>
        target == Skip || OrderFields.Contains(target) || CustomFieldCode(target) is not null;
}
