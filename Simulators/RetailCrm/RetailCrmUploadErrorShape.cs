namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>
/// How a partial (HTTP 460) answer of orders/upload and customers/upload carries its errors. Both occur: an array of
/// strings in retailcrm/api-client-go client_test.go TestClient_OrdersUpload_Fail, an object keyed by field in
/// TestClient_CustomersUpload_Fail (whose uploadedCustomers entry is only {"id":132}); error_test.go reads both.
/// </summary>
public enum RetailCrmUploadErrorShape
{
    /// <summary>Object and array by turns, one partial answer after the other, so a client meets both.</summary>
    Alternate,

    /// <summary>["items[0].offer.id: Offer with id 1 not found.", "Order with externalId=2 already exists.", …]: one entry per error.</summary>
    Array,

    /// <summary>
    /// {"field": "message"}: failures on the same field collapse onto one key and only the last message is kept, so the
    /// text need not name every failed entity; uploadedCustomers entries then carry only their id.
    /// </summary>
    Object,
}
