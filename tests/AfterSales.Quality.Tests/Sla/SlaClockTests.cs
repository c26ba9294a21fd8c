using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>SLA clock semantics on the default 24×7 policy set (calendar arithmetic is tested with the calendars).</summary>
public sealed class SlaClockTests
{
    private static readonly PriorityAssessment CoreFunction = new() { Severity = Severity.CoreFunction }; // P1

    private static async Task<TicketSla> Evaluate(TicketTestHost host, TicketId id, SlaPolicySet? policies = null) =>
        SlaClock.Evaluate((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray(), policies ?? SlaPolicySet.Default, host.Clock.GetCurrentInstant());

    private static Task<TicketCommandResult> Run(TicketTestHost host, TicketCommand command) => host.Run(command);

    [Fact]
    public async Task First_response_runs_from_receipt_to_the_first_reply()
    {
        var host = new TicketTestHost();
        var received = host.Clock.GetCurrentInstant();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(10));
        await host.Respond(id);
        host.Advance(Duration.FromHours(100));

        var frt = (await Evaluate(host, id)).Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal(("P1", Duration.FromHours(48), SlaClockState.Met), (frt.Policy, frt.Target, frt.State));
        Assert.Equal(Duration.FromHours(10), frt.Elapsed);
        Assert.Equal(received + Duration.FromHours(10), frt.StoppedAt);
        Assert.Equal(received + Duration.FromHours(48), frt.Due);
        Assert.Equal(Duration.FromHours(38), frt.Remaining);
        Assert.False(frt.IsBreached);
    }

    [Fact]
    public async Task An_unanswered_ticket_is_overdue_and_then_breached_by_the_late_reply()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(49));
        var open = (await Evaluate(host, id)).Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal((SlaClockState.Overdue, Duration.FromHours(1), Duration.Zero), (open.State, open.BreachedBy, open.Remaining));
        Assert.True(open.IsBreached);
        Assert.Equal([0.75, 0.90], open.WarningsReached);

        host.Advance(Duration.FromHours(1));
        await host.Respond(id);
        var late = (await Evaluate(host, id)).Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal((SlaClockState.Breached, Duration.FromHours(2)), (late.State, late.BreachedBy));
    }

    [Fact]
    public async Task Warnings_fire_at_75_and_90_percent_and_alerts_are_announced_once_per_window()
    {
        var host = new TicketTestHost();
        var start = host.Clock.GetCurrentInstant();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(40));
        var sla = await Evaluate(host, id);
        var frt = sla.Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal([0.75], frt.WarningsReached);
        Assert.Equal(
            [new SlaMilestone(0.75, start + Duration.FromHours(36)), new SlaMilestone(0.90, start + Duration.FromHours(43.2)), new SlaMilestone(1.0, start + Duration.FromHours(48))],
            frt.Milestones);

        var firstScan = sla.AlertsBetween(start, start + Duration.FromHours(40)).Where(a => a.Kind == SlaTargetKind.FirstResponse).ToArray();
        Assert.Equal([new SlaAlert(id, SlaTargetKind.FirstResponse, 0, SlaAlertKind.Warning, 0.75, start + Duration.FromHours(36))], firstScan);
        host.Advance(Duration.FromHours(10));
        var later = (await Evaluate(host, id)).AlertsBetween(start + Duration.FromHours(40), start + Duration.FromHours(50)).Where(a => a.Kind == SlaTargetKind.FirstResponse);
        Assert.Equal([(SlaAlertKind.Warning, 0.90), (SlaAlertKind.Breach, 1.0)], later.Select(a => (a.AlertKind, a.Share)));
    }

    [Fact]
    public async Task A_ticket_never_reopened_raises_each_resolution_alert_once_as_its_ticket_level_clock()
    {
        var host = new TicketTestHost();
        var start = host.Clock.GetCurrentInstant();
        var id = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        var sla = await Evaluate(host, id);
        Assert.Contains(sla.Targets, t => t.Kind == SlaTargetKind.Resolution && t.Cycle == 1); // the first cycle's clock is the ticket-level one
        host.Advance(Duration.FromDays(30));

        var resolution = (await Evaluate(host, id)).AlertsBetween(start, host.Clock.GetCurrentInstant()).Where(a => a.Kind == SlaTargetKind.Resolution).ToArray();
        Assert.Equal([(SlaAlertKind.Warning, 0.75), (SlaAlertKind.Warning, 0.90), (SlaAlertKind.Breach, 1.0)], resolution.Select(a => (a.AlertKind, a.Share)));
        Assert.All(resolution, a => Assert.Equal(0, a.Cycle));
        Assert.Equal(resolution.Length, resolution.Select(a => a.Id).Distinct().Count());
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool An_alert_id_is_equal_exactly_when_ticket_target_cycle_kind_and_milestone_are(Guid ticket, byte kind, byte cycle, byte alertKind, byte permille, long ticks, Guid otherTicket, bool sameTicket, byte otherCycle, byte otherPermille)
    {
        var a = new SlaAlert(new TicketId(ticket), (SlaTargetKind)(kind % 4), cycle % 3, (SlaAlertKind)(alertKind % 3), (permille % 5) * 0.25, Instant.FromUnixTimeTicks(ticks));
        var b = a with { TicketId = sameTicket ? a.TicketId : new TicketId(otherTicket), Cycle = otherCycle % 3, Share = (otherPermille % 5) * 0.25, At = Instant.FromUnixTimeTicks(ticks / 2) };
        var sameFields = a.TicketId == b.TicketId && a.Cycle == b.Cycle && a.Share == b.Share;
        return (a.Id == b.Id) == sameFields && a.Id == (a with { At = Instant.MaxValue }).Id && a.Id.StartsWith("sla:", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_customer_pauses_resolution_and_the_pause_survives_a_priority_change()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(5));
        await Run(host, new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "photos" });
        host.Advance(Duration.FromHours(60)); // a weekend waiting on the customer
        var paused = (await Evaluate(host, id)).Find(SlaTargetKind.Resolution)!;
        Assert.Equal((SlaClockState.Paused, Duration.FromHours(5)), (paused.State, paused.Elapsed));
        Assert.Null(paused.Due);

        await Run(host, new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer" });
        host.Advance(Duration.FromHours(3));
        await Run(host, new OverridePriority { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Priority = Priority.P0, Reason = "key account" });
        var retargeted = (await Evaluate(host, id)).Find(SlaTargetKind.Resolution)!;
        Assert.Equal(("P0", Duration.FromHours(72), Duration.FromHours(8)), (retargeted.Policy, retargeted.Target, retargeted.Elapsed));
        Assert.Equal(host.Clock.GetCurrentInstant() + Duration.FromHours(64), retargeted.Due);
        Assert.Equal(Duration.FromHours(24), (await Evaluate(host, id)).Find(SlaTargetKind.FirstResponse)!.Target); // P0 first response, from the original receipt
    }

    [Fact]
    public async Task A_reopen_starts_a_new_cycle_and_the_ticket_clock_leaves_out_the_time_resolved()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(20));
        await host.Resolve(id);
        host.Advance(Duration.FromHours(30)); // resolved, waiting for the revisit: not resolution time
        await host.Revisit(id, resolved: false, score: 2);
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        await host.Assign(id);
        await host.Start(id);
        host.Advance(Duration.FromHours(7));
        await host.Resolve(id);
        host.Advance(Duration.FromHours(2));

        var sla = await Evaluate(host, id);
        var total = sla.Find(SlaTargetKind.Resolution, 0)!;
        var first = sla.Find(SlaTargetKind.Resolution, 1)!;
        var second = sla.Find(SlaTargetKind.Resolution, 2)!;
        Assert.Equal((Duration.FromHours(20), SlaClockState.Met), (first.Elapsed, first.State));
        Assert.Equal((Duration.FromHours(7), SlaClockState.Met), (second.Elapsed, second.State));
        Assert.Equal(Duration.FromHours(27), total.Elapsed);
        Assert.Equal((SlaClockState.Paused, null), (total.State, total.StoppedAt)); // resolved, not closed: a reopen may resume it

        var firstRevisit = sla.Find(SlaTargetKind.RevisitAfterResolution, 1)!;
        Assert.Equal((Duration.FromHours(30), SlaClockState.Breached, Duration.FromHours(6)), (firstRevisit.Elapsed, firstRevisit.State, firstRevisit.BreachedBy));
        Assert.Equal((SlaClockState.Running, Duration.FromHours(2)), (sla.Find(SlaTargetKind.RevisitAfterResolution, 2)!.State, sla.Find(SlaTargetKind.RevisitAfterResolution, 2)!.Elapsed));

        // The unsatisfied revisit made it negative feedback: contact within 24 h from the reopen.
        var contact = sla.Find(SlaTargetKind.NegativeFeedbackContact)!;
        Assert.Equal(SlaClockState.Running, contact.State);
        Assert.Equal(Duration.FromHours(9), contact.Elapsed);
    }

    [Fact]
    public async Task A_complaint_runs_the_negative_feedback_clocks_from_receipt()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        host.Advance(Duration.FromHours(3));
        await host.Respond(id); // a reply before triage still counts once the ticket is a complaint
        host.Advance(Duration.FromHours(1));
        await host.Triage(id, TicketCategory.Complaint, new PriorityAssessment());
        await host.Assign(id);
        await host.Start(id);
        host.Advance(Duration.FromHours(40));
        await host.Resolve(id);
        host.Advance(Duration.FromHours(40));
        await host.Revisit(id, resolved: true, score: 4);

        var sla = await Evaluate(host, id);
        var contact = sla.Find(SlaTargetKind.NegativeFeedbackContact)!;
        Assert.Equal((SlaClockState.Met, Duration.FromHours(3)), (contact.State, contact.Elapsed));
        var resolution = sla.Find(SlaTargetKind.NegativeFeedbackResolution)!;
        Assert.Equal((SlaClockState.Breached, Duration.FromHours(84), Duration.FromHours(12)), (resolution.State, resolution.Elapsed, resolution.BreachedBy));
        Assert.Equal("P1", sla.Find(SlaTargetKind.FirstResponse)!.Policy); // complaints are floored at P1
    }

    [Fact]
    public async Task Live_chat_answers_within_30_seconds_and_escalation_applies_to_escalated_tickets_only()
    {
        var host = new TicketTestHost();
        var id = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { Channel = ServiceChannel.OnlineChat });
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromSeconds(45));
        await host.Respond(id);
        await host.Assign(id);
        await host.Start(id);
        var before = await Evaluate(host, id);
        var frt = before.Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal(("live-chat", SlaClockState.Breached, Duration.FromSeconds(15)), (frt.Policy, frt.State, frt.BreachedBy));
        Assert.Null(before.Find(SlaTargetKind.Escalation));

        host.Advance(Duration.FromMinutes(90));
        await Run(host, new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Level = 1, Reason = "complex" });
        var escalation = (await Evaluate(host, id)).Find(SlaTargetKind.Escalation)!;
        Assert.Equal((SlaClockState.Met, Duration.FromMinutes(90), Duration.FromHours(2)), (escalation.State, escalation.Elapsed, escalation.Target));
    }

    [Fact]
    public async Task Cancelling_stops_open_clocks_as_cancelled()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.Suggestion, new PriorityAssessment());
        host.Advance(Duration.FromHours(2));
        await Run(host, new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "withdrawn" });
        host.Advance(Duration.FromDays(100));
        var resolution = (await Evaluate(host, id)).Find(SlaTargetKind.Resolution)!;
        Assert.Equal((SlaClockState.Cancelled, Duration.FromHours(2)), (resolution.State, resolution.Elapsed));
        Assert.Null((await Evaluate(host, id)).Find(SlaTargetKind.FirstResponse)); // P3 has no first-response target
    }

    [Fact]
    public void Invalid_policy_sets_name_every_key()
    {
        var set = SlaPolicySet.Default with
        {
            Policies =
            [
                new() { Name = "x", Targets = [new() { Kind = SlaTargetKind.FirstResponse, Duration = Duration.Zero, Calendar = "china" }, new() { Kind = SlaTargetKind.FirstResponse, Duration = Duration.FromHours(1) }] },
                new() { Name = "X", Priorities = [(Priority)9] },
            ],
            WarningThresholds = [0.9, 0.75, 1.5],
        };
        var error = Assert.Throws<QualityValidationException>(set.Validate);
        Assert.Equal(
            [
                "SlaPolicySet.Policies[0].Targets[0].Duration", "SlaPolicySet.Policies[0].Targets[0].Calendar", "SlaPolicySet.Policies[0].Targets[1].Kind",
                "SlaPolicySet.Policies[1].Name", "SlaPolicySet.Policies[1].Priorities", "SlaPolicySet.WarningThresholds[1]", "SlaPolicySet.WarningThresholds[2]",
            ],
            error.Errors.Select(e => e.Field));
        Assert.Contains("'china' is not a calendar of the set (known: default)", error.Message);
        SlaPolicySet.Default.Validate();
    }
}
