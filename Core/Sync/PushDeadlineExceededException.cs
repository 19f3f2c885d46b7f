namespace BitrixRetailCrm.Sync;

/// <summary>A push that did not end within its deadline; its message comes back to the queue and is tried again.</summary>
public sealed class PushDeadlineExceededException(string orderId, TimeSpan deadline, string doing, Exception? inner = null)
    : Exception($"Order {orderId}: no result within {deadline.TotalSeconds:0.#} s {doing}", inner)
{
    public string OrderId { get; } = orderId;
}
