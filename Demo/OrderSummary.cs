using System.Globalization;
using System.Text.Json.Nodes;

namespace BitrixRetailCrm.Demo;

/// <summary>Compact views of an order and a customer as the RetailCRM simulator stores them (API v5 field names).</summary>
internal static class OrderSummary
{
    public static IEnumerable<string> Order(JsonObject order)
    {
        yield return $"order {Text(order["number"])} (externalId {Text(order["externalId"])}, id {Text(order["id"])}): " +
            $"status {Text(order["status"])}, site {Text(order["site"])}";
        yield return $"buyer    {Name(order)} <{Text(order["email"])}> {Text(order["phone"])}";
        foreach (JsonNode? item in Array(order["items"]))
            yield return $"item     {Text(item?["productName"])} (offer {Text(item?["offer"]?["externalId"])}): " +
                $"{Text(item?["quantity"])} × {Text(item?["initialPrice"])}, discount {Text(item?["discountManualAmount"], "0")}/unit";
        yield return $"delivery {Text(order["delivery"]?["code"])}, cost {Text(order["delivery"]?["cost"], "0")}" +
            (order["delivery"]?["address"]?["text"] is { } address ? $", {Text(address)}" : "");
        foreach (JsonNode? payment in Array(order["payments"]))
            yield return $"payment  {Text(payment?["type"])}, {Text(payment?["status"])}, amount {Text(payment?["amount"])}";
    }

    public static string Customer(JsonObject customer)
    {
        string phones = string.Join(", ", Array(customer["phones"]).Select(p => Text(p?["number"])));
        return $"customer {Name(customer)} (externalId {Text(customer["externalId"])}, id {Text(customer["id"])}) " +
            $"<{Text(customer["email"])}> {phones}".TrimEnd();
    }

    private static string Name(JsonObject person) =>
        string.Join(" ", new[] { person["lastName"], person["firstName"], person["patronymic"] }
            .Select(n => Text(n, "")).Where(n => n.Length > 0));

    private static IEnumerable<JsonNode?> Array(JsonNode? node) => node as JsonArray ?? [];

    private static string Text(JsonNode? node, string missing = "-") => node switch
    {
        null => missing,
        JsonValue value when value.TryGetValue(out decimal number) => number.ToString("0.##", CultureInfo.InvariantCulture),
        JsonValue value when value.TryGetValue(out double number) => number.ToString("0.##", CultureInfo.InvariantCulture),
        _ => node.ToString(),
    };
}
