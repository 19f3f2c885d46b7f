using BitrixRetailCrm.Hooks;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Hooks;

public class OrderHookParserTests
{
    private const string Form = "application/x-www-form-urlencoded";

    // The derived ONSALEORDERSAVED delivery of bitrix-api.md Appendix A.7, bracketed keys percent-encoded as Bitrix sends them.
    private const string BitrixEvent =
        "event=ONSALEORDERSAVED&event_handler_id=12&data%5BFIELDS%5D%5BID%5D=236&data%5BFIELDS%5D%5BXML_ID%5D=bx_65df53063d56d" +
        "&data%5BFIELDS%5D%5BACTION%5D=save&ts=1714649632&auth%5Bdomain%5D=shop.example.ru" +
        "&auth%5Bclient_endpoint%5D=https%3A%2F%2Fshop.example.ru%2Frest%2F&auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F" +
        "&auth%5Bmember_id%5D=d897063e1ce7c5eb9f04b9751eef5915&auth%5Bapplication_token%5D=jvh9y1ulvt2m6k5or90v9mg8nn32ozas";

    [Test]
    public void Bitrix_outbound_webhook_form_yields_order_token_and_domain()
    {
        var hook = OrderHookParser.Parse(Form + "; charset=utf-8", BitrixEvent, headerToken: null);

        Assert.That(hook.OrderIds, Is.EqualTo(new[] { 236L }));
        Assert.That(hook.Token, Is.EqualTo("jvh9y1ulvt2m6k5or90v9mg8nn32ozas"));
        Assert.That(hook.Domain, Is.EqualTo("shop.example.ru"));
        Assert.That(hook.Source, Is.EqualTo("bitrix-webhook"));
        Assert.That(hook.Problem, Is.Null);
    }

    [Test]
    public void Event_name_is_compared_case_insensitively()
    {
        var hook = OrderHookParser.Parse(Form, BitrixEvent.Replace("ONSALEORDERSAVED", "OnSaleOrderSaved"), null);
        Assert.That(hook.Problem, Is.Null);
    }

    [Test]
    public void Another_event_is_a_problem_that_names_it()
    {
        var hook = OrderHookParser.Parse(Form, BitrixEvent.Replace("ONSALEORDERSAVED", "ONCRMDEALADD"), null);
        Assert.That(hook.Problem, Does.Contain("ONCRMDEALADD"));
        Assert.That(hook.Token, Is.Not.Null, "the token is still read so the caller can answer 401 first");
    }

    [TestCase("data%5BFIELDS%5D%5BID%5D=236", "data%5BFIELDS%5D%5BID%5D=abc")]
    [TestCase("data%5BFIELDS%5D%5BID%5D=236", "data%5BFIELDS%5D%5BID%5D=-5")]
    [TestCase("data%5BFIELDS%5D%5BID%5D=236&", "")]
    public void Missing_or_non_numeric_order_id_is_a_problem(string original, string replacement)
    {
        var hook = OrderHookParser.Parse(Form, BitrixEvent.Replace(original, replacement), null);
        Assert.That(hook.Problem, Does.Contain("data[FIELDS][ID]"));
        Assert.That(hook.OrderIds, Is.Empty);
    }

    [TestCase("{\"orderId\": 123, \"siteId\": \"s1\"}", new long[] { 123 })]
    [TestCase("{\"orderId\": \"123\"}", new long[] { 123 })]
    [TestCase("{\"orderIds\": [5, \"6\", 5]}", new long[] { 5, 6 })]
    public void Php_handler_json_accepts_ids_as_numbers_or_strings(string body, long[] expected)
    {
        var hook = OrderHookParser.Parse("application/json", body, "secret-token");
        Assert.That(hook.OrderIds, Is.EqualTo(expected));
        Assert.That(hook.Token, Is.EqualTo("secret-token"));
        Assert.That(hook.Problem, Is.Null);
    }

    [Test]
    public void Php_handler_json_carries_the_site()
    {
        var hook = OrderHookParser.Parse("application/json", "{\"orderId\":123,\"siteId\":\"s2\"}", "t");
        Assert.That(hook.SiteId, Is.EqualTo("s2"));
    }

    [TestCase("{\"order\": 1}", "orderId")]
    [TestCase("{\"orderId\": 12.5}", "12.5")]
    [TestCase("[1,2]", "JSON object")]
    public void Json_without_a_usable_order_id_is_a_problem(string body, string named)
    {
        var hook = OrderHookParser.Parse("application/json", body, "t");
        Assert.That(hook.Problem, Does.Contain(named));
    }

    [Test]
    public void Malformed_json_is_rejected_with_400()
    {
        var ex = Assert.Throws<HookRejectedException>(() => OrderHookParser.Parse("application/json", "{\"orderId\": ", "t"));
        Assert.That(ex!.Status, Is.EqualTo(400));
    }

    [Test]
    public void Other_media_types_are_rejected_with_415()
    {
        var ex = Assert.Throws<HookRejectedException>(() => OrderHookParser.Parse("text/plain", "236", null));
        Assert.That(ex!.Status, Is.EqualTo(415));
    }
}
