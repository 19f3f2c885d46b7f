using System.Security.Cryptography;
using System.Text;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Configuration;
using BitrixRetailCrm.Mapping;
using BitrixRetailCrm.RetailCrm;
using BitrixRetailCrm.Storage;
using BitrixRetailCrm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitrixRetailCrm.Sync;

public enum PushOutcome { Created, Updated, Unchanged, DeadLettered }

/// <summary>
/// The queue function's work: load the order from Bitrix, map it, and upsert customer then order in RetailCRM, writing
/// nothing when the payload equals what was pushed last. Permanent failures are dead-lettered at once; transient ones
/// are rethrown for the queue to retry, and dead-lettered too on the last attempt before the host poisons them.
/// </summary>
public sealed class OrderPushHandler(
    BitrixClient bitrix,
    RetailCrmClient crm,
    MappingStore mappings,
    OrderStateStore states,
    StatusStateStore statusStates,
    QueueFailures failures,
    SyncMetrics metrics,
    IOptions<SyncOptions> sync,
    IOptions<RetailCrmOptions> retailCrm,
    TimeProvider clock,
    ILogger<OrderPushHandler> log)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);
    private readonly KeyedLock _locks = new();
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Lazy<OrderMappingOptions> _mappingOptions = new(() => new OrderMappingOptions
    {
        NumberTemplate = sync.Value.OrderNumberTemplate,
        CrmTimeZone = TimeZoneInfo.FindSystemTimeZoneById(retailCrm.Value.TimeZone),
    });

    public async Task<PushOutcome> HandleAsync(string messageJson, long dequeueCount, CancellationToken ct)
    {
        OrderMessage? message = null;
        try
        {
            message = OrderMessage.FromJson(messageJson);
            PushOutcome outcome;
            using (await _locks.AcquireAsync(message.OrderId, ct))
                outcome = await PushAsync(message, ct);
            metrics.OrderPushed(outcome.ToString(), clock.GetUtcNow() - message.ReceivedAt);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await failures.HandleAsync(ex, SyncDirection.BitrixToRetailCrm, message?.OrderId ?? "unreadable", messageJson, dequeueCount);
            return PushOutcome.DeadLettered;
        }
    }

    private async Task<PushOutcome> PushAsync(OrderMessage message, CancellationToken ct)
    {
        var state = await states.AcquireAsync(message.OrderId, _owner, LeaseDuration, ct);
        try
        {
            var order = await bitrix.GetOrderAsync(message.OrderId, ct);
            var mapped = OrderMapper.Map(order, await mappings.GetAsync(ct), _mappingOptions.Value);
            var orderHash = Hash(mapped.Site, CrmJson.Serialize(mapped.Order));
            var customerHash = mapped.Customer is null ? null : Hash(mapped.Site, CrmJson.Serialize(mapped.Customer));
            if (state.OrderHash == orderHash && state.CustomerHash == customerHash)
            {
                await states.ReleaseAsync(state, ct);
                log.LogInformation("Order {OrderId} unchanged since {PushedAt}; no RetailCRM write", message.OrderId, state.PushedAt);
                return PushOutcome.Unchanged;
            }
            if (customerHash == state.CustomerHash && await IsEchoOfRetailCrmStatusAsync(message.OrderId, mapped, state, ct))
            {
                await states.SaveAsync(state with { OrderHash = orderHash, PushedStatus = mapped.Order.Status }, ct);
                log.LogInformation("Order {OrderId} only took status {Status} from RetailCRM; no RetailCRM write",
                    message.OrderId, mapped.Order.Status);
                return PushOutcome.Unchanged;
            }
            if (mapped.Customer is not null && customerHash != state.CustomerHash)
                await UpsertCustomerAsync(mapped.Customer, mapped.Site, ct);
            var (crmId, outcome) = orderHash == state.OrderHash
                ? (state.CrmId, PushOutcome.Updated)
                : await UpsertOrderAsync(mapped, state.CrmId is not null, ct);
            await states.SaveAsync(state with
            {
                CrmId = crmId, OrderHash = orderHash, CustomerHash = customerHash, PushedStatus = mapped.Order.Status,
                PushedAt = clock.GetUtcNow(),
            }, ct);
            log.LogInformation("Order {OrderId} {Outcome} in RetailCRM as {CrmId}, {Direction}",
                message.OrderId, outcome, crmId, SyncDirection.BitrixToRetailCrm);
            return outcome;
        }
        catch
        {
            await states.ReleaseAsync(state, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Our own sale.order.update comes back as an OnSaleOrderSaved hook. When the only difference from the last push is
    /// the status RetailCRM itself gave the order, pushing it back would be a write that changes nothing.
    /// </summary>
    private async Task<bool> IsEchoOfRetailCrmStatusAsync(string orderId, MappedOrder mapped, OrderPushState state, CancellationToken ct)
    {
        if (state.OrderHash is null || mapped.Order.Status == state.PushedStatus) return false;
        var applied = await statusStates.GetAsync(orderId, ct);
        return applied?.CrmStatus == mapped.Order.Status
            && Hash(mapped.Site, CrmJson.Serialize(mapped.Order with { Status = state.PushedStatus })) == state.OrderHash;
    }

    /// <summary>
    /// Create when RetailCRM does not know the externalId, else edit. A create whose outcome is unknown (timeout) is not
    /// retried by the HTTP pipeline; the queue retry comes back here and finds the order, so it is edited, not duplicated.
    /// </summary>
    private async Task<(long? CrmId, PushOutcome Outcome)> UpsertOrderAsync(MappedOrder mapped, bool knownToExist, CancellationToken ct)
    {
        var exists = knownToExist || await crm.GetOrderAsync(mapped.Order.ExternalId, mapped.Site, ct) is not null;
        if (exists)
            return (await crm.EditOrderAsync(mapped.Order, mapped.Site, ct), PushOutcome.Updated);
        try
        {
            return (await crm.CreateOrderAsync(mapped.Order, mapped.Site, ct), PushOutcome.Created);
        }
        catch (OrderAlreadyExistsException)
        {
            return (await crm.EditOrderAsync(mapped.Order, mapped.Site, ct), PushOutcome.Updated);
        }
    }

    private async Task UpsertCustomerAsync(CrmCustomer customer, string site, CancellationToken ct)
    {
        if (await crm.GetCustomerAsync(customer.ExternalId, site, ct) is not null)
            await crm.EditCustomerAsync(customer, site, ct);
        else
            await crm.CreateCustomerAsync(customer, site, ct);
    }

    private static string Hash(string site, string json) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{site}\n{json}")));
}
