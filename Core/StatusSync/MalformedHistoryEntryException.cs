namespace BitrixRetailCrm.StatusSync;

/// <summary>A RetailCRM history entry that cannot be read; it is dead-lettered and the cursor moves past it.</summary>
public sealed class MalformedHistoryEntryException(RejectedHistoryEntry entry)
    : FormatException($"History entry {entry.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "without an id"} cannot be read: {entry.Reason}")
{
    /// <summary>The entry as RetailCRM sent it, kept as the record's last response.</summary>
    public string EntryJson { get; } = entry.Json;
}
