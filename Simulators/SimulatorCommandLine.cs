using System.Globalization;
using BitrixRetailCrm.Simulators.Bitrix;
using BitrixRetailCrm.Simulators.RetailCrm;

namespace BitrixRetailCrm.Simulators;

/// <summary>
/// The simulators' command-line options, shared by `dotnet run --project Simulators` and the demo. Every option takes a
/// value, as `--name value` or `--name=value`; arguments it does not know are left in <see cref="Rest"/> for the caller.
/// </summary>
public sealed class SimulatorCommandLine
{
    public const string Usage =
        "  --retailcrm-port N            RetailCRM simulator port (0 = a free one)\n" +
        "  --retailcrm-latency MIN[-MAX] RetailCRM response latency in seconds, e.g. 3-5\n" +
        "  --bitrix-port N               Bitrix simulator port (0 = a free one)\n" +
        "  --bitrix-latency MIN[-MAX]    Bitrix response latency in seconds\n" +
        "  --bitrix-limit BURST[/DRAIN]  Bitrix leaky-bucket limit, e.g. 50/2\n" +
        "  --bitrix-event-url URL        where ONSALEORDERSAVED is posted after sale.order.update\n" +
        "  --bitrix-catalog-offers N     generate a catalogue of N variations (see BitrixCatalog.Generate)\n" +
        "  --bitrix-catalog-per-product K  variations per parent product in that catalogue (default 4)";

    private static readonly string[] Names =
        [
            "--retailcrm-port", "--retailcrm-latency", "--bitrix-port", "--bitrix-latency", "--bitrix-limit", "--bitrix-event-url",
            "--bitrix-catalog-offers", "--bitrix-catalog-per-product",
        ];

    private readonly Dictionary<string, string> values;

    private SimulatorCommandLine(Dictionary<string, string> values, IReadOnlyList<string> rest)
    {
        this.values = values;
        Rest = rest;
    }

    /// <summary>Arguments that are not simulator options, in their original order.</summary>
    public IReadOnlyList<string> Rest { get; }

    /// <exception cref="ArgumentException">An option without a value, or a value that is not a number/range/URL.</exception>
    public static SimulatorCommandLine Parse(IReadOnlyList<string> args)
    {
        Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
        List<string> rest = [];
        for (int i = 0; i < args.Count; i++)
        {
            string[] parts = args[i].Split('=', 2);
            string? name = Names.FirstOrDefault(n => string.Equals(n, parts[0], StringComparison.OrdinalIgnoreCase));
            if (name is null)
                rest.Add(args[i]);
            else if (parts.Length == 2)
                values[name] = parts[1];
            else if (i + 1 < args.Count)
                values[name] = args[++i];
            else
                throw new ArgumentException($"{name} needs a value");
        }
        SimulatorCommandLine parsed = new(values, rest);
        parsed.Validate();
        return parsed;
    }

    /// <param name="latency">Used when --retailcrm-latency is not given.</param>
    public RetailCrmSimulatorOptions RetailCrmOptions(int defaultPort, (TimeSpan Min, TimeSpan Max) latency = default)
    {
        RetailCrmSimulatorOptions options = new() { Port = Port("--retailcrm-port") ?? defaultPort };
        (TimeSpan min, TimeSpan max) = Latency("--retailcrm-latency") ?? latency;
        options.SetLatency(min, max);
        return options;
    }

    /// <param name="latency">Used when --bitrix-latency is not given.</param>
    public BitrixSimulatorOptions BitrixOptions(int defaultPort, (TimeSpan Min, TimeSpan Max) latency = default)
    {
        BitrixSimulatorOptions options = new() { Port = Port("--bitrix-port") ?? defaultPort };
        (TimeSpan min, TimeSpan max) = Latency("--bitrix-latency") ?? latency;
        options.SetLatency(min, max);
        if (Range("--bitrix-limit", '/') is var (burst, drain))
        {
            options.BurstLimit = (int)burst;
            options.DrainPerSecond = (int)drain;
        }
        if (values.TryGetValue("--bitrix-event-url", out string? eventUrl))
            options.OutgoingWebhookUrl = new Uri(eventUrl);
        return options;
    }

    /// <summary>
    /// Fills the Bitrix catalogue when --bitrix-catalog-offers is given, so a benchmark can run the simulator (and its
    /// catalogue's memory) in a process of its own.
    /// </summary>
    public void GenerateCatalog(BitrixSimulator bitrix)
    {
        if (Count("--bitrix-catalog-offers") is { } offers)
            bitrix.Catalog.Generate(offers, Count("--bitrix-catalog-per-product") ?? 4);
    }

    /// <summary>URLs, demo credentials (not secrets) and settings of running simulators, one line each.</summary>
    public static IEnumerable<string> Describe(RetailCrmSimulator retailCrm, BitrixSimulator bitrix)
    {
        RetailCrmSimulatorOptions crm = retailCrm.Options;
        BitrixSimulatorOptions bx = bitrix.Options;
        yield return $"RetailCRM simulator: {retailCrm.BaseUrl}api/v5/  X-API-KEY: {crm.ApiKey}  sites: {string.Join(",", crm.Sites)}";
        yield return $"  latency {Seconds(crm.MinLatency)}-{Seconds(crm.MaxLatency)} s, {crm.RequestsPerSecondPerKey} req/s per key";
        yield return $"Bitrix simulator:    {bitrix.WebhookUrl}  (application_token {bx.ApplicationToken}, member_id {bx.MemberId})";
        yield return $"  latency {Seconds(bx.MinLatency)}-{Seconds(bx.MaxLatency)} s, limit {bx.BurstLimit}/{bx.DrainPerSecond}, " +
            $"events to {bx.OutgoingWebhookUrl?.ToString() ?? "(none)"}, demo orders 1001-1003";
    }

    private void Validate()
    {
        Port("--retailcrm-port");
        Port("--bitrix-port");
        Latency("--retailcrm-latency");
        Latency("--bitrix-latency");
        Range("--bitrix-limit", '/');
        Count("--bitrix-catalog-offers");
        Count("--bitrix-catalog-per-product");
        if (values.TryGetValue("--bitrix-event-url", out string? url) && !Uri.TryCreate(url, UriKind.Absolute, out _))
            throw new ArgumentException($"--bitrix-event-url: \"{url}\" is not an absolute URL");
    }

    private int? Port(string name)
    {
        if (!values.TryGetValue(name, out string? text))
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535
            ? port
            : throw new ArgumentException($"{name}: \"{text}\" is not a port number");
    }

    private int? Count(string name)
    {
        if (!values.TryGetValue(name, out string? text))
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0
            ? count
            : throw new ArgumentException($"{name}: \"{text}\" is not a positive whole number");
    }

    private (TimeSpan, TimeSpan)? Latency(string name) =>
        Range(name, '-') is var (min, max) ? (TimeSpan.FromSeconds(min), TimeSpan.FromSeconds(max)) : null;

    private (double, double)? Range(string name, char separator)
    {
        if (!values.TryGetValue(name, out string? text))
            return null;
        string[] parts = text.Split(separator, 2);
        double first = Number(name, parts[0]);
        double second = parts.Length > 1 ? Number(name, parts[1]) : first;
        return second >= first ? (first, second) : throw new ArgumentException($"{name}: \"{text}\" ends below its start");
    }

    private static double Number(string name, string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new ArgumentException($"{name}: \"{text}\" is not a non-negative number");

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
