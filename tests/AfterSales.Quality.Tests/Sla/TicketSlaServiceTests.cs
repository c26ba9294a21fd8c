using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>One call for a ticket's SLA, and a monitor that catches its index up itself.</summary>
public sealed class TicketSlaServiceTests
{
    private static readonly PriorityAssessment CoreFunction = new() { Severity = Severity.CoreFunction }; // P1

    [Fact]
    public async Task GetSlaAsync_gives_every_clock_with_due_remaining_share_and_due_if_resumed_now()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(5));
        await host.Run(new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "photos" });
        host.Advance(Duration.FromHours(20));
        var now = host.Clock.GetCurrentInstant();

        var sla = await host.Service.GetSlaAsync(id);
        Assert.Equal((id, now), (sla.TicketId, sla.EvaluatedAt));
        var history = (await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray();
        Assert.Equal(SlaClock.Evaluate(history, host.Service.SlaPolicies, now).Targets.Count, sla.Targets.Count);

        var resolution = sla.Find(SlaTargetKind.Resolution)!;
        Assert.Equal((SlaClockState.Paused, false, (Instant?)null), (resolution.State, resolution.IsRunning, resolution.Due));
        Assert.Equal(Duration.FromHours(7 * 24 - 5), resolution.Remaining);
        Assert.Equal(5.0 / (7 * 24), resolution.ElapsedShare, 9);
        Assert.Equal(now + Duration.FromHours(7 * 24 - 5), resolution.DueIfResumedNow); // 24×7 in the desk's zone

        var firstResponse = sla.Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal((SlaClockState.Running, true), (firstResponse.State, firstResponse.IsRunning));
        Assert.Equal(firstResponse.Due, firstResponse.DueIfResumedNow);

        await host.Respond(id);
        Assert.Null((await host.Service.GetSlaAsync(id)).Find(SlaTargetKind.FirstResponse)!.DueIfResumedNow); // stopped

        await Assert.ThrowsAsync<TicketNotFoundException>(() => host.Service.GetSlaAsync(TicketId.New()));
    }

    [Fact]
    public void The_service_runs_the_default_policies_in_the_desk_zone_and_validates_the_policies_it_is_given()
    {
        var host = new TicketTestHost();
        var calendar = host.Service.SlaPolicies.Calendars[SlaPolicySet.DefaultCalendarName];
        Assert.True(calendar.IsTwentyFourSeven);
        Assert.Equal(host.Service.Options.Numbering.TimeZone, calendar.Zone);

        var zero = SlaPolicySet.Default with { Policies = [new SlaPolicy { Name = "x", Targets = [new SlaTarget { Kind = SlaTargetKind.FirstResponse, Duration = Duration.Zero }] }] };
        var error = Assert.Throws<QualityValidationException>(() => new TicketService(host.Store, host.Store, host.Clock, slaPolicies: zero));
        Assert.Equal("SlaPolicySet.Policies[0].Targets[0].Duration", Assert.Single(error.Errors).Field);
    }

    [Fact]
    public async Task A_monitor_with_the_store_catches_up_itself_and_announces_tickets_closed_between_scans()
    {
        var host = new TicketTestHost();
        var index = new SlaDueIndex(SlaPolicySet.Default);
        var monitor = new SlaMonitor(index, host.Store, host.Clock);
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromHours(40));
        Assert.Equal([(SlaTargetKind.FirstResponse, SlaAlertKind.Warning, 0.75)], (await monitor.ScanAsync()).Select(a => (a.Kind, a.AlertKind, a.Share)));
        Assert.Equal(index.Position, host.Store.Count);

        // Reached 90 % while open, then cancelled before the next scan: still announced, once.
        host.Advance(Duration.FromHours(4));
        await host.Run(new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "withdrawn" });
        host.Advance(Duration.FromHours(1));
        Assert.Equal([(SlaTargetKind.FirstResponse, SlaAlertKind.Warning, 0.90)], (await monitor.ScanAsync()).Select(a => (a.Kind, a.AlertKind, a.Share)));
        Assert.Equal(0, index.OpenTickets);
        host.Advance(Duration.FromHours(10));
        Assert.Empty(await monitor.ScanAsync());
    }
}
