using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Import.Tests;

/// <summary>
/// The two real logs imported through the lifecycle, checked case by case against figures
/// computed here directly from the files with plain string splitting (none of the importer's code).
/// </summary>
public sealed class EventLogImportTests
{
    /// <summary>The import instant: after every timestamp of the test data.</summary>
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    private sealed record Imported(ImportReport Report, Dictionary<string, Ticket> Tickets, Dictionary<TicketId, List<TicketEvent>> Histories);

    private static async Task<Imported> Import(InMemoryTicketStore store, string file, EventLogMapping mapping)
    {
        using var reader = SharedData.Open(file);
        var report = await new EventLogImporter(store, store, Clock).ImportAsync(reader, mapping);
        var histories = new Dictionary<TicketId, List<TicketEvent>>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            if (!histories.TryGetValue(e.Event.TicketId, out var list))
            {
                histories[e.Event.TicketId] = list = [];
            }

            list.Add(e.Event);
        }

        var tickets = histories.ToDictionary(h => ((TicketRegistered)h.Value[0]).Intake.ServiceTicketNumber!, h => Ticket.Replay(h.Key, h.Value));
        return new Imported(report, tickets, histories);
    }

    private static List<string[]> Ordered(IEnumerable<string[]> rows, Func<string[], Instant> at) =>
        rows.Select((r, i) => (Row: r, Index: i)).OrderBy(x => at(x.Row)).ThenBy(x => x.Index).Select(x => x.Row).ToList();

    [Fact]
    public async Task Bpic2013_incidents_import_case_by_case_as_the_file_says()
    {
        var rows = SharedData.Rows("bpic2013-incidents.csv.gz");
        var store = new InMemoryTicketStore();
        var imported = await Import(store, "bpic2013-incidents.csv.gz", EventLogMapping.Bpic2013);
        var cases = rows.GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal((rows.Count, cases.Count), (imported.Report.Rows, imported.Report.Tickets));
        Assert.Equal((65533, 7554), (imported.Report.Rows, imported.Tickets.Count));
        Assert.Empty(imported.Report.Problems);

        static Instant At(string[] r) => OffsetDateTimePattern.ExtendedIso.Parse(r[1]).Value.ToInstant();
        static bool IsResolution(string[] r) => r[2] == "Completed" && r[3] is "Resolved" or "In Call" or "Closed";
        static bool IsCustomerWait(string[] r) => r[2] == "Accepted" && r[3] is "Wait - User" or "Wait - Customer";
        static int Level(string[] r) => r[10] switch { "L3" => 2, "L2" or "L2/L3" => 1, _ => 0 };
        int clean = 0, reopened = 0, waited = 0;
        foreach (var (id, caseRows) in cases)
        {
            var ordered = Ordered(caseRows, At);
            var ticket = imported.Tickets[id];
            var history = imported.Histories[ticket.Id];
            Assert.Equal(At(ordered[0]), ticket.Intake!.ReceivedAt);
            Assert.Equal(ordered[0][12], ticket.Intake.ProductModel);
            var first = ordered.FindIndex(IsResolution);
            var beforeResolution = first < 0 ? ordered : ordered.Take(first + 1).ToList();
            if (ordered.Any(r => r[3] == "Cancelled"))
            {
                continue;
            }

            if (first >= 0 && !ordered.Skip(first).Any(r => r[2] == "Accepted"))
            {
                // Closed by the source when its last lifecycle row closes it; otherwise resolved, awaiting a revisit.
                static bool Ignored(string[] r) => r[2] is "Queued" or "Unmatched" || (r[2] == "Accepted" && r[3] is "Wait" or "Wait - Implementation" or "Wait - Vendor");
                var closedBySource = ordered.Last(r => !Ignored(r)) is var last && last[2] == "Completed" && last[3] == "Closed";
                Assert.Equal((closedBySource ? TicketState.Closed : TicketState.Resolved, 0, At(ordered[first])), (ticket.State, ticket.ReopenCount, ticket.ResolvedAt!.Value));
                Assert.Equal(closedBySource, history.OfType<TicketClosed>().Any(c => c.ClosedBySource is not null));
                clean++;
            }
            else if (first >= 0)
            {
                Assert.True(ticket.ReopenCount >= 1, $"case {id} was worked again after its resolution");
                reopened++;
            }
            else
            {
                Assert.Null(ticket.ResolvedAt); // one of the cases that never complete
            }

            var pending = history.Any(e => e is PendingCustomerStarted);
            Assert.True(!beforeResolution.Any(IsCustomerWait) || pending, $"case {id} waited on the user before its resolution");
            Assert.True(!pending || ordered.Any(IsCustomerWait), $"case {id} never waited on the user");
            waited += pending ? 1 : 0;
            Assert.InRange(ticket.EscalationLevel, beforeResolution.Max(Level), ordered.Max(Level));
        }

        Assert.Equal(7554 - 1, clean + reopened + cases.Values.Count(c => !c.Any(IsResolution) && !c.Any(r => r[3] == "Cancelled")));
        Assert.InRange(cases.Values.Count(c => !c.Any(IsResolution)), 8, 9); // "8 cases never complete" (+ the cancelled one)
        Assert.True(clean > 5000 && reopened > 100 && waited > 1000, $"clean {clean}, reopened {reopened}, waited {waited}");
    }

    [Fact]
    public async Task Helpdesk2017_imports_first_responses_waits_escalations_and_resolutions_as_the_file_says()
    {
        var rome = DateTimeZoneProviders.Tzdb["Europe/Rome"];
        var pattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'/'MM'/'dd HH':'mm':'ss.fff");
        Instant At(string[] r) => pattern.Parse(r[3]).Value.InZoneLeniently(rome).ToInstant();
        var rows = SharedData.Rows("helpdesk-2017.csv.gz");
        var store = new InMemoryTicketStore();
        var imported = await Import(store, "helpdesk-2017.csv.gz", EventLogMapping.Helpdesk2017);
        var cases = rows.GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal((21348, 4580, 4580), (imported.Report.Rows, imported.Report.Tickets, imported.Tickets.Count));
        Assert.Empty(imported.Report.Problems);

        static bool IsResolution(string[] r) => r[1] is "Resolve ticket" or "Closed";
        int clean = 0, withFirstResponse = 0;
        foreach (var (id, caseRows) in cases)
        {
            var ordered = Ordered(caseRows, At);
            var ticket = imported.Tickets[id];
            var history = imported.Histories[ticket.Id];
            Assert.Equal(At(ordered[0]), ticket.Intake!.ReceivedAt);
            Assert.Equal(ordered[0][9], ticket.Intake.ProductModel);

            // FRT: the first "Take in charge ticket" minus the first event (the data README's definition).
            var takeInCharge = ordered.FirstOrDefault(r => r[1] == "Take in charge ticket");
            if (takeInCharge is not null && ordered.FindIndex(IsResolution) is var firstResolve && (firstResolve < 0 || At(takeInCharge) <= At(ordered[firstResolve])))
            {
                Assert.Equal(At(takeInCharge), ticket.FirstResponseAt);
                withFirstResponse++;
            }

            var first = ordered.FindIndex(IsResolution);
            if (first < 0)
            {
                continue;
            }

            var beforeResolution = ordered.Take(first + 1).ToList();
            if (!ordered.Skip(first).Any(r => r[1] is "Take in charge ticket" or "Wait"))
            {
                string[] ignored = ["Create SW anomaly", "Resolve SW anomaly", "Schedule intervention", "VERIFIED", "RESOLVED", "INVALID", "DUPLICATE"];
                var closedBySource = ordered.Last(r => !ignored.Contains(r[1]))[1] == "Closed";
                Assert.Equal((closedBySource ? TicketState.Closed : TicketState.Resolved, At(ordered[first])), (ticket.State, ticket.ResolvedAt!.Value));
                Assert.Equal(beforeResolution.Count(r => r[1] == "Require upgrade"), ticket.EscalationCount);
                clean++;
            }

            Assert.Equal(beforeResolution.Any(r => r[1] == "Wait"), history.TakeWhile(e => e is not TicketResolved).Any(e => e is PendingCustomerStarted));
        }

        Assert.True(clean > 4000 && withFirstResponse > 4000, $"clean {clean}, first responses {withFirstResponse}");
    }

    [Fact]
    public async Task Re_running_an_import_appends_nothing()
    {
        var store = new InMemoryTicketStore();
        var csv = "Case ID,Activity,Resource,Complete Timestamp,product\n" +
                  "Case 1,Assign seriousness,Value 1,2012/10/09 14:50:17.000,P1\n" +
                  "Case 1,Take in charge ticket,Value 1,2012/10/09 14:51:01.000,P1\n" +
                  "Case 1,Wait,Value 1,2012/10/10 09:00:00.000,P1\n" +
                  "Case 1,Take in charge ticket,Value 2,2012/10/12 15:02:56.000,P1\n" +
                  "Case 1,Resolve ticket,Value 2,2012/10/25 11:54:26.000,P1\n" +
                  "Case 2,Assign seriousness,Value 3,not a time,P2\n" +
                  "Case 2,Teleport ticket,Value 3,2012/10/09 15:00:00.000,P2\n" +
                  "Case 2,Take in charge ticket,Value 3,2012/10/09 15:10:00.000,P2\n";
        var mapping = EventLogMapping.Helpdesk2017;
        mapping.CustomerColumn = null;
        var importer = new EventLogImporter(store, store, Clock);
        var first = await importer.ImportAsync(new StringReader(csv), mapping);
        Assert.Equal(2, first.Tickets);
        Assert.Equal(
            [(7, "Case 2", "'Complete Timestamp' value 'not a time' is not a timestamp"), (8, "Case 2", "activity 'Teleport ticket' has no mapping.")],
            first.Problems.Select(p => (p.LineNumber, p.CaseId, p.Reason.Length > 58 ? p.Reason[..58] : p.Reason)));
        var events = store.Count;
        Assert.Equal(events, first.EventsAppended);

        var again = await importer.ImportAsync(new StringReader(csv), mapping);
        Assert.Equal(0, again.EventsAppended);
        Assert.Equal(events, store.Count);

        var missing = await Assert.ThrowsAsync<QualityValidationException>(() => importer.ImportAsync(new StringReader("Case,Activity\nx,y\n"), EventLogMapping.Helpdesk2017));
        Assert.Contains("Case ID", missing.Message);
    }
}
