using System.ComponentModel.DataAnnotations;

namespace BitrixRetailCrm.Configuration;

/// <summary>Bitrix REST access through an inbound webhook, and the token of the outbound webhook that calls our hook.</summary>
public sealed class BitrixOptions
{
    public const string Section = "Bitrix";

    /// <summary>https://{host}/rest/{userId}/{secret}/ — a secret: it is never logged.</summary>
    [Required, Url] public string WebhookUrl { get; set; } = "";

    /// <summary>auth[application_token] of the outbound webhook (or the X-Application-Token of the PHP handler).</summary>
    [Required, MinLength(8)] public string ApplicationToken { get; set; } = "";

    /// <summary>When set, hooks whose auth[domain] differs are rejected.</summary>
    public string? Domain { get; set; }

    /// <summary>Cloud limit: leaky bucket of 50 draining 2 requests/s (bitrix-api.md §3.2).</summary>
    [Range(1, 1000)] public int Burst { get; set; } = 50;
    [Range(0.1, 1000)] public double RequestsPerSecond { get; set; } = 2;

    [Range(1, 600)] public int AttemptTimeoutSeconds { get; set; } = 30;
}

public sealed class RetailCrmOptions
{
    public const string Section = "RetailCrm";

    /// <summary>Account URL, e.g. https://shop.retailcrm.ru/ (api/v5/ is appended).</summary>
    [Required, Url] public string Url { get; set; } = "";

    /// <summary>Sent as the X-API-KEY header only, so it never lands in a URL or a log.</summary>
    [Required, MinLength(8)] public string ApiKey { get; set; } = "";

    /// <summary>RetailCRM allows 10 requests/s per key; the limiter is shared by every call this instance makes.</summary>
    [Range(0.1, 100)] public double RequestsPerSecond { get; set; } = 10;

    [Range(1, 600)] public int AttemptTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Shared secret the RetailCRM trigger sends (as the `secret` parameter or ?secret= in its URL); triggers have no
    /// signature of their own.
    /// </summary>
    [Required, MinLength(16)] public string WebhookSecret { get; set; } = "";

    /// <summary>Account time zone: RetailCRM date-times carry no offset.</summary>
    [Required] public string TimeZone { get; set; } = "Europe/Moscow";
}

public sealed class SyncOptions
{
    public const string Section = "Sync";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")] public string MappingTable { get; set; } = "mappings";
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")] public string OrderStateTable { get; set; } = "orderstate";
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")] public string DeadLetterTable { get; set; } = "deadletters";

    /// <summary>How long edits to the mapping table take to reach running instances.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan MappingCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Placeholders {accountNumber} and {id}; the shop's old integration used BX-{id}.</summary>
    [Required] public string OrderNumberTemplate { get; set; } = "{accountNumber}";

    /// <summary>Must equal host.json maxDequeueCount: on the last attempt a failing order is dead-lettered before it is poisoned.</summary>
    [Range(1, 100)] public int MaxDequeueCount { get; set; } = 10;

    /// <summary>
    /// Most distinct orders one push batch carries. Bitrix batch calls (≤ 50 sale.order.get) and orders/upload (≤ 50)
    /// take 50 at a time, but one customers lookup takes 100 and the new customers of 100 orders fit one upload, so
    /// batches of 100 cost 4 RetailCRM requests per 100 orders where batches of 50 cost 6. Concurrent queue invocations
    /// are gathered into batches in-process.
    /// </summary>
    [Range(1, 100)] public int PushBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a batch waits for more invocations after its first message before it starts (it starts at once when
    /// full). Every order waits at most this long; longer windows give larger batches under light load.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")] public TimeSpan PushBatchWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Batches in flight at once per instance. With RetailCRM answering in 3-5 s one lane moves a batch per two round
    /// trips; host.json batchSize + newBatchThreshold must hold this many batches' messages (12 × 100 = 1200).
    /// </summary>
    [Range(1, 64)] public int MaxConcurrentPushBatches { get; set; } = 12;

    /// <summary>
    /// A push batch's work is cancelled this long after it starts and its orders' messages come back to the queue, so a
    /// call that hangs never holds messages or a lane for longer. Order leases last this long plus 15 s, so the orders of
    /// an instance that died are free again soon after.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")] public TimeSpan PushDeadline { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// A repeat hook for an order within this long of the first one that this instance queued shares that message,
    /// which is sent invisible for the window plus a second (the service counts whole seconds), so every order waits
    /// that long before its push. Zero sends a visible message per hook.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")] public TimeSpan RepeatedSaveWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest hook body accepted; Bitrix events are well under 2 KB.</summary>
    [Range(1024, 1048576)] public int MaxHookBodyBytes { get; set; } = 16384;
}

/// <summary>
/// Top-level settings because trigger attributes resolve them as %OrdersQueueName% etc. in both hosts.
/// </summary>
public sealed class TriggerOptions
{
    private const string QueueName = "^[a-z0-9](?!.*--)[a-z0-9-]{1,55}[a-z0-9]$";

    [Required, RegularExpression(QueueName)] public string OrdersQueueName { get; set; } = "bitrix-orders";

    /// <summary>RetailCRM status changes waiting to be applied to Bitrix.</summary>
    [Required, RegularExpression(QueueName)] public string StatusQueueName { get; set; } = "retailcrm-status";

    /// <summary>NCRONTAB of the history poll (Functions timer); the local runner polls every HistoryPollInterval.</summary>
    [Required] public string HistoryPollSchedule { get; set; } = "0 */1 * * * *";

    /// <summary>NCRONTAB of the order reconciliation (Functions timer); the local runner runs every Reconcile:Interval.</summary>
    [Required] public string ReconcileSchedule { get; set; } = "0 */5 * * * *";

    /// <summary>
    /// NCRONTAB of the check for pushes whose instance died (one table query; the local runner runs every
    /// Reconcile:RecoveryInterval). A crash costs the order lease (push deadline + 15 s) plus up to this interval.
    /// </summary>
    [Required] public string RecoverySchedule { get; set; } = "*/30 * * * * *";
}

public sealed class StatusSyncOptions
{
    public const string Section = "StatusSync";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")] public string StatusStateTable { get; set; } = "statusstate";

    /// <summary>Where the very first history poll starts; unset means "from now".</summary>
    public DateTimeOffset? HistoryStartDate { get; set; }

    [Range(20, 100)] public int HistoryPageLimit { get; set; } = 100;

    /// <summary>Bounds one poll so a long backlog is worked off over several runs, each committing its cursor.</summary>
    [Range(1, 1000)] public int HistoryMaxPagesPerRun { get; set; } = 25;

    /// <summary>Local runner only: the interval of its history poll (the Functions app uses HistoryPollSchedule).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan HistoryPollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The reconciliation timer that queues orders whose hook never came (Bitrix webhooks are not retried).</summary>
public sealed class ReconcileOptions
{
    public const string Section = "Reconcile";

    /// <summary>How far back the very first run looks; later runs continue from the cursor.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")] public TimeSpan Lookback { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Each scan starts this long before the previous one did (by Bitrix's clock), so an order saved while a scan was
    /// paging, or committed a moment after its dateUpdate, is still seen; the repeats are skipped by their dateUpdate.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Pages of 50 orders one run reads at most; a longer backlog is worked off over several runs.</summary>
    [Range(1, 1000)] public int MaxPagesPerRun { get; set; } = 20;

    /// <summary>Local runner only: its reconciliation interval (the Functions app uses ReconcileSchedule).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Local runner only: how often it looks for pushes whose instance died (the Functions app uses RecoverySchedule).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
