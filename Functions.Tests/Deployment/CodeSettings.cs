using System.Reflection;
using BitrixRetailCrm.Configuration;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>
/// The app settings the deployed code reads, found by reflection so that a new option cannot be forgotten in the
/// template: every class of Core or Functions with a <c>public const string Section</c> (keys Section__Property, nested
/// classes Section__Property__Inner), and the classes of BitrixRetailCrm.Configuration named *Options without one,
/// which are bound at the root (e.g. OrdersQueueName, resolved by trigger attributes as %OrdersQueueName%).
/// </summary>
internal static class CodeSettings
{
    public sealed record Setting(string Name, bool Secret, Type Owner);

    /// <summary>Properties whose names look like secrets but are not (the reason is the value).</summary>
    public static readonly IReadOnlyDictionary<string, string> NotSecrets = new Dictionary<string, string>
    {
        ["RetailCrmWebhook__Secret"] = "the name of the form field that carries the secret; the secret is RetailCrm__WebhookSecret",
    };

    private static readonly string[] SecretSuffixes = ["Key", "Secret", "Token", "Password", "WebhookUrl", "ConnectionString"];

    public static IReadOnlyList<Assembly> DeployedAssemblies =>
        [typeof(BitrixOptions).Assembly, Assembly.Load("BitrixRetailCrm.Functions")];

    public static IReadOnlyList<Setting> Discover()
    {
        var settings = new List<Setting>();
        foreach (var type in DeployedAssemblies.SelectMany(a => a.GetTypes()))
        {
            if (!type.IsClass || type.IsAbstract || type.IsGenericTypeDefinition || type.IsNested) continue;
            if (type.Namespace?.StartsWith("BitrixRetailCrm", StringComparison.Ordinal) != true) continue;
            var section = SectionOf(type);
            var rootBound = section is null && type.Namespace == typeof(BitrixOptions).Namespace && type.Name.EndsWith("Options", StringComparison.Ordinal);
            if (section is null && !rootBound) continue;
            Walk(type, section, type, settings, depth: 0);
        }
        return settings.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    public static string? SectionOf(Type type) =>
        type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
            ? (string?)field.GetRawConstantValue()
            : null;

    private static void Walk(Type type, string? prefix, Type owner, List<Setting> into, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0) continue;
            var name = prefix is null ? property.Name : $"{prefix}__{property.Name}";
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsScalar(valueType))
                into.Add(new Setting(name, IsSecret(name, property), owner));
            else if (valueType.IsClass && !typeof(System.Collections.IEnumerable).IsAssignableFrom(valueType) && depth < 4)
                Walk(valueType, name, owner, into, depth + 1);
            // Collections and dictionaries have no fixed key names; none exist today.
        }
    }

    private static bool IsScalar(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
        || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(Guid) || t == typeof(Uri);

    private static bool IsSecret(string name, PropertyInfo property) =>
        !NotSecrets.ContainsKey(name)
        && (SecretSuffixes.Any(s => property.Name.EndsWith(s, StringComparison.Ordinal))
            || property.GetCustomAttributes<System.ComponentModel.DataAnnotations.DataTypeAttribute>()
                .Any(a => a.DataType == System.ComponentModel.DataAnnotations.DataType.Password));
}
