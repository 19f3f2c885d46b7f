using System.Text.RegularExpressions;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>azure-pipelines.yml parses, and the files, projects, scripts and artifacts it names exist.</summary>
[TestFixture]
public sealed class PipelineTests
{
    private const string PipelineFile = "azure-pipelines.yml";

    // Folders the pipeline reads that the build creates (scripts/test.sh writes --results-directory TestResults).
    private static readonly string[] GeneratedRoots = ["TestResults"];

    // Tasks and the major versions this pipeline is written for.
    private static readonly string[] KnownTasks =
    [
        "UseDotNet@2", "UseNode@1", "DotNetCoreCLI@2", "PublishTestResults@2", "PublishCodeCoverageResults@2",
        "ArchiveFiles@2", "AzureCLI@2", "AzureFunctionApp@2",
    ];

    private YamlMappingNode _root = null!;

    [OneTimeSetUp]
    public void Parse()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(Repo.Read(PipelineFile));
        yaml.Load(reader);
        _root = (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    [Test]
    public void Stages_build_check_package_then_deploy_staging_before_production()
    {
        var stages = Stages().ToDictionary(s => Scalar(s, "stage")!);
        Assert.That(stages.Keys, Is.EqualTo(new[] { "Build", "Bicep", "Package", "Staging", "Production" }));
        foreach (var (name, stage) in stages)
            foreach (var dependency in DependsOn(stage))
                Assert.That(stages.Keys, Does.Contain(dependency), $"stage {name} depends on unknown {dependency}");
        Assert.That(DependsOn(stages["Package"]), Is.EquivalentTo(new[] { "Build", "Bicep" }));
        Assert.That(DependsOn(stages["Staging"]), Is.EqualTo(new[] { "Package" }));
        Assert.That(DependsOn(stages["Production"]), Is.EqualTo(new[] { "Staging" }));

        var environments = stages.ToDictionary(s => s.Key, s => Jobs(s.Value).Select(j => Scalar(j, "environment")).SingleOrDefault(e => e is not null));
        Assert.That(environments["Staging"], Is.EqualTo("staging"));
        Assert.That(environments["Production"], Is.EqualTo("production"), "the approval is a check on this environment");
    }

    [Test]
    public void Each_deployment_deploys_infra_then_code_with_AzureFunctionApp_v2_for_Flex()
    {
        foreach (var stage in Stages().Where(s => Scalar(s, "stage") is "Staging" or "Production"))
        {
            var tasks = Steps(stage).Select(s => Scalar(s, "task")).Where(t => t is not null).ToList();
            Assert.That(tasks.IndexOf("AzureCLI@2"), Is.GreaterThanOrEqualTo(0).And.LessThan(tasks.IndexOf("AzureFunctionApp@2")));
            var deploy = Steps(stage).Single(s => Scalar(s, "task") == "AzureFunctionApp@2");
            var inputs = (YamlMappingNode)deploy["inputs"];
            Assert.That(Scalar(inputs, "appType"), Is.EqualTo("functionAppLinux"));
            Assert.That(Scalar(inputs, "isFlexConsumption"), Is.EqualTo("true"));
            var infra = Steps(stage).Single(s => Scalar(s, "task") == "AzureCLI@2");
            Assert.That(Scalar((YamlMappingNode)infra["inputs"], "inlineScript"), Does.Contain("--template-file infra/main.bicep"));
        }
    }

    [Test]
    public void Build_runs_the_test_script_and_publishes_results_and_coverage()
    {
        var build = Stages().Single(s => Scalar(s, "stage") == "Build");
        var scripts = Steps(build).Select(s => Scalar(s, "script")).Where(s => s is not null).ToList();
        Assert.That(scripts, Has.Some.StartsWith("npm ci"));
        Assert.That(scripts, Has.Some.StartsWith("bash scripts/test.sh"));
        var tasks = Steps(build).Select(s => Scalar(s, "task")).ToList();
        Assert.That(tasks, Does.Contain("PublishTestResults@2").And.Contain("PublishCodeCoverageResults@2"));
        Assert.That(Repo.Read("scripts/test.sh"), Does.Contain("--results-directory TestResults"), "where PublishTestResults looks");
        Assert.That(Repo.Read("scripts/test.sh"), Does.Contain("\"$@\""), "the --collect argument reaches dotnet test");
    }

    [Test]
    public void Every_task_is_one_this_pipeline_is_written_for()
    {
        var tasks = AllSteps().Select(s => Scalar(s, "task")).OfType<string>().Distinct().ToList();
        Assert.That(tasks, Is.SubsetOf(KnownTasks));
    }

    [Test]
    public void Every_path_the_pipeline_names_exists_in_the_repo()
    {
        var paths = AllSteps().SelectMany(PathsIn).Distinct().ToList();
        Assert.That(paths, Does.Contain("scripts/test.sh").And.Contain("infra/main.bicep").And.Contain("Functions"));
        var missing = paths.Where(p => !Exists(p)).ToList();
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Every_script_subcommand_and_project_it_runs_exists()
    {
        var commands = AllSteps().SelectMany(CommandTexts).ToList();
        var bicepScript = Repo.Read("scripts/bicep.sh");
        foreach (Match m in Regex.Matches(string.Join('\n', commands), @"bash scripts/bicep\.sh ([\w-]+)"))
        {
            var sub = m.Groups[1].Value;
            if (sub.StartsWith('-')) continue; // passed to the CLI itself
            Assert.That(bicepScript, Does.Match($@"(?m)^\s*{Regex.Escape(sub)}\)"), $"scripts/bicep.sh has no '{sub}' command");
        }
        foreach (Match m in Regex.Matches(string.Join('\n', commands), @"dotnet (?:publish|test|build|restore) (\S+)"))
        {
            var target = m.Groups[1].Value;
            Assert.That(Exists(target), Is.True, $"dotnet target {target}");
            if (Directory.Exists(Repo.PathOf(target)))
                Assert.That(Directory.EnumerateFiles(Repo.PathOf(target), "*.csproj"), Is.Not.Empty, $"{target} holds no project");
        }
        if (commands.Any(c => c.Contains("npm ci", StringComparison.Ordinal)))
            Assert.That(Repo.Exists("package-lock.json"), Is.True, "npm ci needs package-lock.json");
        var scriptFiles = commands.SelectMany(c => Regex.Matches(c, @"\bbash (\S+\.sh)").Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.That(scriptFiles, Is.Not.Empty);
        Assert.That(scriptFiles.Where(f => !Repo.Exists(f)), Is.Empty);
    }

    [Test]
    public void The_package_deployed_is_the_artifact_published()
    {
        var published = AllSteps().Where(s => Scalar(s, "publish") is not null).Select(s => Scalar(s, "artifact")).ToHashSet();
        var packages = AllSteps().Where(s => Scalar(s, "task") == "AzureFunctionApp@2")
            .Select(s => Scalar((YamlMappingNode)s["inputs"], "package")!).ToList();
        Assert.That(packages, Has.Count.EqualTo(2));
        foreach (var package in packages)
        {
            var artifact = Regex.Match(package, @"^\$\(Pipeline\.Workspace\)/([^/]+)/").Groups[1].Value;
            Assert.That(published, Does.Contain(artifact), package);
        }
    }

    private IEnumerable<YamlMappingNode> Stages() => ((YamlSequenceNode)_root["stages"]).Children.Cast<YamlMappingNode>();

    private static IEnumerable<YamlMappingNode> Jobs(YamlMappingNode stage) =>
        stage.Children.TryGetValue(new YamlScalarNode("jobs"), out var jobs) ? ((YamlSequenceNode)jobs).Children.Cast<YamlMappingNode>() : [];

    /// <summary>Steps of plain jobs (steps:) and deployment jobs (strategy.runOnce.deploy.steps).</summary>
    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode stage) => Jobs(stage).SelectMany(job =>
    {
        var steps = job.Children.TryGetValue(new YamlScalarNode("steps"), out var s) ? s
            : ((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)job["strategy"])["runOnce"])["deploy"])["steps"];
        return ((YamlSequenceNode)steps).Children.Cast<YamlMappingNode>();
    });

    private IEnumerable<YamlMappingNode> AllSteps() => Stages().SelectMany(Steps);

    private static IReadOnlyList<string> DependsOn(YamlMappingNode stage) =>
        !stage.Children.TryGetValue(new YamlScalarNode("dependsOn"), out var node) ? []
        : node is YamlSequenceNode seq ? seq.Children.Cast<YamlScalarNode>().Select(n => n.Value!).ToList()
        : [((YamlScalarNode)node).Value!];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    /// <summary>Shell text of a step: script/bash, and inlineScript of AzureCLI@2.</summary>
    private static IEnumerable<string> CommandTexts(YamlMappingNode step)
    {
        foreach (var key in new[] { "script", "bash" })
            if (Scalar(step, key) is { } script) yield return script;
        if (step.Children.TryGetValue(new YamlScalarNode("inputs"), out var inputs) && Scalar((YamlMappingNode)inputs, "inlineScript") is { } inline)
            yield return inline;
    }

    // Task inputs that hold repository paths (outputs of the build are under generated roots or $(...) folders).
    private static readonly string[] PathInputs = ["testResultsFiles", "summaryFileLocation", "rootFolderOrFile", "package", "projects", "workingDirectory", "scriptPath"];

    /// <summary>Repository-relative paths named by a step: path-like words of its commands and path inputs.</summary>
    private static IEnumerable<string> PathsIn(YamlMappingNode step)
    {
        var texts = CommandTexts(step).ToList();
        if (step.Children.TryGetValue(new YamlScalarNode("inputs"), out var inputs))
            texts.AddRange(PathInputs.Select(k => Scalar((YamlMappingNode)inputs, k)).OfType<string>());
        foreach (var text in texts)
        {
            // Pipeline macros $(Build.X) and shell variables are not repository paths (command substitutions are kept).
            var plain = Regex.Replace(text, @"\$\([A-Za-z_][\w.]*\)|\$\{?\w+\}?", "§");
            foreach (var word in Regex.Split(plain, @"[\s""'();|&<>=,]+"))
            {
                if (word.Length == 0 || word.Contains('§') || word.StartsWith('-') || word.StartsWith('/') || word.Contains("://")) continue;
                if (word.Contains('/') || Regex.IsMatch(word, @"\.(sh|bicep|bicepparam|csproj|slnx|json|ya?ml)$"))
                    yield return word;
            }
            // dotnet <verb> <project folder> names a folder without a slash.
            foreach (Match m in Regex.Matches(plain, @"dotnet (?:publish|test|build|restore) ([^\s§-]\S*)"))
                yield return m.Groups[1].Value;
        }
    }

    private static bool Exists(string path)
    {
        var literal = path.Split('*')[0].TrimEnd('/');
        if (GeneratedRoots.Any(g => literal == g || literal.StartsWith(g + "/", StringComparison.Ordinal))) return true;
        return literal.Length > 0 && Repo.Exists(literal);
    }
}
