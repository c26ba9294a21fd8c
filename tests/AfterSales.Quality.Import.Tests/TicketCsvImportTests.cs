using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

public sealed class TicketCsvImportTests
{
    /// <summary>The import instant: after every timestamp of the test data.</summary>
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    private const string Header = "ticket_number,received_at,customer,contact,product_model,channel,description,category,severity,team,agent,first_response_at,resolved_at,solution,revisit_at,revisit_score,closed_at,csat,nps\n";

    [Fact]
    public async Task A_low_survey_score_in_imported_history_warns_and_never_reopens_the_closed_ticket()
    {
        var csv = Header +
            "CS20240301001,2024-03-01T10:30:00+08:00,Zhang San,13812345678,Phone Pro,phone,Battery drains,product-fault,CoreFunction,technical-support,tech-zhao,2024-03-01T11:30:00+08:00,2024-03-09T17:00:00+08:00,Battery replaced,2024-03-11T15:00:00+08:00,5,2024-03-11T15:05:00+08:00,1,0\n";
        var store = new InMemoryTicketStore();
        var report = await new TicketCsvImporter(store, store, Clock).ImportAsync(new StringReader(csv));
        Assert.Empty(report.Problems);
        string? ticketNumber = null;
        await foreach (var e in store.ReadFeedAsync(0))
        {
            if (e.Event is TicketRegistered r)
            {
                var history = (await store.ReadStreamAsync(r.TicketId)).Events.Select(x => x.Event).ToArray();
                Assert.Equal(TicketState.Closed, Ticket.Replay(r.TicketId, history).State);
                Assert.DoesNotContain(history, x => x is TicketReopened);
                Assert.Contains(history, x => x is NegativeFeedbackRaised { Reason: "low-survey-score" });
                ticketNumber = r.Intake.ServiceTicketNumber;
            }
        }

        Assert.Equal("CS20240301001", ticketNumber);
    }

    [Fact]
    public async Task Rows_become_tickets_with_their_history_and_bad_rows_are_reported_by_line()
    {
        var csv = Header +
            "CS20240301001,2024-03-01T10:30:00+08:00,Zhang San,13812345678,Phone Pro,phone,Battery drains,product-fault,CoreFunction,technical-support,tech-zhao,2024-03-01T11:30:00+08:00,2024-03-09T17:00:00+08:00,Battery replaced,2024-03-11T15:00:00+08:00,5,2024-03-11T15:05:00+08:00,5,10\n" +
            "CS20240301002,2024-03-01T14:15:00+08:00,Li Si,13900001111,AC installation,online-chat,No uniform,service-experience,,,supervisor-liu,,,,,,,,\n" +
            "CS20240301003,2024-03-01T09:00:00+08:00,Wang Wu,13700002222,Phone Lite,phone,Screen,product-fault,,,a,2024-03-01T08:00:00+08:00,,,,,,,\n" +
            "CS20240301004,2024-03-01T09:00:00+08:00,Zhao Liu,not-a-contact,Phone Lite,phone,Screen,product-fault,,,a,,,,,,,,\n" +
            "CS20240301005,2024-03-01T09:00:00+08:00,Sun Qi,13700003333,Phone Lite,phone,Screen,product-fault,,,a,,2024-03-02T09:00:00+08:00,,,,2024-03-03T09:00:00+08:00,,\n" +
            "CS20240301006,yesterday,Zhou Ba,13700004444,Phone Lite,phone,Screen,product-fault,,,a,,,,,,,,\n" +
            "CS20240301007,2024-03-01T09:00:00+08:00,Wu Jiu,13700005555,Phone Lite,phone,Screen,product-fault,Huge,,a,,2024-03-02T09:00:00+08:00,,,,,,\n";
        var store = new InMemoryTicketStore();
        var importer = new TicketCsvImporter(store, store, Clock);
        var report = await importer.ImportAsync(new StringReader(csv));
        Assert.Equal((7, 3), (report.Rows, report.Tickets));
        Assert.Equal([3, 4, 6, 7], report.Problems.Select(p => p.LineNumber - 1)); // data rows 3..7 are lines 4..8
        Assert.Contains("'first_response_at' (2024-03-01T00:00:00Z) is before 'received_at'", report.Problems[0].Reason);
        Assert.Contains("Contact", report.Problems[1].Reason);
        Assert.Contains("'received_at' value 'yesterday' is not a timestamp", report.Problems[2].Reason);
        Assert.Contains("'severity' value 'Huge' is not one of", report.Problems[3].Reason);
        Assert.All(report.Problems, p => Assert.StartsWith("CS2024030100", p.CaseId));

        var tickets = new List<Ticket>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            if (e.Event is TicketRegistered r)
            {
                tickets.Add(Ticket.Replay(r.TicketId, (await store.ReadStreamAsync(r.TicketId)).Events.Select(x => x.Event)));
            }
        }

        Assert.Equal(3, tickets.Count);
        var golden = tickets.Single(t => t.Intake!.ServiceTicketNumber == "CS20240301001");
        Assert.Equal(("F20240301001", TicketState.Closed, "HV20240301001", 5, 10), (golden.FeedbackNumber, golden.State, golden.LastRevisitNumber, golden.LastSurvey!.Satisfaction, golden.LastSurvey.LikelihoodToRecommend));
        Assert.Equal(Instant.FromUtc(2024, 3, 1, 3, 30), golden.FirstResponseAt);
        Assert.Equal(("technical-support", AfterSales.Quality.Prioritization.Priority.P1), (golden.Route!.Department, golden.Priority!.Value));
        var open = tickets.Single(t => t.Intake!.ServiceTicketNumber == "CS20240301002");
        Assert.Equal((TicketState.InProgress, "F20240301002"), (open.State, open.FeedbackNumber));

        // Closed at closed_at without a revisit: closed by its source, as the event-log importer closes such history.
        var closedBySource = tickets.Single(t => t.Intake!.ServiceTicketNumber == "CS20240301005");
        Assert.Equal((TicketState.Closed, null, 0), (closedBySource.State, closedBySource.LastRevisitNumber, closedBySource.RevisitAttempts));
        var closure = (await store.ReadStreamAsync(closedBySource.Id)).Events.Select(e => e.Event).OfType<TicketClosed>().Single();
        Assert.Equal((Instant.FromUtc(2024, 3, 3, 1, 0), "closed in tickets without a revisit"), (closure.OccurredAt, closure.ClosedBySource));

        // Re-running the file duplicates nothing.
        var count = store.Count;
        var again = await importer.ImportAsync(new StringReader(csv));
        Assert.Equal((0L, count), (again.EventsAppended, store.Count));
        var missing = await Assert.ThrowsAsync<QualityValidationException>(() => importer.ImportAsync(new StringReader("ticket_number,received_at\nx,y\n")));
        Assert.Equal(["customer", "contact", "product_model", "description", "category"], missing.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task A_closed_at_without_a_resolution_or_revisit_resolves_and_closes_by_source_and_a_re_run_appends_nothing()
    {
        var csv = Header + "CS20240301008,2024-03-01T09:00:00+08:00,Qian Shi,13700006666,Phone Lite,phone,Screen,product-fault,,,a,,,,,,2024-03-04T09:00:00+08:00,4,\n";
        var store = new InMemoryTicketStore();
        var importer = new TicketCsvImporter(store, store, Clock);
        var report = await importer.ImportAsync(new StringReader(csv));
        Assert.Empty(report.Problems);
        var events = new List<TicketEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            events.Add(e.Event);
        }

        var ticket = Ticket.Replay(events[0].TicketId, events);
        Assert.Equal((TicketState.Closed, Instant.FromUtc(2024, 3, 4, 1, 0), 4), (ticket.State, ticket.ResolvedAt!.Value, ticket.LastSurvey!.Satisfaction!.Value));
        Assert.Equal("closed in tickets without a revisit", events.OfType<TicketClosed>().Single().ClosedBySource);
        Assert.DoesNotContain(events, e => e is RevisitRecorded);
        Assert.Equal(0, (await importer.ImportAsync(new StringReader(csv))).EventsAppended);
    }

    [Fact]
    public async Task Local_timestamps_are_read_in_the_desks_zone_unless_the_mapping_names_one()
    {
        const string Row = "CS1,2024-03-01 10:30:00,Zhang San,13812345678,Phone Pro,phone,Battery drains,product-fault,,,a,,,,,,,,\n";
        async Task<Instant> ReceivedAt(TicketServiceOptions options, TicketCsvMapping mapping)
        {
            var store = new InMemoryTicketStore();
            var report = await new TicketCsvImporter(store, store, Clock, options).ImportAsync(new StringReader(Header + Row), mapping);
            Assert.Empty(report.Problems);
            var registered = await store.ReadFeedAsync(0).Select(e => e.Event).OfType<TicketRegistered>().SingleAsync();
            return registered.Intake.ReceivedAt;
        }

        var local = new TicketCsvMapping { TimestampPattern = "uuuu'-'MM'-'dd HH':'mm':'ss" };
        var desk = new TicketServiceOptions();
        desk.Numbering.TimeZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        Assert.Equal(Instant.FromUtc(2024, 3, 1, 2, 30), await ReceivedAt(desk, local)); // 10:30 in Shanghai
        Assert.Equal(Instant.FromUtc(2024, 3, 1, 10, 30), await ReceivedAt(new TicketServiceOptions(), local)); // no desk zone: UTC
        var berlin = new TicketCsvMapping { TimestampPattern = local.TimestampPattern, TimeZone = DateTimeZoneProviders.Tzdb["Europe/Berlin"] };
        Assert.Equal(Instant.FromUtc(2024, 3, 1, 9, 30), await ReceivedAt(desk, berlin)); // the caller's zone wins
    }
}
