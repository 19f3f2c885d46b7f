using System.Text.Json;
using BitrixRetailCrm.Bitrix;
using BitrixRetailCrm.Mapping;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Mapping;

/// <summary><c>sale.order.get</c> responses under TestData/bitrix and the mapping tables they are written against.</summary>
internal static class BitrixSamples
{
    /// <summary>Published example from the Bitrix REST docs (sale-order-get.md), verbatim.</summary>
    public const string DocsSample = "sale.order.get.docs-sample.json";

    /// <summary>Three discounted items, two payments, courier delivery, FIO/ZIP/CITY/ADDRESS, \u0022-escaped text.</summary>
    public const string Full = "order-full.json";

    /// <summary>canceled=Y with a reason, NAME/LAST_NAME/SECOND_NAME properties, \u-escaped Cyrillic, all-string ids.</summary>
    public const string Canceled = "order-canceled.json";

    /// <summary>Digital goods: no shipment, empty EMAIL, two-word FIO, prices as strings.</summary>
    public const string NoShipmentNoEmail = "order-no-shipment-no-email.json";

    public static MappingSet Mappings { get; } = new(DefaultMappings.Load());

    public static BitrixOrder Order(string file) => BitrixOrderParser.ParseResponse(Json(File.ReadAllText(Path(file))));

    public static MappedOrder Mapped(string file, OrderMappingOptions? options = null) =>
        OrderMapper.Map(Order(file), Mappings, options ?? new OrderMappingOptions());

    /// <summary>Parses a minimal valid order (id 1, lid s1, statusId N) with <paramref name="fields"/> (JSON members) added.</summary>
    public static BitrixOrder Inline(string fields = "") =>
        BitrixOrderParser.Parse(Json($$"""{"id":1,"lid":"s1","statusId":"N"{{(fields.Length > 0 ? "," + fields : "")}}}"""));

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Path(string file) =>
        System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "bitrix", file);
}
