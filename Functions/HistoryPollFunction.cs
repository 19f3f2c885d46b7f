using BitrixRetailCrm.StatusSync;
using Microsoft.Azure.Functions.Worker;

namespace BitrixRetailCrm.Functions;

/// <summary>Reads RetailCRM's order history on a schedule and applies the status changes the triggers missed.</summary>
public sealed class HistoryPollFunction(HistoryPoller poller)
{
    [Function("HistoryPoll")]
    public Task Run([TimerTrigger("%HistoryPollSchedule%")] TimerInfo timer, CancellationToken ct) => poller.RunAsync(ct);
}
