using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// Bad files as they arrive from real exports: every bad row or case is reported with its line and
/// reason, never aborts the rest, and nothing is silently lost.
/// </summary>
public sealed class BadFileTests
{
    private const string Header = "Case ID,Activity,Resource,Complete Timestamp,product,customer\n";
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    private static EventLogMapping Mapping() => EventLogMapping.Helpdesk2017;

    private static string Case(string id, string resource = "Value 1", string day = "09", string customer = "c") =>
        $"{id},Assign seriousness,{resource},2012/10/{day} 14:50:17.000,P1,{customer}\n" +
        $"{id},Take in charge ticket,{resource},2012/10/{day} 14:51:01.000,P1,{customer}\n" +
        $"{id},Resolve ticket,{resource},2012/10/{day} 16:00:00.000,P1,{customer}\n";

    private static async Task<(ImportReport Report, InMemoryTicketStore Store)> Import(string csv, EventLogMapping? mapping = null, InMemoryTicketStore? store = null)
    {
        store ??= new InMemoryTicketStore();
        var report = await new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(csv), mapping ?? Mapping());
        return (report, store);
    }

    private static async Task<Dictionary<string, Ticket>> Tickets(InMemoryTicketStore store)
    {
        var tickets = new Dictionary<string, Ticket>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            if (e.Event is TicketRegistered r)
            {
                tickets[r.Intake.ServiceTicketNumber!] = Ticket.Replay(r.TicketId, (await store.ReadStreamAsync(r.TicketId)).Events.Select(x => x.Event));
            }
        }

        return tickets;
    }

    [Fact]
    public async Task A_case_that_cannot_be_registered_is_reported_and_the_later_cases_import()
    {
        var csv = Header + Case("Case 1") + Case("Case 2", customer: new string('x', 300)) + Case("Case 3");
        var (report, store) = await Import(csv);
        var tickets = await Tickets(store);
        Assert.Equal(["Case 1", "Case 3"], tickets.Keys.Order());
        Assert.All(tickets.Values, t => Assert.Equal(TicketState.Resolved, t.State));
        var problem = Assert.Single(report.Problems, p => p.Reason.StartsWith("the case is not imported", StringComparison.Ordinal));
        Assert.Equal((5, "Case 2"), (problem.LineNumber, problem.CaseId));
        Assert.Contains("CustomerName", problem.Reason);
        Assert.Equal(2, report.Tickets);
    }

    [Fact]
    public async Task An_empty_agent_cell_is_no_actor_and_the_null_token_is_no_value()
    {
        var csv = Header + Case("Case 1", resource: "") + Case("Case 2", resource: "?", day: "10");
        var mapping = Mapping();
        mapping.NullToken = "?";
        var (report, store) = await Import(csv, mapping);
        Assert.Empty(report.Problems);
        var tickets = await Tickets(store);
        Assert.Equal(2, tickets.Count);
        Assert.All(tickets.Values, t => Assert.Equal((TicketState.Resolved, "unassigned"), (t.State, t.Assignee)));
        await foreach (var e in store.ReadFeedAsync(0))
        {
            Assert.NotEqual("?", e.Event.Actor);
            Assert.False(string.IsNullOrWhiteSpace(e.Event.Actor));
        }
    }

    [Fact]
    public async Task An_unclosed_quote_is_reported_by_line_instead_of_eating_the_file()
    {
        var csv = Header + Case("Case 1") + "Case 2,\"Assign seriousness,Value 1,2012/10/09 14:50:17.000,P1,c\n" + Case("Case 3");
        var (report, store) = await Import(csv);
        var problem = Assert.Single(report.Problems);
        Assert.Equal(5, problem.LineNumber);
        Assert.Contains("fields but the header has 6", problem.Reason);
        Assert.Contains("never closed", problem.Reason);
        Assert.Equal(["Case 1"], (await Tickets(store)).Keys);
        Assert.Equal(4, report.Rows); // the 3 rows of Case 1 and the unclosed row that swallowed Case 3's lines
    }

    [Fact]
    public async Task Rows_with_the_wrong_field_count_or_bad_quoting_are_reported_by_line_and_the_rest_imports()
    {
        var csv = Header + Case("Case 1")
            + "Case 2,Assign seriousness,Value 1,2012/10/09 14:50:17.000,P1\n" // a field missing
            + "Case 2,Assign seriousness,Smith, John,2012/10/09 14:50:17.000,P1,c\n" // an unquoted comma shifts the columns
            + "Case 2,Assign seriousness,Val\"ue,2012/10/09 14:50:17.000,P1,c\n" // a stray quote
            + Case("Case 3", resource: "\"Smith, John\"");
        var (report, store) = await Import(csv);
        Assert.Equal([5, 6], report.Problems.Select(p => p.LineNumber));
        Assert.Contains("5 fields but the header has 6", report.Problems[0].Reason);
        Assert.Contains("7 fields but the header has 6", report.Problems[1].Reason);
        var tickets = await Tickets(store);
        Assert.Equal(["Case 1", "Case 2", "Case 3"], tickets.Keys.Order());
        Assert.Equal(TicketState.Triaged, tickets["Case 2"].State); // the stray quote inside an unquoted field is a character of it (RFC 4180 reading)
        Assert.Equal("Smith, John", tickets["Case 3"].Assignee);
    }

    [Fact]
    public async Task A_bom_and_mixed_line_ends_import_as_the_plain_file_does()
    {
        var plain = Header + Case("Case 1") + Case("Case 2");
        var mixed = "\uFEFF" + string.Concat(plain.Split('\n').Select((l, i) => l.Length == 0 ? "" : l + (i % 2 == 0 ? "\r\n" : "\n")));
        var (a, storeA) = await Import(plain);
        var (b, storeB) = await Import(mixed);
        Assert.Empty(b.Problems);
        Assert.Equal((a.Rows, a.Tickets, a.EventsAppended), (b.Rows, b.Tickets, b.EventsAppended));
        Assert.Equal((await Tickets(storeA)).Values.Select(t => (t.State, t.ResolvedAt)), (await Tickets(storeB)).Values.Select(t => (t.State, t.ResolvedAt)));
    }

    [Theory]
    [InlineData("2099/01/01 00:00:00.000", "after the import instant")]
    [InlineData("9999/12/31 23:59:59.000", "after the import instant")]
    [InlineData("0001/01/01 00:00:00.000", "before 1970")]
    [InlineData("1969/12/31 23:00:00.000", "before 1970")]
    public async Task Timestamps_in_the_future_of_the_import_or_before_1970_are_refused_per_row(string time, string reason)
    {
        var csv = Header + Case("Case 1") + $"Case 1,Wait,Value 1,{time},P1,c\n";
        var (report, store) = await Import(csv);
        var problem = Assert.Single(report.Problems);
        Assert.Equal((5, "Case 1"), (problem.LineNumber, problem.CaseId));
        Assert.Contains(reason, problem.Reason);
        Assert.Equal(TicketState.Resolved, (await Tickets(store))["Case 1"].State);
    }

    [Fact]
    public async Task A_repeated_ticket_key_in_a_ticket_file_is_reported_and_does_not_merge_two_rows()
    {
        const string header = "ticket_number,received_at,customer,contact,product_model,description,category,agent\n";
        var csv = header
            + "CS1,2024-03-01T10:30:00+08:00,Zhang San,13812345678,Phone Pro,Battery,product-fault,a\n"
            + "CS1,2024-03-02T10:30:00+08:00,Li Si,13900001111,Phone Lite,Screen,product-fault,b\n"
            + "CS2,2024-03-02T10:30:00+08:00,Li Si,13900001111,Phone Lite,Screen,product-fault,\n";
        var store = new InMemoryTicketStore();
        var importer = new TicketCsvImporter(store, store, Clock);
        var report = await importer.ImportAsync(new StringReader(csv));
        var problem = Assert.Single(report.Problems);
        Assert.Equal((3, "CS1"), (problem.LineNumber, problem.CaseId));
        Assert.Contains("repeats the ticket of line 2", problem.Reason);
        var tickets = await Tickets(store);
        Assert.Equal(("Zhang San", "a"), (tickets["CS1"].Intake!.CustomerName, tickets["CS1"].Assignee));
        Assert.Equal("unassigned", tickets["CS2"].Assignee);
        var again = await importer.ImportAsync(new StringReader(csv));
        Assert.Equal(0, again.EventsAppended);
    }

    [Fact]
    public async Task Re_importing_a_changed_export_converges_and_an_unchanged_one_appends_nothing()
    {
        var csv = Header + Case("Case 1") + Case("Case 2", day: "10");
        var store = new InMemoryTicketStore();
        var first = (await Import(csv, store: store)).Report;
        Assert.Equal((2, 0), (first.Tickets, first.UnchangedTickets));

        // A late row inserted in the old case: it waited on the customer before the resolution.
        var late = Header + "Case 1,Wait,Value 1,2012/10/09 15:00:00.000,P1,c\n" + Case("Case 1") + Case("Case 2", day: "10");
        var changed = (await Import(late, store: store)).Report;
        Assert.DoesNotContain(changed.Problems, p => p.Reason.Contains("could not be written", StringComparison.Ordinal));
        Assert.Equal(1, changed.UnchangedTickets); // Case 2
        // The wait arrived after the resolution was imported: reported (with the resume it implies), not collided.
        Assert.All(changed.Problems, p => Assert.Equal("Case 1", p.CaseId));
        var refused = changed.Problems[0];
        Assert.Equal(2, refused.LineNumber);
        Assert.Contains("AwaitCustomer of this row cannot be applied", refused.Reason);
        Assert.Equal(0, changed.EventsAppended); // no command of the old rows collided with a new id
        var count = store.Count;
        var rerun = (await Import(late, store: store)).Report;
        Assert.Equal((0L, count), (rerun.EventsAppended, store.Count));
        var unchanged = (await Import(csv, store: store)).Report;
        Assert.Equal((0L, 2), (unchanged.EventsAppended, unchanged.UnchangedTickets));
    }

    [Fact]
    public async Task A_cancelled_import_stops_between_cases_and_a_re_run_completes_it()
    {
        var csv = Header + Case("Case 1") + Case("Case 2", day: "10");
        var store = new InMemoryTicketStore();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(csv), Mapping(), cancel.Token));
        Assert.Equal(0, store.Count);
        var report = (await Import(csv, store: store)).Report;
        Assert.Equal(2, report.Tickets);
    }

    [Fact]
    public async Task Cancelling_mid_import_stops_between_whole_cases_and_progress_is_reported()
    {
        var csv = Header + string.Concat(Enumerable.Range(1, 1200).Select(i => Case($"Case {i}")));
        var store = new InMemoryTicketStore();
        using var cancel = new CancellationTokenSource();
        var seen = new List<ImportProgress>();
        var progress = new Synchronous(p =>
        {
            seen.Add(p);
            if (p.CasesDone == 500)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(csv), Mapping(), progress, cancel.Token));
        Assert.Equal([new ImportProgress(3600, 0, 1200, 0), new ImportProgress(3600, 500, 1200, 499L * store.Count / 500)], seen);
        var tickets = await Tickets(store);
        Assert.Equal(500, tickets.Count);
        Assert.All(tickets.Values, t => Assert.Equal(TicketState.Resolved, t.State)); // no case half-written

        seen.Clear();
        var rest = await new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(csv), Mapping(), progress);
        Assert.Equal((1200, 500), (rest.Tickets, rest.UnchangedTickets));
        Assert.Equal(new ImportProgress(3600, 1200, 1200, rest.EventsAppended), seen[^1]);
    }

    private sealed class Synchronous(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
