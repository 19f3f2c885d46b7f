using System.Text.Json.Nodes;
using BitrixRetailCrm.Simulators.Common;

namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// The dictionary checks the real CRM applies before it accepts an order ("Order is not loaded" + errors by field path).
/// Only fields present in the payload are checked, so the same rules serve create and partial edit.
/// </summary>
internal sealed class RetailCrmOrderRules(RetailCrmSimulatorOptions options, Func<JsonObject, string, JsonObject?> findCustomer)
{
    public Dictionary<string, string> Check(JsonObject order, string site)
    {
        Dictionary<string, string> errors = [];
        CheckStatus(order, errors);
        CheckOrderType(order, errors);
        CheckShipmentStore(order, errors);
        CheckDelivery(order, errors);
        CheckPayments(order, errors);
        CheckItems(order, errors);
        CheckCustomer(order, site, errors);
        return errors;
    }

    private void CheckStatus(JsonObject order, Dictionary<string, string> errors)
    {
        if (!order.ContainsKey("status"))
            return;
        string? code = JsonValues.AsString(order["status"]);
        RetailCrmStatus? status = options.Statuses.Find(s => s.Code == code);
        if (status is null)
            errors["status"] = $"Status \"{code}\" does not exist.";
        else if (!status.Active)
            errors["status"] = $"Status \"{code}\" is not active.";
    }

    private void CheckOrderType(JsonObject order, Dictionary<string, string> errors)
    {
        if (!order.ContainsKey("orderType"))
            return;
        string? code = JsonValues.AsString(order["orderType"]);
        if (!options.OrderTypes.Exists(t => t.Code == code && t.Active))
            errors["orderType"] = $"Order type \"{code}\" does not exist.";
    }

    private void CheckShipmentStore(JsonObject order, Dictionary<string, string> errors)
    {
        if (!order.ContainsKey("shipmentStore"))
            return;
        string? code = JsonValues.AsString(order["shipmentStore"]);
        if (!options.Stores.Exists(s => s.Code == code && s.Active))
            errors["shipmentStore"] = $"Store \"{code}\" does not exist.";
    }

    private void CheckDelivery(JsonObject order, Dictionary<string, string> errors)
    {
        if (order["delivery"] is not JsonObject delivery || !delivery.ContainsKey("code"))
            return;
        string? code = JsonValues.AsString(delivery["code"]);
        if (!options.DeliveryTypes.Exists(d => d.Code == code && d.Active))
            errors["delivery.code"] = $"Delivery type \"{code}\" does not exist.";
    }

    private void CheckPayments(JsonObject order, Dictionary<string, string> errors)
    {
        if (!order.ContainsKey("payments"))
            return;
        if (order["payments"] is not JsonArray payments)
        {
            errors["payments"] = "This value should be of type array.";
            return;
        }
        for (int i = 0; i < payments.Count; i++)
        {
            string? type = JsonValues.AsString(payments[i]?["type"]);
            if (type is null)
                errors[$"payments[{i}].type"] = "This value should not be blank.";
            else if (!options.PaymentTypes.Exists(p => p.Code == type && p.Active))
                errors[$"payments[{i}].type"] = $"Payment type \"{type}\" does not exist.";
            if (payments[i]?["status"] is { } statusNode
                && JsonValues.AsString(statusNode) is var status
                && !options.PaymentStatuses.Exists(p => p.Code == status && p.Active))
                errors[$"payments[{i}].status"] = $"Payment status \"{status}\" does not exist.";
        }
    }

    private static void CheckItems(JsonObject order, Dictionary<string, string> errors)
    {
        if (!order.ContainsKey("items"))
            return;
        if (order["items"] is not JsonArray items)
        {
            errors["items"] = "This value should be of type array.";
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i]?["quantity"] is not { } quantityNode)
                continue;
            decimal? quantity = JsonValues.AsDecimal(quantityNode);
            if (quantity is null)
                errors[$"items[{i}].quantity"] = "This value should be of type numeric.";
            else if (quantity <= 0)
                errors[$"items[{i}].quantity"] = "This value should be greater than 0.";
        }
    }

    private void CheckCustomer(JsonObject order, string site, Dictionary<string, string> errors)
    {
        if (!order.ContainsKey("customer"))
            return;
        if (order["customer"] is not JsonObject reference)
        {
            errors["customer"] = "This value should be of type object.";
            return;
        }
        if (findCustomer(reference, site) is not null)
            return;
        if (JsonValues.AsString(reference["externalId"]) is { } externalId)
            errors["customer.externalId"] = $"Customer with externalId={externalId} not found.";
        else if (JsonValues.AsString(reference["id"]) is { } id)
            errors["customer.id"] = $"Customer with id={id} not found.";
    }
}
