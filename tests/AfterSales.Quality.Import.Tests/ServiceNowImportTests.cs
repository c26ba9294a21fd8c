using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

/// <summary>The ServiceNow preset on the hand-made incident audit fixture (Fixtures/README.md).</summary>
public sealed class ServiceNowImportTests
{
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    internal static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    internal static async Task<Dictionary<string, (Ticket Ticket, List<TicketEvent> History)>> Tickets(InMemoryTicketStore store)
    {
        var tickets = new Dictionary<string, (Ticket, List<TicketEvent>)>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            if (e.Event is TicketRegistered r)
            {
                var history = (await store.ReadStreamAsync(r.TicketId)).Events.Select(x => x.Event).ToList();
                tickets[r.Intake.ServiceTicketNumber!] = (Ticket.Replay(r.TicketId, history), history);
            }
        }

        return tickets;
    }

    private static Instant Local(int day, int month, int hour, int minute) => Instant.FromUtc(2016, month, day, hour, minute);

    [Theory]
    [InlineData("1 - High", "1 - High", Priority.P0)]
    [InlineData("1 - High", "2 - Medium", Priority.P1)]
    [InlineData("2 - Medium", "1 - High", Priority.P1)]
    [InlineData("1 - High", "3 - Low", Priority.P2)]
    [InlineData("2 - Medium", "2 - Medium", Priority.P2)]
    [InlineData("3 - Low", "1 - High", Priority.P2)]
    [InlineData("2 - Medium", "3 - Low", Priority.P3)]
    [InlineData("3 - Low", "2 - Medium", Priority.P3)]
    [InlineData("3 - Low", "3 - Low", Priority.P3)]
    public void The_preset_reproduces_the_itil_matrix_with_the_default_rules(string impact, string urgency, Priority expected)
    {
        var assessment = EventLogMapping.ServiceNow.Assessments[$"{impact}|{urgency}"];
        Assert.Equal(expected, PriorityRuleTable.Default.Decide(TicketCategory.ProductFault, assessment).Priority);
    }

    [Fact]
    public async Task The_audit_export_imports_with_its_priorities_transfers_reopens_channels_and_authoritative_times()
    {
        var store = new InMemoryTicketStore();
        var report = await new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(Fixture("servicenow-incident-audit.csv")), EventLogMapping.ServiceNow);
        Assert.Empty(report.Problems);
        Assert.Equal((27, 6), (report.Rows, report.Tickets));
        var tickets = await Tickets(store);

        var (one, oneHistory) = tickets["INC0000001"];
        Assert.Equal(Local(29, 2, 1, 16), one.Intake!.ReceivedAt); // opened_at, before the first audit row
        Assert.Equal((Priority.P2, ServiceChannel.Phone, "Resolver 89", "Group 56"), (one.Priority!.Value, one.Intake.Channel, one.Assignee, one.Route!.Department));
        Assert.Equal(Local(29, 2, 11, 29), one.ResolvedAt);
        Assert.DoesNotContain(oneHistory, e => e.Actor is "?" or "");

        // Impact and urgency rose mid-case: the priority is judged again (P3 → P1), and the group change is a transfer.
        var (two, twoHistory) = tickets["INC0000002"];
        Assert.Equal((Priority.P1, 1, "Group 24", "Resolver 31"), (two.Priority!.Value, two.ReassignmentCount, two.Route!.Department, two.Assignee));
        Assert.Contains(twoHistory, e => e is PriorityOverridden);
        Assert.Equal(ServiceChannel.Email, two.Intake!.Channel);

        // Resolved, worked again, resolved: one reopen; resolved_at (14:58) is the resolution instant, not the row's 15:00.
        var (three, threeHistory) = tickets["INC0000003"];
        Assert.Equal((1, Priority.P0, TicketState.Closed), (three.ReopenCount, three.Priority!.Value, three.State));

        // Closed in ServiceNow without a revisit: closed by its source at closed_at, the reason recorded; INC0000005 was never closed.
        var closure = threeHistory.OfType<TicketClosed>().Single();
        Assert.Equal((Local(9, 3, 17, 0), "closed in servicenow without a revisit (line 16)"), (closure.OccurredAt, closure.ClosedBySource));
        Assert.DoesNotContain(threeHistory, e => e is RevisitRecorded r && r.Outcome != RevisitOutcome.Unsatisfied);
        var outcome = AfterSales.Quality.Kpi.TicketOutcome.Measure(threeHistory, AfterSales.Quality.Sla.SlaPolicySet.Default, Clock.GetCurrentInstant());
        Assert.Equal(1, outcome.RevisitsDue); // the reopen's revisit (answered "not resolved"); the final one never came due here
        var open = AfterSales.Quality.Kpi.TicketOutcome.Measure(tickets["INC0000005"].History, AfterSales.Quality.Sla.SlaPolicySet.Default, Clock.GetCurrentInstant());
        Assert.Equal(1, open.RevisitsDue); // resolved, never closed: its revisit is overdue
        Assert.Equal(Local(2, 3, 14, 58), threeHistory.OfType<TicketResolved>().First().OccurredAt);
        Assert.Equal(new ServiceChannel("self-service"), three.Intake!.Channel);

        // A stale Active row (sys_mod_count 2) stamped in the resolution's minute does not reopen the ticket.
        var (four, _) = tickets["INC0000004"];
        Assert.Equal((0, TicketState.Resolved, Local(2, 3, 12, 5)), (four.ReopenCount, four.State, four.ResolvedAt!.Value));

        var (five, fiveHistory) = tickets["INC0000005"];
        Assert.Contains(fiveHistory, e => e is PendingCustomerStarted);
        Assert.Equal(TicketState.Resolved, five.State);

        // A group change on the Closed row cannot be a transfer any more: reported, not dropped.
        var notice = Assert.Single(report.Notices);
        Assert.Equal(("INC0000006", 28), (notice.CaseId, notice.LineNumber));
        Assert.Contains("transfer to 'Group 9' is not applied", notice.Reason);
    }

    [Fact]
    public async Task Without_the_ordering_column_the_stale_row_would_reopen_the_ticket()
    {
        var store = new InMemoryTicketStore();
        var mapping = EventLogMapping.ServiceNow;
        mapping.OrderColumn = null;
        await new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(Fixture("servicenow-incident-audit.csv")), mapping);
        Assert.Equal(1, (await Tickets(store))["INC0000004"].Ticket.ReopenCount);
    }

    [Fact]
    public void A_mapping_names_every_invalid_field()
    {
        var mapping = new EventLogMapping { AssessmentColumns = ["impact", " "], OrderColumn = "", ImpactColumn = "x" };
        var error = Assert.Throws<QualityValidationException>(mapping.Validate);
        Assert.Equal(["Source", "CaseIdColumn", "TimestampColumn", "ActivityColumns", "Activities", "AssessmentColumns", "OrderColumn"], error.Errors.Select(e => e.Field));
        var both = EventLogMapping.ServiceNow;
        both.ImpactColumn = "impact";
        Assert.Equal(["ImpactColumn"], Assert.Throws<QualityValidationException>(both.Validate).Errors.Select(e => e.Field));
        var badKey = EventLogMapping.ServiceNow;
        badKey.Assessments = new Dictionary<string, PriorityAssessment> { ["1 - High"] = new() };
        Assert.Equal(["Assessments[1 - High]"], Assert.Throws<QualityValidationException>(badKey.Validate).Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task The_reconciliation_counts_agreement_per_source_figure_and_names_the_first_disagreements()
    {
        var store = new InMemoryTicketStore();
        var importer = new EventLogImporter(store, store, Clock);
        var csv = Fixture("servicenow-incident-audit.csv");
        await importer.ImportAsync(new StringReader(csv), EventLogMapping.ServiceNow);
        var report = await importer.ReconcileAsync(new StringReader(csv), EventLogMapping.ServiceNow, firstDisagreements: 5);
        Assert.Equal(6, report.Cases);
        Assert.Equal([SourceFigure.ReopenCount, SourceFigure.ReassignmentCount, SourceFigure.MadeSla, SourceFigure.FinalPriority], report.Figures.Select(f => f.Figure));

        Assert.Equal((6, 0, 0), (report[SourceFigure.ReopenCount].Agreed, report[SourceFigure.ReopenCount].Disagreed, report[SourceFigure.ReopenCount].NotCompared));
        Assert.Equal((6, 0), (report[SourceFigure.FinalPriority].Agreed, report[SourceFigure.FinalPriority].Disagreed));

        // INC0000006 changed group on its Closed row: ServiceNow counts the reassignment, the lifecycle could not transfer it.
        var reassignments = report[SourceFigure.ReassignmentCount];
        Assert.Equal((5, 1, "reassignment_count"), (reassignments.Agreed, reassignments.Disagreed, reassignments.Column));
        var disagreement = Assert.Single(reassignments.FirstDisagreements);
        Assert.Equal(("INC0000006", "1", "0"), (disagreement.CaseId, disagreement.SourceValue, disagreement.LibraryValue));
        Assert.Contains("the source counts 1 reassignment(s), the imported history 0", disagreement.Reason);

        var sla = report[SourceFigure.MadeSla];
        Assert.Equal(6, sla.Agreed + sla.Disagreed);
        Assert.All(sla.FirstDisagreements, d => Assert.Contains("resolution target", d.Reason));

        var none = await importer.ReconcileAsync(new StringReader(csv), EventLogMapping.ServiceNow, firstDisagreements: 0);
        Assert.Empty(none[SourceFigure.ReassignmentCount].FirstDisagreements);
        Assert.Equal(1, none[SourceFigure.ReassignmentCount].Disagreed);
        var negative = await Assert.ThrowsAsync<QualityValidationException>(() => importer.ReconcileAsync(new StringReader(csv), EventLogMapping.ServiceNow, firstDisagreements: -1));
        Assert.Equal("firstDisagreements", Assert.Single(negative.Errors).Field);
    }

    [Fact]
    public async Task Cases_missing_from_the_store_are_not_compared()
    {
        var store = new InMemoryTicketStore();
        var report = await new EventLogImporter(store, store, Clock).ReconcileAsync(new StringReader(Fixture("servicenow-incident-audit.csv")), EventLogMapping.ServiceNow);
        Assert.All(report.Figures, f => Assert.Equal((0, 0, 6, 1.0), (f.Agreed, f.Disagreed, f.NotCompared, f.AgreementRate)));
    }
}
