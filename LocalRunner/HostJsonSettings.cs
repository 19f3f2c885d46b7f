using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration.Memory;

namespace BitrixRetailCrm.LocalRunner;

/// <summary>Copies host.json extensions:queues to AzureWebJobs:extensions:queues, where the WebJobs SDK reads them.</summary>
public static class HostJsonSettings
{
    public static MemoryConfigurationSource Source(string hostJsonPath)
    {
        var values = new Dictionary<string, string?>();
        if (File.Exists(hostJsonPath) && JsonNode.Parse(File.ReadAllText(hostJsonPath))?["extensions"]?["queues"] is JsonObject queues)
            foreach (var (key, value) in queues)
                values[$"AzureWebJobs:extensions:queues:{key}"] = value?.ToString();
        return new MemoryConfigurationSource { InitialData = values };
    }
}

/// <summary>Reads the Functions-style local.settings.json ("Values", with __ for sections) so both hosts share one file.</summary>
public static class LocalSettings
{
    public static MemoryConfigurationSource Source(string directory)
    {
        var path = Path.Combine(directory, "local.settings.json");
        var values = new Dictionary<string, string?>();
        if (File.Exists(path) && JsonNode.Parse(File.ReadAllText(path))?["Values"] is JsonObject settings)
            foreach (var (key, value) in settings)
                values[key.Replace("__", ":")] = value?.ToString();
        return new MemoryConfigurationSource { InitialData = values };
    }
}
