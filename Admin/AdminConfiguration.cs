using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace BitrixRetailCrm.Admin;

/// <summary>
/// The runner's configuration sources, lowest precedence first: local.settings.json "Values" in the working
/// directory (__ for sections), environment variables (__ for sections), then --Key=value arguments.
/// </summary>
public static class AdminConfiguration
{
    public static IConfiguration Build(IEnumerable<KeyValuePair<string, string?>> arguments, IConfiguration? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(LocalSettingsValues(Directory.GetCurrentDirectory()))
            .AddEnvironmentVariables()
            .AddInMemoryCollection(arguments);
        if (overrides is not null) builder.AddConfiguration(overrides);
        return builder.Build();
    }

    private static Dictionary<string, string?> LocalSettingsValues(string directory)
    {
        var path = Path.Combine(directory, "local.settings.json");
        var values = new Dictionary<string, string?>();
        if (File.Exists(path) && JsonNode.Parse(File.ReadAllText(path))?["Values"] is JsonObject settings)
            foreach (var (key, value) in settings)
                values[key.Replace("__", ":")] = value?.ToString();
        return values;
    }
}
