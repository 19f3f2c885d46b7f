using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Demo;

/// <summary>
/// Steps 4-7: a new order reaches RetailCRM, repeats write nothing, a change in Bitrix becomes an edit, and a manager's
/// status change in RetailCRM comes back to Bitrix without being pushed back.
/// </summary>
internal sealed class DemoSteps(DemoStack stack, CancellationToken ct)
{
    private const int OrderId = 1001;
    private const string ExternalId = "1001";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private bool firstEvent = true;

    public async Task RunAsync()
    {
        await PushNewOrderAsync();
        await RepeatUnchangedEventAsync();
        await ChangeStatusInBitrixAsync();
        await ChangeStatusInRetailCrmAsync();
    }

    private async Task PushNewOrderAsync()
    {
        Narrate.Step($"Bitrix saves order {OrderId}: its outgoing webhook posts ONSALEORDERSAVED to the hook");
        await SendEventsAsync(1, () => stack.Crm.FindOrder(ExternalId) is not null, $"order {ExternalId} in RetailCRM");
        JsonObject order = stack.Crm.FindOrder(ExternalId)!;
        Narrate.Line("RetailCRM now holds:");
        foreach (string line in OrderSummary.Order(order))
            Narrate.Line("  " + line);
        string customerId = order["customer"]?["externalId"]?.ToString() ?? "";
        Narrate.Line("  " + (stack.Crm.FindCustomer(customerId) is { } customer
            ? OrderSummary.Customer(customer)
            : $"customer {customerId}: not found"));
    }

    private async Task RepeatUnchangedEventAsync()
    {
        Narrate.Step($"Bitrix sends the same event twice more; order {OrderId} has not changed");
        int requestsBefore = OrderAndCustomerRequests();
        await SendEventsAsync(2);
        int writes = stack.Crm.OrderWriteCount(ExternalId);
        Narrate.Line($"RetailCRM order/customer requests during these pushes: {OrderAndCustomerRequests() - requestsBefore}; " +
            $"writes of order {ExternalId} so far: {writes}");
        if (writes != 1)
            throw new DemoFailedException($"RetailCRM wrote order {ExternalId} {writes} times, expected once");
        Narrate.Line("Unchanged orders make no RetailCRM write.");
    }

    private async Task ChangeStatusInBitrixAsync()
    {
        JsonObject order = (JsonObject)(stack.Bitrix.GetOrder(OrderId) ?? throw new DemoFailedException($"Bitrix has no order {OrderId}")).DeepClone();
        Narrate.Step($"A manager marks order {OrderId} paid in Bitrix: status {order["statusId"]} → P");
        order["statusId"] = "P";
        stack.Bitrix.PutOrder(order);
        string? before = stack.Crm.FindOrder(ExternalId)?["status"]?.ToString();
        await SendEventsAsync(1, () => stack.Crm.FindOrder(ExternalId)?["status"]?.ToString() == "complete-payment",
            $"order {ExternalId} to reach status complete-payment in RetailCRM");
        Narrate.Line($"RetailCRM status: {before} → complete-payment; writes of order {ExternalId}: {stack.Crm.OrderWriteCount(ExternalId)}");
    }

    private async Task ChangeStatusInRetailCrmAsync()
    {
        Narrate.Step($"A manager completes order {ExternalId} in RetailCRM; its trigger posts to /api/retailcrm/order-changed");
        int writesBefore = stack.Crm.OrderWriteCount(ExternalId);
        int echoesBefore = stack.Bitrix.SentEvents.Count;
        int pushesBefore = stack.RunnerLog.FinishedPushes(ExternalId);
        stack.Crm.ChangeOrderStatus(ExternalId, "complete");
        Stopwatch sinceTrigger = Stopwatch.StartNew();
        using HttpResponseMessage response = await stack.SendCrmTriggerAsync(ExternalId, "complete", ct);
        Narrate.Line($"webhook answered {(int)response.StatusCode} {response.ReasonPhrase}");
        if ((int)response.StatusCode != 202)
            throw new DemoFailedException($"the RetailCRM webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        await Wait.UntilAsync(() => stack.Bitrix.GetOrder(OrderId)?["statusId"]?.ToString() == "F",
            $"Bitrix order {OrderId} to reach status F", Timeout, ct);
        Narrate.Line($"Bitrix status: P → F {Narrate.Seconds(sinceTrigger.Elapsed)} after the trigger");
        await Wait.UntilAsync(() => stack.Bitrix.SentEvents.Count > echoesBefore && PushesFinished(pushesBefore + 1),
            "the push of Bitrix's echo of our write", Timeout, ct);
        int writes = stack.Crm.OrderWriteCount(ExternalId) - writesBefore;
        Narrate.Line($"Bitrix echoed our write as ONSALEORDERSAVED; RetailCRM writes caused by the echo: {writes}");
        if (writes != 0)
            throw new DemoFailedException($"the echo of our Bitrix write was pushed back to RetailCRM ({writes} writes)");
    }

    /// <summary>
    /// Sends ONSALEORDERSAVED <paramref name="count"/> times, then waits (60 s at most) until a push finished for each
    /// hook that queued a message and the condition holds.
    /// </summary>
    private async Task SendEventsAsync(int count, Func<bool>? condition = null, string? what = null)
    {
        int finishedBefore = stack.RunnerLog.FinishedPushes(ExternalId);
        Stopwatch sinceFirstEvent = Stopwatch.StartNew();
        int queued = 0;
        for (int i = 0; i < count; i++)
        {
            Stopwatch hook = Stopwatch.StartNew();
            using HttpResponseMessage response = await stack.Bitrix.SendOrderSavedEventAsync(stack.HookUrl, OrderId, ct);
            string body = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode != 202)
                throw new DemoFailedException($"the hook answered {(int)response.StatusCode}: {body}");
            bool coalesced = JsonNode.Parse(body)?["coalesced"]?.AsArray().Count > 0;
            queued += coalesced ? 0 : 1;
            Narrate.Line($"hook answered {(int)response.StatusCode} {response.ReasonPhrase} in {hook.ElapsedMilliseconds} ms" +
                (firstEvent ? " (first call: JIT and queue creation)" : "") +
                (coalesced ? " (a repeat save: it shares the message the previous hook queued)" : ""));
            firstEvent = false;
        }
        string waitingFor = what ?? (queued == 1 ? $"the push of order {ExternalId}" : $"{queued} pushes of order {ExternalId}");
        await Wait.UntilAsync(() => PushesFinished(finishedBefore + queued) && (condition?.Invoke() ?? true), waitingFor, Timeout, ct);
        Narrate.Line($"{(queued == 1 ? "push" : "pushes")} finished {Narrate.Seconds(sinceFirstEvent.Elapsed)} after the first event");
    }

    /// <summary>Requests a push makes (the history feed, which the status sync polls, is not one of them).</summary>
    private int OrderAndCustomerRequests() => stack.Crm.Requests.Count(r =>
        (r.Path.Contains("/orders", StringComparison.Ordinal) || r.Path.Contains("/customers", StringComparison.Ordinal)) &&
        !r.Path.Contains("/history", StringComparison.Ordinal));

    /// <exception cref="DemoFailedException">The order's last push failed (it was dead-lettered).</exception>
    private bool PushesFinished(int expected) => stack.RunnerLog.LastFailure(ExternalId) is { } failure
        ? throw new DemoFailedException($"the push of order {ExternalId} failed: {failure}")
        : stack.RunnerLog.FinishedPushes(ExternalId) >= expected;
}
