using BitrixRetailCrm.RetailCrm;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.RetailCrm;

public class RetailCrmResponseTests
{
    private static string Sample(string name) =>
        File.ReadAllText(Path.Combine(TestPaths.SharedReference, "samples", "retailcrm", name));

    [Test]
    public void Errors_as_an_object_are_kept_by_field()
    {
        var response = RetailCrmResponse.Parse(400, Sample("error-400-order-not-loaded.customer-not-found.1c-configuration-pr150.json"));

        Assert.That(response.Success, Is.False);
        Assert.That(response.ErrorMsg, Is.EqualTo("Order is not loaded"));
        Assert.That(response.Errors["customer.externalId"], Does.Contain("2106"));
        Assert.That(response.Describe(), Does.Contain("customer.externalId"));
    }

    [Test]
    public void Errors_as_an_array_are_keyed_by_index()
    {
        var response = RetailCrmResponse.Parse(460,
            "{\"success\":false,\"errorMsg\":\"Orders are loaded with errors\",\"errors\":[\"items[0].offer.id: Offer with id 1 not found.\"]}");

        Assert.That(response.Errors["0"], Does.StartWith("items[0]"));
    }

    [Test]
    public void A_460_is_not_success_even_with_uploaded_orders()
    {
        var response = RetailCrmResponse.Parse(460, "{\"success\":false,\"uploadedOrders\":[{\"id\":1,\"externalId\":\"1\"}]}");
        Assert.That(response.Success, Is.False);
    }

    [Test]
    public void An_html_error_page_is_a_failure_without_a_body()
    {
        var response = RetailCrmResponse.Parse(405, Sample("error-405-account-does-not-exist.nginx.php-client-fixture.html"));

        Assert.That(response.Success, Is.False);
        Assert.That(response.Body, Is.Null);
        Assert.That(response.Describe(), Does.Contain("405"));
    }

    [Test]
    public void Create_response_is_success_with_an_id()
    {
        var response = RetailCrmResponse.Parse(201, Sample("orders-create.201.response.go-client-test.json"));
        Assert.That(response.Success, Is.True);
        Assert.That(response.Body!["id"], Is.Not.Null);
    }
}
