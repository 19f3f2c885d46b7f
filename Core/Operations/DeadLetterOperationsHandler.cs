using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace BitrixRetailCrm.Operations;

/// <summary>
/// Body of POST /api/ops/dead-letters/replay: exactly one of <see cref="OrderId"/>, <see cref="ReasonCode"/> or
/// <see cref="All"/> — the choices of the Admin CLI's <c>dead-letters replay</c>, with the same default direction.
/// </summary>
public sealed record ReplayRequest(string? Direction, string? OrderId, string? ReasonCode, bool? All);

/// <param name="Count">Every matching record; <paramref name="DeadLetters"/> is the page from <paramref name="Skip"/>.</param>
public sealed record DeadLetterList(int Count, int Skip, int Top, IReadOnlyList<DeadLetter> DeadLetters);

public sealed record ReplayResponse(string Direction, IReadOnlyList<DeadLetter> Replayed, IReadOnlyList<SkippedReplay> Skipped);

/// <summary>
/// GET /api/ops/dead-letters and POST /api/ops/dead-letters/replay (admin key). Replays go through
/// <see cref="DeadLetterReplayer"/>, so they are recorded on the record exactly as the CLI's are. A query or body that
/// is not understood is a 400 and nothing is replayed.
/// </summary>
public sealed class DeadLetterOperationsHandler(DeadLetterStore deadLetters, DeadLetterReplayer replayer,
    ILogger<DeadLetterOperationsHandler> log)
{
    private const int MaxBodyBytes = 4096;
    private const int DefaultPage = 100;
    private const int MaxPage = 1000;

    private static readonly JsonSerializerOptions StrictJson = new(OperationsStatusHandler.Json)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// Query: <c>orderId</c>, <c>direction</c>, <c>reasonCode</c>, <c>includeReplayed=true</c> (without one, all), and
    /// the page: <c>top</c> records (100, at most 1000) after <c>skip</c>, oldest failure first. After an outage that
    /// outlasted the retries every order of it is a record, and each carries its message and last response.
    /// </summary>
    public async Task<IActionResult> ListAsync(HttpRequest request, CancellationToken ct)
    {
        var query = request.Query;
        string? Value(string name) => query[name].FirstOrDefault() is { Length: > 0 } v ? v : null;
        var direction = Value("direction");
        if (direction is not null && UnknownDirection(direction) is { } unknown) return unknown;
        var includeReplayed = false;
        if (Value("includeReplayed") is { } flag && !bool.TryParse(flag, out includeReplayed))
            return Invalid($"includeReplayed must be true or false, got \"{flag}\".");
        if (PageNumber(Value("top"), DefaultPage, 1, MaxPage) is not { } top) return Invalid($"top must be a whole number from 1 to {MaxPage}.");
        if (PageNumber(Value("skip"), 0, 0, int.MaxValue) is not { } skip) return Invalid("skip must be a whole number, 0 or more.");
        if (Value("orderId") is { } orderId && !InboundValues.IsRecordKey(orderId)) return NotARecordKey(orderId);
        var letters = await deadLetters.FindAsync(new DeadLetterFilter(direction, Value("orderId"), Value("reasonCode"), includeReplayed), ct);
        return new JsonResult(new DeadLetterList(letters.Count, skip, top, [.. letters.Skip(skip).Take(top)]), OperationsStatusHandler.Json);
    }

    public async Task<IActionResult> ReplayAsync(HttpRequest request, CancellationToken ct)
    {
        ReplayRequest? replay;
        try
        {
            replay = JsonSerializer.Deserialize<ReplayRequest>(await RequestBody.ReadAsync(request, MaxBodyBytes, ct), StrictJson);
        }
        catch (HookRejectedException ex)
        {
            return Problems.Create(ex.Status, ex.Title, ex.Message);
        }
        catch (JsonException ex)
        {
            return Invalid($"The body must be a JSON object such as {{\"orderId\":\"2001\"}}: {ex.Message}");
        }
        if (replay is null) return Invalid("The body must be a JSON object such as {\"orderId\":\"2001\"}.");
        var direction = replay.Direction ?? SyncDirection.BitrixToRetailCrm;
        if (UnknownDirection(direction) is { } unknown) return unknown;
        var selectors = new[] { replay.OrderId is not null, replay.ReasonCode is not null, replay.All == true }.Count(s => s);
        if (selectors != 1 || replay.OrderId is "" || replay.ReasonCode is "")
            return Invalid("Give exactly one of \"orderId\" (non-empty), \"reasonCode\" (non-empty) or \"all\": true.");
        if (replay.OrderId is { } orderId && !InboundValues.IsRecordKey(orderId)) return NotARecordKey(orderId);

        if (await replayer.ReplayAsync(direction, replay.OrderId, replay.ReasonCode, ct) is not { } report)
            return Problems.Create(404, "No dead letter", $"Order {replay.OrderId} has no dead-letter record ({direction}).");
        log.LogInformation("Dead letters replayed over HTTP ({Direction}, order {OrderId}, reason {Reason}, all {All}): {Replayed} queued again, {Skipped} skipped",
            direction, replay.OrderId, replay.ReasonCode, replay.All == true, report.Replayed.Count, report.Skipped.Count);
        return new JsonResult(new ReplayResponse(direction, report.Replayed, report.Skipped), OperationsStatusHandler.Json);
    }

    private static int? PageNumber(string? text, int fallback, int min, int max) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : null;

    private static IActionResult? UnknownDirection(string direction) =>
        SyncDirection.Problem(direction) is { } problem ? Invalid(problem) : null;

    private static IActionResult NotARecordKey(string orderId) =>
        Invalid($"orderId must be an order id, crm-{{id}} or history-{{id}} (letters, digits, '-' or '_'), got \"{InboundValues.Shown(orderId)}\".");

    private static IActionResult Invalid(string detail) => Problems.Create(400, "Invalid request", detail);
}
