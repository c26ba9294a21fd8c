using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.ReadModels;

public sealed class SlaDueIndexTests
{
    [Fact]
    public async Task The_index_answers_what_is_due_before_an_instant_and_drops_closed_tickets()
    {
        var host = new TicketTestHost();
        var start = host.Clock.GetCurrentInstant();
        var p1 = await host.Register();
        await host.Triage(p1, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var p0 = await host.Register();
        await host.Triage(p0, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.SafetyRisk });
        var closed = await host.Resolved();
        await host.Revisit(closed, resolved: true, score: 5);
        await host.Close(closed);

        var index = new SlaDueIndex(SlaPolicySet.Default);
        Assert.Equal(host.Store.Count, await index.CatchUpAsync(host.Store));
        Assert.Equal(2, index.OpenTickets);

        var due = index.DueBefore(start + Duration.FromHours(48));
        Assert.Equal(
            [(p0, SlaTargetKind.FirstResponse, start + Duration.FromHours(24)), (p1, SlaTargetKind.FirstResponse, start + Duration.FromHours(48))],
            due.Select(d => (d.TicketId, d.Kind, d.Due)));
        Assert.Equal("F20240301002", due[0].FeedbackNumber);
        Assert.Equal(4, index.DueBefore(start + Duration.FromDays(8)).Count); // plus P0 resolution (72 h) and P1 resolution (7 d)

        // Replaying the feed again changes nothing.
        await foreach (var e in host.Store.ReadFeedAsync(0))
        {
            index.Apply(e);
        }

        Assert.Equal(4, index.DueBefore(start + Duration.FromDays(8)).Count);
    }

    [Fact]
    public async Task Paused_clocks_are_not_due_and_a_policy_change_recalculates_open_tickets()
    {
        var host = new TicketTestHost();
        var start = host.Clock.GetCurrentInstant();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        await host.Respond(id);
        host.Advance(Duration.FromHours(1));
        await host.Run(new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "logs" });

        var index = new SlaDueIndex(SlaPolicySet.Default);
        await index.CatchUpAsync(host.Store);
        Assert.Empty(index.DueBefore(start + Duration.FromDays(365)));

        host.Advance(Duration.FromHours(10));
        await host.Run(new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer" });
        await index.CatchUpAsync(host.Store);
        var resolution = Assert.Single(index.DueBefore(start + Duration.FromDays(365)));
        Assert.Equal(start + Duration.FromHours(11) + Duration.FromHours(7 * 24 - 1), resolution.Due);

        var tighter = SlaPolicySet.Default with
        {
            Policies = [new() { Name = "all-in-two-days", Targets = [new() { Kind = SlaTargetKind.Resolution, Duration = Duration.FromHours(48) }] }],
        };
        index.ChangePolicies(tighter);
        var moved = Assert.Single(index.DueBefore(start + Duration.FromDays(365)));
        Assert.Equal(("all-in-two-days", start + Duration.FromHours(58)), (moved.Policy, moved.Due)); // the 10 h pause is kept
        Assert.Throws<QualityValidationException>(() => index.ChangePolicies(tighter with { WarningThresholds = [2.0] }));
        Assert.Equal("all-in-two-days", Assert.Single(index.DueBefore(start + Duration.FromDays(365))).Policy);
    }
}

public sealed class SlaMonitorTests
{
    [Fact]
    public async Task Warnings_and_breaches_are_raised_once_and_survive_a_restart()
    {
        var host = new TicketTestHost();
        var start = host.Clock.GetCurrentInstant();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction }); // P1: first response 48 h
        var index = new SlaDueIndex(SlaPolicySet.Default);
        await index.CatchUpAsync(host.Store);
        var monitor = new SlaMonitor(index, host.Clock);
        var raised = new List<SlaAlert>();
        monitor.AlertRaised += (_, alert) => raised.Add(alert);

        host.Advance(Duration.FromHours(40));
        Assert.Equal([(SlaTargetKind.FirstResponse, SlaAlertKind.Warning, 0.75)], monitor.Scan().Select(a => (a.Kind, a.AlertKind, a.Share)));
        Assert.Empty(monitor.Scan()); // nothing new

        // A restarted host passes the persisted last scan and announces only what is new.
        var restarted = new SlaMonitor(index, host.Clock, monitor.LastScan);
        host.Advance(Duration.FromHours(10));
        var later = restarted.Scan().Where(a => a.Kind == SlaTargetKind.FirstResponse).ToArray();
        Assert.Equal([(SlaAlertKind.Warning, 0.90, start + Duration.FromHours(43.2)), (SlaAlertKind.Breach, 1.0, start + Duration.FromHours(48))], later.Select(a => (a.AlertKind, a.Share, a.At)));
        Assert.Single(raised);
    }
}
