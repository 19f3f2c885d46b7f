using BitrixRetailCrm.StatusSync;
using NUnit.Framework;
using static BitrixRetailCrm.Tests.StatusSync.StatusSyncSamples;

namespace BitrixRetailCrm.Tests.StatusSync;

public class OrderHistoryParserTests
{
    /// <summary>
    /// A last page in the fixture's entry shape: manager changes (source user), writes by our key (apiKey.current=true),
    /// another integration's key, a non-status field, an order linked to no Bitrix order, and externalId 236 in two stores.
    /// </summary>
    private const string ConstructedPage = """
        {"success":true,"generatedAt":"2024-05-14 16:10:00","history":[
          {"id":9001,"createdAt":"2024-05-14 16:00:01","source":"user","user":{"id":19},"field":"status",
           "oldValue":{"code":"new"},"newValue":{"code":"assembling"},
           "order":{"id":2031,"externalId":"236","site":"shop","status":"assembling"}},
          {"id":9002,"createdAt":"2024-05-14 16:00:07","source":"api","apiKey":{"current":true},"field":"status",
           "oldValue":{"code":"assembling"},"newValue":{"code":"complete"},
           "order":{"id":2031,"externalId":"236","site":"shop","status":"complete"}},
          {"id":9003,"createdAt":"2024-05-14 16:01:00","source":"api","apiKey":{"current":true},"field":"status",
           "oldValue":{"code":"new"},"newValue":{"code":"delivery"},
           "order":{"id":2032,"externalId":"237","site":"shop","status":"delivery"}},
          {"id":9004,"createdAt":"2024-05-14 16:02:11","source":"user","user":{"id":19},"field":"status",
           "oldValue":{"code":"delivery"},"newValue":{"code":"complete"},
           "order":{"id":2032,"externalId":"237","site":"shop","status":"complete"}},
          {"id":9005,"createdAt":"2024-05-14 16:03:00","source":"api","apiKey":{"current":false},"field":"status",
           "oldValue":{"code":"new"},"newValue":{"code":"cancel-other"},
           "order":{"id":2033,"externalId":"238","site":"shop","status":"cancel-other"}},
          {"id":9006,"createdAt":"2024-05-14 16:04:00","source":"user","user":{"id":19},"field":"manager_comment",
           "oldValue":null,"newValue":"call back",
           "order":{"id":2034,"externalId":"239","site":"shop","status":"new"}},
          {"id":9007,"createdAt":"2024-05-14 16:05:00","source":"user","user":{"id":23},"field":"status",
           "oldValue":{"code":"new"},"newValue":{"code":"client-confirmed"},
           "order":{"id":3100,"externalId":"236","site":"shop-b2b","status":"client-confirmed"}},
          {"id":9008,"createdAt":"2024-05-14 16:06:00","source":"user","user":{"id":19},"field":"status",
           "oldValue":{"code":"new"},"newValue":{"code":"client-confirmed"},
           "order":{"id":2035,"site":"shop","status":"client-confirmed"}}
        ],"pagination":{"limit":100,"totalCount":208,"currentPage":3,"totalPageCount":3}}
        """;

    private static OrderHistoryPage Parse(string json) => OrderHistoryParser.Parse(json, Moscow);

    [Test]
    public void Fixture_yields_the_status_change_of_the_linked_order()
    {
        var page = Parse(HistoryExcerpt());

        // 7044 changes status too, but its order has no externalId yet; 7104 and 7080 are other fields.
        Assert.That(page.StatusChanges, Is.EqualTo(new[]
        {
            new CrmStatusChange("14", 2031, "new", "BitrixMod", 7038, MoscowTime(2018, 10, 2, 13, 30, 6),
                CrmStatusChange.HistorySource),
        }));
    }

    [Test]
    public void Cursor_advances_past_skipped_entries_and_pages_remain()
    {
        var page = Parse(HistoryExcerpt());

        Assert.Multiple(() =>
        {
            Assert.That(page.LastId, Is.EqualTo(7104), "entries are not sorted by id: 7104 precedes 7080");
            Assert.That(page.HasMore, Is.True, "page 1 of 298");
        });
    }

    [Test]
    public void Own_writes_and_older_changes_of_an_order_are_dropped()
    {
        var page = Parse(ConstructedPage);

        Assert.That(page.StatusChanges, Is.EqualTo(new[]
        {
            // 236@shop: the manager's 9001 is older than our own 9002, so Bitrix already holds the newer status.
            // 237: our 9003 was overtaken by the manager's 9004.
            new CrmStatusChange("237", 2032, "complete", "shop", 9004, MoscowTime(2024, 5, 14, 16, 2, 11),
                CrmStatusChange.HistorySource),
            // Another key's write (apiKey.current=false) is a foreign change.
            new CrmStatusChange("238", 2033, "cancel-other", "shop", 9005, MoscowTime(2024, 5, 14, 16, 3, 0),
                CrmStatusChange.HistorySource),
            // Same externalId, other store: a different order.
            new CrmStatusChange("236", 3100, "client-confirmed", "shop-b2b", 9007, MoscowTime(2024, 5, 14, 16, 5, 0),
                CrmStatusChange.HistorySource),
        }));
    }

    [Test]
    public void Last_page_reports_no_more_and_the_highest_id()
    {
        var page = Parse(ConstructedPage);

        Assert.Multiple(() =>
        {
            Assert.That(page.LastId, Is.EqualTo(9008));
            Assert.That(page.HasMore, Is.False);
        });
    }

    [Test]
    public void Empty_page_keeps_the_cursor()
    {
        var page = Parse("""
            {"success":true,"generatedAt":"2024-05-14 16:10:00","history":[],
             "pagination":{"limit":100,"totalCount":0,"currentPage":1,"totalPageCount":0}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusChanges, Is.Empty);
            Assert.That(page.LastId, Is.Null);
            Assert.That(page.HasMore, Is.False);
        });
    }

    [TestCase("""{"success":true,"history":[""")]
    [TestCase("""{"success":false,"errorMsg":"Access denied."}""")]
    public void Unreadable_response_is_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => Parse(json));
    }

    [Test]
    public void A_malformed_entry_is_rejected_alone_and_the_cursor_moves_past_it()
    {
        var page = Parse("""
            {"success":true,"history":[
              {"createdAt":"2024-05-14 16:00:01","field":"status","order":{"id":5,"externalId":"5"}},
              {"id":11,"createdAt":"14.05.2024","field":"status","newValue":{"code":"new"},"order":{"id":1,"externalId":"1"}},
              {"id":12,"createdAt":"2024-05-14 16:00:03","source":"user","field":"status","newValue":{"code":"complete"},
               "order":{"id":2,"externalId":"2","site":"shop"}}]}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusChanges.Select(c => c.ExternalId), Is.EqualTo(new[] { "2" }), "the good entry still applies");
            Assert.That(page.Rejected.Select(r => (r.Id, r.RecordKey)), Is.EqualTo(new[] { ((long?)null, "5"), (11L, "1") }));
            Assert.That(page.Rejected[1].Reason, Does.Contain("14.05.2024"));
            Assert.That(page.LastId, Is.EqualTo(12));
        });
    }

    [Test]
    public void A_null_history_reads_as_an_empty_page()
    {
        var page = Parse("""{"success":true,"history":null}""");

        Assert.That((page.StatusChanges.Count, page.Rejected.Count, page.LastId), Is.EqualTo((0, 0, (long?)null)));
    }
}
