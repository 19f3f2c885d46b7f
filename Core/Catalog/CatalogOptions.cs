using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// The product catalogue sync: where the ICML feed goes and what the shop is called in it. Which Bitrix warehouses and
/// price types go to which RetailCRM codes is in the mapping table (kinds warehouse and priceType), not here. Nothing here
/// is required, so hosts that do not sync the catalogue start as before.
/// </summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")] public string Container { get; set; } = "catalog";
    [Required] public string BlobName { get; set; } = "icml.xml";

    /// <summary>Key RetailCRM puts in the feed URL (?key=); the feed answers 401 to everyone while it is empty.</summary>
    public string FeedKey { get; set; } = "";

    [Required] public string ShopName { get; set; } = "Shop";
    public string? CompanyName { get; set; }

    /// <summary>Public shop root; relative picture URLs are resolved against it, and without it pictures are left out.</summary>
    [Url] public string? ShopUrl { get; set; }

    /// <summary>Offer URL with {id}, {code} and {parentCode} placeholders, e.g. https://shop.ru/catalog/{parentCode}/; unset: no url.</summary>
    public string? ProductUrlTemplate { get; set; }

    /// <summary>Product iblock; unset: the first catalogue catalog.catalog.list reports without a parent iblock.</summary>
    public int? IblockId { get; set; }

    /// <summary>catalogGroupId whose price is the feed's &lt;price&gt; (1 = BASE in a default Bitrix).</summary>
    [Range(1, int.MaxValue)] public int BasePriceTypeId { get; set; } = 1;

    /// <summary>Product properties as "propertyId=name,…" (e.g. "258=Colour,259=Size"), written as &lt;param&gt;.</summary>
    public string? ParamProperties { get; set; }

    /// <summary>Property id holding the brand, written as &lt;vendor&gt;.</summary>
    public int? VendorPropertyId { get; set; }

    /// <summary>Property id holding the barcode, written as &lt;barcode&gt;.</summary>
    public int? BarcodePropertyId { get; set; }

    /// <summary>RetailCRM site code sent with uploads; unset: the key's only site.</summary>
    public string? Site { get; set; }

    /// <summary>Table of what was last pushed per offer, warehouse and price type.</summary>
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")] public string StateTable { get; set; } = "catalogstate";

    /// <summary>Pages (of 50) fetched per Bitrix batch request; Bitrix runs at most 50 commands in one batch.</summary>
    [Range(1, 50)] public int PagesPerBatch { get; set; } = 50;

    /// <summary>Local runner only: intervals of the feed, stock and price timers; unset leaves that timer off.</summary>
    public TimeSpan? LocalFeedInterval { get; set; }
    public TimeSpan? LocalStockInterval { get; set; }
    public TimeSpan? LocalPriceInterval { get; set; }

    public IReadOnlyDictionary<long, string> ParamMap => ParsePairs(ParamProperties, nameof(ParamProperties));

    internal static IReadOnlyDictionary<long, string> ParsePairs(string? text, string setting)
    {
        var map = new Dictionary<long, string>();
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || parts[1].Length == 0)
                throw new FormatException($"{Section}__{setting}: '{pair}' is not bitrixId=value");
            map[id] = parts[1];
        }
        return map;
    }
}

