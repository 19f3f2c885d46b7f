using System.Collections.Concurrent;
using System.Globalization;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.Bitrix;

/// <summary>One ONSALEORDERSAVED the simulator posted; StatusCode is null when the handler could not be reached.</summary>
public sealed record BitrixSentEvent(Uri HandlerUrl, int OrderId, int? StatusCode, DateTimeOffset SentAt);

/// <summary>Posts outgoing-webhook events as Bitrix does: a form body with percent-encoded bracket keys, no OAuth tokens.</summary>
internal sealed class BitrixEventSender(BitrixSimulatorOptions options) : IAsyncDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<BitrixSentEvent> sent = new();
    private readonly ConcurrentDictionary<Task, byte> pending = new();

    public IReadOnlyList<BitrixSentEvent> Sent => sent.ToArray();

    public async Task<HttpResponseMessage> SendAsync(Uri handlerUrl, int orderId, string xmlId, CancellationToken cancellationToken)
    {
        try
        {
            HttpResponseMessage response = await http.PostAsync(handlerUrl, Body(orderId, xmlId), cancellationToken);
            sent.Enqueue(new BitrixSentEvent(handlerUrl, orderId, (int)response.StatusCode, ShopClock.Now()));
            return response;
        }
        catch (HttpRequestException)
        {
            sent.Enqueue(new BitrixSentEvent(handlerUrl, orderId, null, ShopClock.Now()));
            throw;
        }
    }

    /// <summary>The echo of a save: posted in the background like the real event queue, failures only logged in <see cref="Sent"/>.</summary>
    public void PostInBackground(int orderId, string xmlId)
    {
        if (options.OutgoingWebhookUrl is not { } handler)
            return;
        Task delivery = Task.Run(async () =>
        {
            try
            {
                using HttpResponseMessage response = await SendAsync(handler, orderId, xmlId, stopping.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // Bitrix does not retry a failed delivery either.
            }
        });
        pending.TryAdd(delivery, 0);
        delivery.ContinueWith(t => pending.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAll(pending.Keys);
        http.Dispose();
        stopping.Dispose();
    }

    private FormUrlEncodedContent Body(int orderId, string xmlId) => new(
    [
        new("event", "ONSALEORDERSAVED"),
        new("event_handler_id", options.EventHandlerId.ToString(CultureInfo.InvariantCulture)),
        new("data[FIELDS][ID]", orderId.ToString(CultureInfo.InvariantCulture)),
        new("data[FIELDS][XML_ID]", xmlId),
        new("data[FIELDS][ACTION]", "save"),
        new("ts", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        new("auth[domain]", options.Domain),
        new("auth[client_endpoint]", $"https://{options.Domain}/rest/"),
        new("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
        new("auth[member_id]", options.MemberId),
        new("auth[application_token]", options.ApplicationToken),
    ]);
}
