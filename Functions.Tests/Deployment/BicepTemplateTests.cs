using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>infra/ builds and lints clean with the Bicep CLI from NuGet, and deploys what the app needs.</summary>
[TestFixture]
public sealed class BicepTemplateTests
{
    private Templates.Compiled _compiled = null!;

    [OneTimeSetUp]
    public async Task CompileAsync() => _compiled = await Templates.CompiledAsync();

    [Test]
    public void Every_template_builds_without_any_diagnostic()
    {
        Assert.That(_compiled.Build.ExitCode, Is.Zero, _compiled.Build.ToString());
        Assert.That(_compiled.Build.Output, Is.Empty, "warnings are not allowed");
        Assert.That(_compiled.Json.Keys, Is.EquivalentTo(Templates.Sources()));
        TestContext.Out.WriteLine($"bicep {BicepCli.Version} build of {_compiled.Json.Count} templates: {_compiled.Build.Elapsed.TotalSeconds:0.0} s");
    }

    [Test]
    public async Task Every_template_lints_without_any_diagnostic()
    {
        var lint = await Templates.LintAsync();
        Assert.That(lint.ExitCode, Is.Zero, lint.ToString());
        Assert.That(lint.Output, Is.Empty, "warnings are not allowed");
        TestContext.Out.WriteLine($"bicep lint: {lint.Elapsed.TotalSeconds:0.0} s");
    }

    [Test]
    public async Task The_parameters_file_lints_and_builds_against_main()
    {
        var linting = BicepCli.RunAsync("lint", Templates.ParametersFile);
        // --stdout: the result holds whatever secrets the environment has, so it is never written to disk.
        var building = BicepCli.RunAsync("build-params", Templates.ParametersFile, "--stdout");
        var (lint, build) = (await linting, await building);
        Assert.That(lint.ExitCode, Is.Zero, lint.ToString());
        Assert.That(lint.Output, Is.Empty);
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        var parameters = JsonNode.Parse(JsonNode.Parse(build.Output)!["parametersJson"]!.GetValue<string>())!["parameters"]!.AsObject();
        var required = _compiled["main.bicep"]["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        Assert.That(parameters.Select(p => p.Key), Is.SupersetOf(required));
    }

    [Test]
    public void Bicepconfig_makes_every_configured_rule_an_error_or_turns_it_off()
    {
        var rules = JsonNode.Parse(Repo.Read("infra/bicepconfig.json"))!["analyzers"]!["core"]!["rules"]!.AsObject();
        Assert.That(rules.Select(r => (string?)r.Value!["level"]), Is.All.AnyOf("error", "off"));
        Assert.That(rules.Where(r => (string?)r.Value!["level"] == "error").Select(r => r.Key),
            Is.SupersetOf(new[] { "no-unused-params", "secure-secrets-in-params", "outputs-should-not-contain-secrets", "no-hardcoded-env-urls" }));
    }

    [Test]
    public void The_identity_has_exactly_the_five_roles_it_needs()
    {
        var expected = new[]
        {
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
        };
        var withAssignments = _compiled.Json.Where(t => Templates.ResourcesOfType(t.Value, "Microsoft.Authorization/roleAssignments").Any())
            .Select(t => t.Key).ToList();
        Assert.That(withAssignments, Is.EqualTo(new[] { "modules/roles.bicep" }), "role assignments live in one module");
        var roles = _compiled["modules/roles.bicep"];
        var guids = Regex.Matches(roles.ToJsonString(), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
            .Select(m => m.Value).Distinct().ToList();
        Assert.That(guids, Is.EquivalentTo(expected));
        var assignments = Templates.ResourcesOfType(roles, "Microsoft.Authorization/roleAssignments").ToList();
        var count = assignments.Sum(a => a["copy"] is null ? 1 : 3);
        Assert.That(count, Is.EqualTo(5));
        Assert.That(assignments.Select(a => (string?)a["properties"]!["principalType"]), Is.All.EqualTo("ServicePrincipal"));
    }

    [Test]
    public void The_storage_account_refuses_shared_keys_and_holds_the_containers()
    {
        var storage = _compiled["modules/storage.bicep"];
        var account = Templates.ResourcesOfType(storage, "Microsoft.Storage/storageAccounts").Single();
        Assert.That(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>(), Is.False);
        Assert.That(account["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>(), Is.False);
        foreach (var type in new[] { "queueServices/queues", "tableServices/tables", "blobServices/containers" })
            Assert.That(Templates.ResourcesOfType(storage, $"Microsoft.Storage/storageAccounts/{type}"), Is.Not.Empty, type);
        var main = _compiled["main.bicep"].ToJsonString();
        Assert.That(main, Does.Contain("'catalog'").Or.Contain("\"catalog\""));
    }

    [Test]
    public void The_function_app_is_flex_consumption_dotnet_isolated_10_deploying_with_the_identity()
    {
        var app = _compiled["modules/functionapp.bicep"];
        var plan = Templates.ResourcesOfType(app, "Microsoft.Web/serverfarms").Single();
        Assert.That((string?)plan["sku"]!["name"], Is.EqualTo("FC1"));
        Assert.That((string?)plan["sku"]!["tier"], Is.EqualTo("FlexConsumption"));
        var site = Templates.ResourcesOfType(app, "Microsoft.Web/sites").Single();
        var config = site["properties"]!["functionAppConfig"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)site["kind"], Is.EqualTo("functionapp,linux"));
            Assert.That((string?)config["runtime"]!["name"], Is.EqualTo("dotnet-isolated"));
            Assert.That((string?)config["runtime"]!["version"], Is.EqualTo("10.0"));
            Assert.That((string?)config["deployment"]!["storage"]!["type"], Is.EqualTo("blobContainer"));
            Assert.That((string?)config["deployment"]!["storage"]!["authentication"]!["type"], Is.EqualTo("UserAssignedIdentity"));
            Assert.That(config["scaleAndConcurrency"]!["maximumInstanceCount"], Is.Not.Null);
            Assert.That(config["scaleAndConcurrency"]!["instanceMemoryMB"], Is.Not.Null);
            Assert.That(site["properties"]!["keyVaultReferenceIdentity"], Is.Not.Null);
        });
    }

    [Test]
    public void Monitoring_and_key_vault_use_Entra_ID_only()
    {
        var ai = Templates.ResourcesOfType(_compiled["modules/monitoring.bicep"], "Microsoft.Insights/components").Single();
        Assert.That(ai["properties"]!["DisableLocalAuth"]!.GetValue<bool>(), Is.True);
        Assert.That(ai["properties"]!["WorkspaceResourceId"], Is.Not.Null);
        var vault = Templates.ResourcesOfType(_compiled["modules/keyvault.bicep"], "Microsoft.KeyVault/vaults").Single();
        Assert.That(vault["properties"]!["enableRbacAuthorization"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Alerts_watch_dead_letters_poison_messages_and_a_stalled_queue()
    {
        var alerts = _compiled["modules/alerts.bicep"];
        var queries = Templates.ResourcesOfType(alerts, "Microsoft.Insights/scheduledQueryRules")
            .Select(r => r["properties"]!["criteria"]!["allOf"]![0]!["query"]!.ToJsonString()).ToList();
        Assert.That(queries, Has.Some.Contains("dead-lettered").And.Some.Contains("-poison"));
        Assert.That(queries, Has.Some.Contains("queued orders"), "hooks queued but no push");
        var backlog = Templates.ResourcesOfType(alerts, "Microsoft.Insights/metricAlerts").Single();
        Assert.That(backlog["properties"]!["criteria"]!["allOf"]![0]!["metricName"]!.GetValue<string>(), Is.EqualTo("QueueMessageCount"));
        // The log queries match what the code logs.
        var logCalls = string.Join('\n', Directory.EnumerateFiles(Repo.PathOf("Core"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText));
        Assert.That(logCalls, Does.Match(@"Log\w+\(""[^""]*dead-lettered"), "a log message containing \"dead-lettered\"");
        Assert.That(logCalls, Does.Match(@"Log\w+\(""[^""]*queued orders"), "a log message containing \"queued orders\"");
    }

    [Test]
    public void The_hook_urls_it_outputs_are_routes_of_the_function_app()
    {
        var outputs = _compiled["main.bicep"]["outputs"]!.AsObject();
        var routes = Assembly.Load("BitrixRetailCrm.Functions").GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()?.Route)
            .Where(r => r is not null)
            .Select(r => "/api/" + r)
            .ToHashSet();
        foreach (var name in new[] { "bitrixHookUrl", "retailCrmHookUrl" })
        {
            var value = (string?)outputs[name]?["value"];
            Assert.That(value, Is.Not.Null, $"output {name}");
            var path = Regex.Match(value!, @"\}(/api/[^']+)'").Groups[1].Value;
            Assert.That(routes, Does.Contain(path), $"output {name} = {value}");
        }
        Assert.That(outputs.Select(o => o.Key), Has.None.Contains("Key").And.None.Contains("Secret"));
    }
}
