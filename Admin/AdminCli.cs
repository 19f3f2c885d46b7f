using System.Globalization;
using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.Http;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.Operations;
using BitrixRetailCrm.ReferenceData;
using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Admin;

/// <summary>
/// Operator commands against the same storage and APIs the functions use. Exit codes: 0 done / all clear,
/// 1 refused or broken (bad import file, validation errors, nothing to replay), 2 wrong usage.
/// </summary>
public static class AdminCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private static readonly HashSet<string> ValueOptions = ["reason", "order", "file", "kind", "direction"];
    private static readonly HashSet<string> FlagOptions = ["all", "replace", "strict"];

    public const string UsageText = """
        Usage: BitrixRetailCrm.Admin <command> [options] [--Setting=value …]

          dead-letters list [--reason CODE]          open dead-letter records
          dead-letters replay --order ID             queue one order again and record the replay
          dead-letters replay --reason CODE          … every open record with that reason code
          dead-letters replay --all                  … every open record
            dead-letters commands take --direction bitrix-to-retailcrm (default: orders queue) or
            retailcrm-to-bitrix (status changes, status queue; ID is the externalId or crm-{id})
          mappings list [--kind KIND]                the mapping table as a table
          mappings export [--file F]                 the mapping table as JSON (stdout without --file)
          mappings import --file F [--replace]       validate the whole file, then write it; --replace also deletes
                                                     rows of the file's kinds that the file does not list
          validate [--strict]                        check the mappings against both systems' dictionaries;
                                                     exit 1 on errors (with --strict, on warnings too)

        Settings come from local.settings.json (Values) in the working directory, environment variables
        (Section__Key) and --Section:Key=value arguments, as for the local runner.
        """;

    /// <param name="overrides">Configuration applied over every other source (tests point it at their storage).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IConfiguration? overrides = null,
        CancellationToken ct = default)
    {
        if (!Parse(args, out var command, out var options, out var settings, out var problem))
        {
            await stderr.WriteLineAsync(problem);
            await stderr.WriteLineAsync(UsageText);
            return Usage;
        }
        var configuration = AdminConfiguration.Build(settings, overrides);
        var services = new ServiceCollection().AddLogging().AddBitrixRetailCrm(configuration);
        services.AddOptions<ReferenceDataOptions>().Bind(configuration.GetSection(ReferenceDataOptions.Section));
        services.AddSingleton<BitrixReferenceReader>();
        services.AddSingleton<RetailCrmReferenceReader>();
        services.AddSingleton<ReferenceValidator>();
        await using var provider = services.BuildServiceProvider();
        var context = new Context(provider, options, stdout, stderr, ct);
        try
        {
            return command switch
            {
                "dead-letters list" => await ListDeadLettersAsync(context),
                "dead-letters replay" => await ReplayAsync(context),
                "mappings list" => await ListMappingsAsync(context),
                "mappings export" => await ExportAsync(context),
                "mappings import" => await ImportAsync(context),
                "validate" => await ValidateAsync(context),
                _ => await UnknownAsync(stderr, command),
            };
        }
        catch (OptionsValidationException ex)
        {
            await stderr.WriteLineAsync($"Configuration is incomplete: {string.Join("; ", ex.Failures)}");
            return Failed;
        }
        catch (ExternalCallException ex)
        {
            await stderr.WriteLineAsync($"Call failed: {InboundValues.Escaped(ex.Message)}");
            return Failed;
        }
        catch (Azure.RequestFailedException ex)
        {
            await stderr.WriteLineAsync($"Storage call failed: {ex.Status} {ex.ErrorCode}");
            return Failed;
        }
    }

    private sealed record Context(IServiceProvider Services, IReadOnlyDictionary<string, string?> Options, TextWriter Out,
        TextWriter Err, CancellationToken Ct)
    {
        public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
        public string? Option(string name) => Options.GetValueOrDefault(name);
        public bool Flag(string name) => Options.ContainsKey(name);
    }

    private static async Task<int> UnknownAsync(TextWriter stderr, string command)
    {
        await stderr.WriteLineAsync(command.Length == 0 ? "No command given." : $"Unknown command \"{command}\".");
        await stderr.WriteLineAsync(UsageText);
        return Usage;
    }

    private static async Task<int> ListDeadLettersAsync(Context c)
    {
        if (await DirectionAsync(c) is not { } direction) return Usage;
        var letters = await c.Get<DeadLetterStore>().FindAsync(new DeadLetterFilter(direction, ReasonCode: c.Option("reason")), c.Ct);
        if (letters.Count == 0)
        {
            await c.Out.WriteLineAsync("No open dead letters.");
            return Ok;
        }
        await c.Out.WriteAsync(Table(["ORDER", "REASON", "ATTEMPTS", "FAILED AT (UTC)", "REPLAYS", "DETAIL"],
            letters.Select(l => new[]
            {
                l.OrderId, l.ReasonCode, l.Attempts.ToString(CultureInfo.InvariantCulture),
                l.FailedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                l.ReplayCount.ToString(CultureInfo.InvariantCulture), Shorten(l.Reason, 100),
            })));
        await c.Out.WriteLineAsync($"{letters.Count} open dead letter(s).");
        return Ok;
    }

    private static async Task<int> ReplayAsync(Context c)
    {
        if (await DirectionAsync(c) is not { } direction) return Usage;
        var replayer = c.Get<DeadLetterReplayer>();
        var selectors = new[] { c.Option("order") is not null, c.Option("reason") is not null, c.Flag("all") }.Count(s => s);
        if (selectors != 1)
        {
            await c.Err.WriteLineAsync("dead-letters replay needs exactly one of --order ID, --reason CODE, --all.");
            return Usage;
        }
        if (await replayer.ReplayAsync(direction, c.Option("order"), c.Option("reason"), c.Ct) is not { } report)
        {
            await c.Err.WriteLineAsync($"Order {InboundValues.Escaped(c.Option("order")!)} has no dead-letter record ({direction}).");
            return Failed;
        }
        foreach (var letter in report.Replayed)
            await c.Out.WriteLineAsync($"replayed order {InboundValues.Escaped(letter.OrderId)} ({letter.ReasonCode}), replay #{letter.ReplayCount}");
        foreach (var (skippedId, problem) in report.Skipped)
            await c.Err.WriteLineAsync($"skipped order {InboundValues.Escaped(skippedId)}: {InboundValues.Escaped(problem)}");
        await c.Out.WriteLineAsync($"{report.Replayed.Count} order(s) queued again, {report.Skipped.Count} skipped.");
        return report.Skipped.Count > 0 ? Failed : Ok;
    }

    /// <summary>The --direction option as a <see cref="SyncDirection"/> value; null (after saying why) when it is neither.</summary>
    private static async Task<string?> DirectionAsync(Context c)
    {
        var direction = c.Option("direction") ?? SyncDirection.BitrixToRetailCrm;
        if (SyncDirection.Problem(direction) is not { } problem) return direction;
        await c.Err.WriteLineAsync(problem);
        return null;
    }

    private static async Task<int> ListMappingsAsync(Context c)
    {
        MappingKind? only = null;
        if (c.Option("kind") is { } kindKey)
        {
            if (!MappingKindExtensions.TryParse(kindKey, out var kind))
            {
                await c.Err.WriteLineAsync($"Unknown mapping kind \"{kindKey}\" (known: {KnownKinds()}).");
                return Usage;
            }
            only = kind;
        }
        var entries = (await c.Get<MappingStore>().ReadAsync(c.Ct)).Entries
            .Where(e => only is null || e.Kind == only)
            .OrderBy(e => e.Kind).ThenBy(e => e.BitrixCode, StringComparer.Ordinal).ToList();
        await c.Out.WriteAsync(Table(["KIND", "KEY", "VALUE"], entries.Select(e => new[] { e.Kind.ToKey(), e.BitrixCode, e.CrmCode })));
        await c.Out.WriteLineAsync($"{entries.Count} mapping(s). Reverse kinds (statusFromCrm, cancelFromCrm) are keyed by the RetailCRM code.");
        return Ok;
    }

    private static async Task<int> ExportAsync(Context c)
    {
        var json = MappingFile.Write((await c.Get<MappingStore>().ReadAsync(c.Ct)).Entries);
        if (c.Option("file") is { } file and not "-")
        {
            await File.WriteAllTextAsync(file, json, c.Ct);
            await c.Out.WriteLineAsync($"Exported the mappings to {file}.");
        }
        else
        {
            await c.Out.WriteAsync(json);
        }
        return Ok;
    }

    private static async Task<int> ImportAsync(Context c)
    {
        if (c.Option("file") is not { } file)
        {
            await c.Err.WriteLineAsync("mappings import needs --file F.");
            return Usage;
        }
        if (!File.Exists(file))
        {
            await c.Err.WriteLineAsync($"File {file} does not exist.");
            return Failed;
        }
        var content = MappingFile.Read(await File.ReadAllBytesAsync(file, c.Ct));
        if (!content.IsValid)
        {
            await c.Err.WriteLineAsync($"Refused {file}: nothing was written.");
            foreach (var error in content.Errors)
                await c.Err.WriteLineAsync($"{file}:{error}");
            return Failed;
        }
        var result = await c.Get<MappingStore>().ImportAsync(content.Entries, c.Flag("replace"), c.Ct);
        await c.Out.WriteLineAsync(
            $"Imported {file}: {result.Written} written, {result.Unchanged} unchanged, {result.Removed} removed. Running instances pick it up within the mapping cache TTL.");
        return Ok;
    }

    private static async Task<int> ValidateAsync(Context c)
    {
        var report = await c.Get<ReferenceValidator>().ValidateAsync(c.Ct);
        await c.Out.WriteAsync(report.ToTable());
        return report.HasErrors || (c.Flag("strict") && report.HasWarnings) ? Failed : Ok;
    }

    /// <summary>
    /// Splits arguments into the command words, command options (--order N, --order=N, --all) and configuration
    /// (--Key=value, any name that is not a command option).
    /// </summary>
    internal static bool Parse(string[] args, out string command, out Dictionary<string, string?> options,
        out List<KeyValuePair<string, string?>> settings, out string problem)
    {
        var words = new List<string>();
        options = [];
        settings = [];
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                words.Add(arg);
                continue;
            }
            var (name, value) = arg[2..].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (arg[2..], null);
            if (ValueOptions.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        problem = $"--{name} needs a value.";
                        command = "";
                        return false;
                    }
                    value = args[++i];
                }
                options[name] = value;
            }
            else if (FlagOptions.Contains(name) && value is null)
            {
                options[name] = null;
            }
            else if (value is not null && name.Length > 0)
            {
                settings.Add(new(name.Replace("__", ":"), value));
            }
            else
            {
                problem = $"Unknown option {arg}.";
                command = "";
                return false;
            }
        }
        command = string.Join(' ', words);
        if (command is "help" or "" && args.Length == 0) { problem = "No command given."; return false; }
        return true;
    }

    private static string KnownKinds() => string.Join(", ", Enum.GetValues<MappingKind>().Select(k => k.ToKey()));

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        // Cells hold upstream text (order ids, RetailCRM's and Bitrix's error messages): escaped, so a line break or a
        // terminal escape in it can neither forge a row nor drive the operator's terminal.
        var all = rows.Select(row => row.Select(InboundValues.Escaped).ToArray()).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in all)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        return text.ToString();
    }
}
