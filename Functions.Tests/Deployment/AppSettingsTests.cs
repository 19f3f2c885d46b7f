using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>The settings the code reads against the settings infra/main.bicep gives the Function App.</summary>
[TestFixture]
public sealed class AppSettingsTests
{
    // Read by the Functions host, the Application Insights integration and the .NET runtime, not by our options classes.
    private static readonly string[] PlatformSettings =
    [
        "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "DOTNET_GCgen0size", // read by the .NET runtime (README, Benchmarks)
    ];

    private Templates.Compiled _compiled = null!;
    private IReadOnlyDictionary<string, string> _settings = null!;
    private IReadOnlyList<CodeSettings.Setting> _code = null!;

    [OneTimeSetUp]
    public async Task CompileAsync()
    {
        _compiled = await Templates.CompiledAsync();
        Assert.That(_compiled.Build.ExitCode, Is.Zero, _compiled.Build.ToString());
        _settings = Templates.AppSettings(_compiled);
        _code = CodeSettings.Discover();
    }

    [Test]
    public void Discovery_finds_the_known_settings_so_the_reflection_is_not_vacuous()
    {
        var names = _code.Select(s => s.Name).ToList();
        Assert.That(names, Is.SupersetOf(new[]
        {
            "OrdersQueueName", "Bitrix__WebhookUrl", "Bitrix__ApplicationToken", "RetailCrm__Url", "RetailCrm__ApiKey",
            "Sync__MappingTable", "RetailCrmWebhook__ExternalId",
        }));
        Assert.That(_code.Where(s => s.Secret).Select(s => s.Name),
            Is.SupersetOf(new[] { "Bitrix__WebhookUrl", "Bitrix__ApplicationToken", "RetailCrm__ApiKey" }));
    }

    [Test]
    public void Every_setting_the_code_reads_is_set_by_the_template()
    {
        var missing = _code.Where(s => !_settings.ContainsKey(s.Name)).Select(s => $"{s.Name} ({s.Owner.Name})").ToList();
        Assert.That(missing, Is.Empty, "add these to the appSettings resource in infra/main.bicep");
    }

    [Test]
    public void The_template_sets_no_setting_the_code_does_not_read()
    {
        var known = _code.Select(s => s.Name).Concat(PlatformSettings).ToHashSet(StringComparer.Ordinal);
        var unknown = _settings.Keys.Where(k => !known.Contains(k)).ToList();
        Assert.That(unknown, Is.Empty, "misspelt or stale settings in infra/main.bicep (names are case-sensitive on Linux)");
    }

    [Test]
    public void Every_secret_is_a_Key_Vault_reference_to_a_secret_of_the_vault_module()
    {
        var vaultOutputs = (_compiled["modules/keyvault.bicep"]["outputs"]?["secretUris"]?["value"] as JsonObject)
            ?.Select(p => p.Key).ToHashSet() ?? [];
        var reference = new Regex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', reference\(resourceId\('Microsoft\.Resources/deployments', 'keyvault'\)[^)]*\)\.outputs\.secretUris\.value\.(\w+)\)\]$");
        Assert.Multiple(() =>
        {
            foreach (var secret in _code.Where(s => s.Secret))
            {
                if (!_settings.TryGetValue(secret.Name, out var value)) continue; // reported by the test above
                var match = reference.Match(value);
                Assert.That(match.Success, Is.True, $"{secret.Name} must be @Microsoft.KeyVault(SecretUri=...), is {value}");
                if (match.Success) Assert.That(vaultOutputs, Does.Contain(match.Groups[1].Value), $"{secret.Name}: no such vault secret");
            }
        });
    }

    [Test]
    public void Secrets_reach_the_template_only_as_secure_parameters()
    {
        var compiled = _compiled;
        foreach (var template in new[] { "main.bicep", "modules/keyvault.bicep" })
        {
            var parameters = compiled[template]["parameters"]!.AsObject();
            var secretLike = parameters.Where(p => Regex.IsMatch(p.Key, "(Key|Secret|Token|WebhookUrl|Password)$", RegexOptions.IgnoreCase)).ToList();
            Assert.That(secretLike, Is.Not.Empty, template);
            foreach (var (name, definition) in secretLike)
            {
                Assert.That((string?)definition!["type"], Is.EqualTo("securestring"), $"{template}: parameter {name}");
                Assert.That((string?)definition["defaultValue"] ?? "", Is.Empty, $"{template}: parameter {name} has a default");
            }
        }
        var secretSettings = _code.Where(s => s.Secret).Select(s => s.Name).ToHashSet();
        var plain = _settings.Where(s => !secretSettings.Contains(s.Key) && s.Value.Contains("parameters('", StringComparison.Ordinal))
            .Where(s => compiled["main.bicep"]["parameters"]![ParameterName(s.Value)]?["type"]?.GetValue<string>() == "securestring")
            .Select(s => s.Key).ToList();
        Assert.That(plain, Is.Empty, "settings that carry a secure parameter as a plain value");
    }

    [Test]
    public void Storage_is_identity_based_and_never_a_connection_string()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_settings.Keys, Has.None.EqualTo("AzureWebJobsStorage"),
                "a scalar AzureWebJobsStorage would shadow the AzureWebJobsStorage__* settings");
            Assert.That(_settings.GetValueOrDefault("AzureWebJobsStorage__credential"), Is.EqualTo("managedidentity"));
            Assert.That(_settings.GetValueOrDefault("AzureWebJobsStorage__clientId"), Does.Contain("outputs.clientId"));
            var byAccount = _settings.ContainsKey("AzureWebJobsStorage__accountName");
            var byUris = new[] { "queueServiceUri", "tableServiceUri", "blobServiceUri" }.All(s => _settings.ContainsKey($"AzureWebJobsStorage__{s}"));
            Assert.That(byAccount || byUris, Is.True, "AzureWebJobsStorage__accountName or the three service URIs");
            Assert.That(_settings.Values, Has.None.Contains("AccountKey=").And.None.Contains("listKeys"));
            Assert.That(_settings.GetValueOrDefault("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"), Does.Contain("Authorization=AAD"));
        });
    }

    [Test]
    public void Sync_MaxDequeueCount_equals_host_json_maxDequeueCount()
    {
        var host = JsonNode.Parse(Repo.Read("host.json"))!;
        var hostValue = host["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>();
        Assert.That(_settings.GetValueOrDefault("Sync__MaxDequeueCount"), Is.EqualTo(hostValue.ToString()),
            "on the last attempt the handler dead-letters before the host poisons");
    }

    private static string ParameterName(string expression) =>
        Regex.Match(expression, @"parameters\('(\w+)'\)").Groups[1].Value;
}
