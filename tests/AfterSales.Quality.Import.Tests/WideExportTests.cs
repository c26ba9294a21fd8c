using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import.Tests;

/// <summary>The Zendesk and Jira Service Management presets (one row per ticket) on their hand-made fixtures (Fixtures/README.md).</summary>
public sealed class WideExportTests
{
    private static readonly NodaTime.Testing.FakeClock Clock = new(Instant.FromUtc(2026, 1, 1, 0, 0));

    private static async Task<(ImportReport Report, ReconciliationReport Reconciliation, Dictionary<string, (Ticket Ticket, List<TicketEvent> History)> Tickets)> Import(string fixture, EventLogMapping mapping)
    {
        var store = new InMemoryTicketStore();
        var importer = new EventLogImporter(store, store, Clock);
        var csv = ServiceNowImportTests.Fixture(fixture);
        var report = await importer.ImportAsync(new StringReader(csv), mapping);
        var reconciliation = await importer.ReconcileAsync(new StringReader(csv), mapping);
        return (report, reconciliation, await ServiceNowImportTests.Tickets(store));
    }

    [Fact]
    public async Task A_zendesk_ticket_export_imports_each_row_as_its_events_and_reconciles_reopens_and_priority()
    {
        var (report, reconciliation, tickets) = await Import("zendesk-tickets.csv", EventLogMapping.Zendesk);
        Assert.Empty(report.Problems);
        Assert.Equal((6, 6), (report.Rows, report.Tickets));

        var solved = tickets["101"].Ticket;
        Assert.Equal((TicketState.Resolved, Priority.P2, ServiceChannel.Email, "Kim Lee", "Support"), (solved.State, solved.Priority!.Value, solved.Intake!.Channel, solved.Assignee, solved.Route!.Department));
        Assert.Equal((Instant.FromUtc(2024, 3, 1, 9, 0), Instant.FromUtc(2024, 3, 1, 15, 0)), (solved.Intake.ReceivedAt, solved.ResolvedAt!.Value));
        Assert.Equal((TicketState.Closed, Priority.P0, ServiceChannel.Phone), (tickets["102"].Ticket.State, tickets["102"].Ticket.Priority!.Value, tickets["102"].Ticket.Intake!.Channel));
        Assert.Equal((TicketState.PendingCustomer, Priority.P1, ServiceChannel.WebForm), (tickets["103"].Ticket.State, tickets["103"].Ticket.Priority!.Value, tickets["103"].Ticket.Intake!.Channel));
        Assert.Equal((TicketState.InProgress, 1), (tickets["104"].Ticket.State, tickets["104"].Ticket.ReopenCount)); // open again after its solve
        Assert.Equal((TicketState.Registered, new ServiceChannel("api")), (tickets["106"].Ticket.State, tickets["106"].Ticket.Intake!.Channel));

        // 105 was reopened twice in Zendesk; a one-row export shows only its last solve.
        var reopens = reconciliation[SourceFigure.ReopenCount];
        Assert.Equal((5, 1), (reopens.Agreed, reopens.Disagreed));
        Assert.Equal(("105", "2", "0"), (reopens.FirstDisagreements[0].CaseId, reopens.FirstDisagreements[0].SourceValue, reopens.FirstDisagreements[0].LibraryValue));
        var priority = reconciliation[SourceFigure.FinalPriority];
        Assert.Equal((5, 1, "106"), (priority.Agreed, priority.Disagreed, priority.FirstDisagreements[0].CaseId)); // never triaged: no priority
    }

    [Fact]
    public async Task A_jira_service_management_export_imports_statuses_resolutions_and_reopens()
    {
        var (report, reconciliation, tickets) = await Import("jira-sm-issues.csv", EventLogMapping.JiraServiceManagement);
        Assert.Empty(report.Problems);
        Assert.Equal(6, report.Tickets);
        Assert.Equal((TicketState.Resolved, Priority.P2, Instant.FromUtc(2024, 3, 1, 14, 30)), (tickets["HELP-1"].Ticket.State, tickets["HELP-1"].Ticket.Priority!.Value, tickets["HELP-1"].Ticket.ResolvedAt!.Value));
        Assert.Equal(("Report a system problem", new ServiceChannel("web-portal")), (tickets["HELP-1"].Ticket.Intake!.ProductModel, tickets["HELP-1"].Ticket.Intake!.Channel));
        Assert.Equal((TicketState.PendingCustomer, Priority.P1, "alex.k"), (tickets["HELP-2"].Ticket.State, tickets["HELP-2"].Ticket.Priority!.Value, tickets["HELP-2"].Ticket.Assignee));
        Assert.Equal((TicketState.Closed, Priority.P0, Instant.FromUtc(2024, 3, 2, 12, 45)), (tickets["HELP-3"].Ticket.State, tickets["HELP-3"].Ticket.Priority!.Value, tickets["HELP-3"].Ticket.ResolvedAt!.Value));
        Assert.Equal(TicketState.Cancelled, tickets["HELP-4"].Ticket.State);
        Assert.Equal((TicketState.InProgress, Priority.P3), (tickets["HELP-5"].Ticket.State, tickets["HELP-5"].Ticket.Priority!.Value));
        Assert.Equal((TicketState.InProgress, 1), (tickets["HELP-6"].Ticket.State, tickets["HELP-6"].Ticket.ReopenCount));

        var priority = reconciliation[SourceFigure.FinalPriority];
        Assert.Equal((5, 1, "HELP-4"), (priority.Agreed, priority.Disagreed, priority.FirstDisagreements[0].CaseId)); // cancelled before triage
    }

    [Fact]
    public async Task A_repeated_key_in_a_one_row_per_ticket_export_is_reported()
    {
        var csv = ServiceNowImportTests.Fixture("zendesk-tickets.csv");
        var repeated = csv + csv.Split('\n')[1] + "\n";
        var store = new InMemoryTicketStore();
        var report = await new EventLogImporter(store, store, Clock).ImportAsync(new StringReader(repeated), EventLogMapping.Zendesk);
        var problem = Assert.Single(report.Problems);
        Assert.Equal((8, "101"), (problem.LineNumber, problem.CaseId));
        Assert.Contains("repeats the ticket of line 2", problem.Reason);
    }
}
