using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>Every template under infra/ compiled once per test run (bicep build --pattern), plus the lint run.</summary>
internal static class Templates
{
    public const string Pattern = "infra/**/*.bicep";
    public const string ParametersFile = "infra/main.bicepparam";

    public sealed record Compiled(BicepCli.Result Build, IReadOnlyDictionary<string, JsonObject> Json)
    {
        /// <summary>Compiled ARM JSON of e.g. "main.bicep" or "modules/roles.bicep" (paths under infra/).</summary>
        public JsonObject this[string template] => Json[template];
    }

    private static readonly Lazy<Task<Compiled>> Build = new(CompileAsync);
    private static readonly Lazy<Task<BicepCli.Result>> Lint = new(() => BicepCli.RunAsync("lint", "--pattern", Pattern));

    /// <summary>Also starts the lint run: the CLI takes ~3 s per call, so the two run side by side.</summary>
    public static Task<Compiled> CompiledAsync()
    {
        _ = Lint.Value;
        return Build.Value;
    }

    public static Task<BicepCli.Result> LintAsync() => Lint.Value;

    public static IReadOnlyList<string> Sources() =>
        Directory.EnumerateFiles(Repo.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.PathOf("infra"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static async Task<Compiled> CompileAsync()
    {
        var outDir = Directory.CreateTempSubdirectory("bicep-build-").FullName;
        try
        {
            var result = await BicepCli.RunAsync("build", "--pattern", Pattern, "--outdir", outDir);
            var json = new Dictionary<string, JsonObject>();
            foreach (var source in Sources())
            {
                var compiled = Path.Combine(outDir, Path.ChangeExtension(source, ".json"));
                if (File.Exists(compiled)) json[source] = JsonNode.Parse(File.ReadAllText(compiled))!.AsObject();
            }
            return new Compiled(result, json);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>Resources of a compiled template, whether "resources" is an array or (language version 2) an object.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    public static IEnumerable<JsonObject> ResourcesOfType(JsonObject template, string type) =>
        Resources(template).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The literal app settings main.bicep gives the Function App (name → compiled value or expression).</summary>
    public static IReadOnlyDictionary<string, string> AppSettings(Compiled compiled)
    {
        var config = ResourcesOfType(compiled["main.bicep"], "Microsoft.Web/sites/config")
            .Single(r => ((string?)r["name"])?.Contains("appsettings", StringComparison.OrdinalIgnoreCase) == true);
        return config["properties"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }
}
