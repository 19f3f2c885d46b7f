using System.ComponentModel.DataAnnotations;

// In the Configuration namespace like TriggerOptions, so the deployment tests see these root-level settings too.
namespace BitrixRetailCrm.Configuration;

/// <summary>NCRONTAB schedules of the catalogue timers, root-bound because trigger attributes resolve %CatalogFeedSchedule%.</summary>
public sealed class CatalogTriggerOptions
{
    [Required] public string CatalogFeedSchedule { get; set; } = "0 0 */4 * * *";
    [Required] public string CatalogStockSchedule { get; set; } = "0 */15 * * * *";
    [Required] public string CatalogPriceSchedule { get; set; } = "0 5 * * * *";
}
