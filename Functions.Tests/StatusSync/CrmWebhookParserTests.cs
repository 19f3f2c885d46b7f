using BitrixRetailCrm.Hooks;
using BitrixRetailCrm.StatusSync;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.StatusSync;

public class CrmWebhookParserTests
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json; charset=utf-8";

    private static readonly CrmWebhookFields Fields = new();

    private static ParsedCrmWebhook Parse(string contentType, string body, CrmWebhookFields? fields = null) =>
        CrmWebhookParser.Parse(contentType, body, fields ?? Fields, StatusSyncSamples.Moscow);

    [Test]
    public void Trigger_form_post_yields_one_change_and_the_secret()
    {
        var hook = Parse(Form,
            "externalId=236&id=2031&status=complete&site=shop&changedAt=2024-05-14+16%3A02%3A11&secret=k9Vx2TqLm4");

        Assert.Multiple(() =>
        {
            Assert.That(hook.Problem, Is.Null);
            Assert.That(hook.Secret, Is.EqualTo("k9Vx2TqLm4"));
            Assert.That(hook.Changes, Is.EqualTo(new[]
            {
                new CrmStatusChange("236", 2031, "complete", "shop", null,
                    StatusSyncSamples.MoscowTime(2024, 5, 14, 16, 2, 11), CrmStatusChange.TriggerSource),
            }));
        });
    }

    [Test]
    public void Parameter_names_follow_the_configured_fields()
    {
        // The modRetailCRM trigger of the MODX docs: order_id={{order.getExternalId()}}, status={{order.getStatus().getCode()}}.
        var fields = new CrmWebhookFields { ExternalId = "order_id", Secret = "token" };

        var hook = Parse(Form, "retailCRM_action=change_status&status=cancel-other&order_id=14&token=k9Vx2TqLm4", fields);

        Assert.Multiple(() =>
        {
            Assert.That(hook.Problem, Is.Null);
            Assert.That(hook.Secret, Is.EqualTo("k9Vx2TqLm4"));
            Assert.That(hook.Changes.Single(), Is.EqualTo(
                new CrmStatusChange("14", null, "cancel-other", null, null, null, CrmStatusChange.TriggerSource)));
        });
    }

    [Test]
    public void Fields_bind_from_the_configuration_section()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{CrmWebhookFields.Section}:ExternalId"] = "order_id" })
            .Build();

        var fields = configuration.GetSection(CrmWebhookFields.Section).Get<CrmWebhookFields>();

        Assert.That(fields, Is.EqualTo(new CrmWebhookFields { ExternalId = "order_id" }));
    }

    [Test]
    public void Order_created_in_the_crm_arrives_with_only_its_crm_id()
    {
        // {{order.getExternalId()}} renders empty for an order that has no externalId yet.
        var hook = Parse(Form, "externalId=&id=2034&status=client-confirmed&site=shop&secret=k9Vx2TqLm4");

        Assert.That(hook.Changes.Single(), Is.EqualTo(
            new CrmStatusChange(null, 2034, "client-confirmed", "shop", null, null, CrmStatusChange.TriggerSource)));
    }

    [TestCase("2024-05-14 16:02:11")]
    [TestCase("2024-05-14T16:02:11")]
    [TestCase("2024-05-14T16:02:11+03:00")]
    [TestCase("2024-05-14T13:02:11Z")]
    [TestCase("2024-05-14T13:02:11.000Z")]
    public void Changed_at_accepts_crm_and_iso_formats(string changedAt)
    {
        var hook = Parse(Form, $"externalId=236&status=complete&changedAt={Uri.EscapeDataString(changedAt)}");

        Assert.That(hook.Changes.Single().ChangedAt, Is.EqualTo(new DateTimeOffset(2024, 5, 14, 13, 2, 11, TimeSpan.Zero)));
    }

    [Test]
    public void Json_body_carries_several_orders_with_ids_as_strings_or_numbers()
    {
        var hook = Parse(Json, """
            {"secret":"k9Vx2TqLm4","orders":[
              {"externalId":"236","id":2031,"status":"complete","site":"shop"},
              {"externalId":237,"id":"2032","status":"delivery","site":"shop","changedAt":"2024-05-14 16:05:00"}
            ]}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(hook.Problem, Is.Null);
            Assert.That(hook.Secret, Is.EqualTo("k9Vx2TqLm4"));
            Assert.That(hook.Changes, Is.EqualTo(new[]
            {
                new CrmStatusChange("236", 2031, "complete", "shop", null, null, CrmStatusChange.TriggerSource),
                new CrmStatusChange("237", 2032, "delivery", "shop", null,
                    StatusSyncSamples.MoscowTime(2024, 5, 14, 16, 5, 0), CrmStatusChange.TriggerSource),
            }));
        });
    }

    [Test]
    public void Json_without_a_secret_leaves_it_to_the_query_string()
    {
        var hook = Parse(Json, """{"orders":[{"externalId":"236","id":2031,"status":"complete"}]}""");

        Assert.Multiple(() =>
        {
            Assert.That(hook.Secret, Is.Null);
            Assert.That(hook.Changes.Single().ExternalId, Is.EqualTo("236"));
        });
    }

    [Test]
    public void Flat_json_object_is_one_order()
    {
        var hook = Parse(Json, """{"externalId":"236","id":"2031","status":"complete","site":"shop","secret":"k9Vx2TqLm4"}""");

        Assert.Multiple(() =>
        {
            Assert.That(hook.Secret, Is.EqualTo("k9Vx2TqLm4"));
            Assert.That(hook.Changes.Single(), Is.EqualTo(
                new CrmStatusChange("236", 2031, "complete", "shop", null, null, CrmStatusChange.TriggerSource)));
        });
    }

    [TestCase("externalId=%7B%7Border.getExternalId()%7D%7D&id=2031&status=complete", "externalId")]
    [TestCase("externalId=236&id=2031&status=%7B%7B+order.getStatus().getCode()+%7D%7D", "status")]
    public void Unrendered_template_is_a_problem(string body, string field)
    {
        var hook = Parse(Form, body + "&secret=k9Vx2TqLm4");

        Assert.Multiple(() =>
        {
            Assert.That(hook.Secret, Is.EqualTo("k9Vx2TqLm4"));
            Assert.That(hook.Changes, Is.Empty);
            Assert.That(hook.Problem, Does.StartWith($"Field '{field}' holds the unrendered template '{{{{"));
        });
    }

    [TestCase("status=complete&site=shop", "Field 'externalId' or 'id' is required.")]
    [TestCase("externalId=+&id=&status=complete", "Field 'externalId' or 'id' is required.")]
    [TestCase("externalId=236&id=2031&site=shop", "Field 'status' is required.")]
    [TestCase("externalId=236&id=2031&status=", "Field 'status' is required.")]
    [TestCase("externalId=236&id=BX-2031&status=complete", "Field 'id' must be a positive order id, got 'BX-2031'.")]
    [TestCase("externalId=236&status=complete&changedAt=14.05.2024+16%3A02",
        "Field 'changedAt' must be a date-time as Y-m-d H:i:s or ISO-8601, got '14.05.2024 16:02'.")]
    public void Incomplete_form_is_a_problem_naming_the_field(string body, string problem)
    {
        var hook = Parse(Form, body);

        Assert.Multiple(() =>
        {
            Assert.That(hook.Problem, Is.EqualTo(problem));
            Assert.That(hook.Changes, Is.Empty);
        });
    }

    [TestCase("""{"orders":[{"externalId":"236","status":"complete"},{"id":2032}]}""", "orders[1]: Field 'status' is required.")]
    [TestCase("""{"orders":[{"externalId":{"value":"236"},"status":"complete"}]}""",
        "orders[0]: Field 'externalId' must be a string or a number.")]
    [TestCase("""{"orders":["236"]}""", "orders[0]: Each order must be a JSON object.")]
    [TestCase("""{"orders":[]}""", "Field 'orders' must be a non-empty array of orders.")]
    [TestCase("""{"orders":{"externalId":"236"}}""", "Field 'orders' must be a non-empty array of orders.")]
    [TestCase("""[{"externalId":"236","status":"complete"}]""", "The body must be a JSON object.")]
    public void Unacceptable_json_is_a_problem(string body, string problem)
    {
        var hook = Parse(Json, body);

        Assert.Multiple(() =>
        {
            Assert.That(hook.Problem, Is.EqualTo(problem));
            Assert.That(hook.Changes, Is.Empty);
        });
    }

    [Test]
    public void Too_many_orders_is_a_problem()
    {
        var orders = string.Join(",", Enumerable.Range(1, CrmWebhookParser.MaxChangesPerWebhook + 1)
            .Select(id => $$"""{"externalId":"{{id}}","status":"complete"}"""));

        var hook = Parse(Json, $$"""{"orders":[{{orders}}]}""");

        Assert.That(hook.Problem, Is.EqualTo($"At most {CrmWebhookParser.MaxChangesPerWebhook} orders per request."));
    }

    [Test]
    public void Malformed_json_is_rejected_with_400()
    {
        var error = Assert.Throws<HookRejectedException>(() => Parse(Json, """{"orders":[{"externalId":"236",""" ))!;

        Assert.That(error.Status, Is.EqualTo(400));
    }

    [TestCase("text/plain")]
    [TestCase("multipart/form-data; boundary=x")]
    [TestCase(null)]
    public void Other_media_types_are_rejected_with_415(string? contentType)
    {
        var error = Assert.Throws<HookRejectedException>(() =>
            CrmWebhookParser.Parse(contentType, "externalId=236&status=complete", Fields, StatusSyncSamples.Moscow))!;

        Assert.That(error.Status, Is.EqualTo(415));
    }
}
