using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Calendars;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>The guides' targets on the China 2024 business calendar, through real ticket histories.</summary>
public sealed class SlaGoldenTests
{
    internal static readonly SlaPolicySet China = SlaPolicySet.Default.WithCalendar(SlaPolicySet.DefaultCalendarName, BusinessCalendarTests.China2024());

    internal static async Task<TicketSla> Evaluate(TicketTestHost host, TicketId id) =>
        SlaClock.Evaluate((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray(), China, host.Clock.GetCurrentInstant());

    [Theory]
    [InlineData(Severity.SafetyRisk, "P0", 2024, 2, 20, 16)]
    [InlineData(Severity.CoreFunction, "P1", 2024, 2, 23, 16)]
    [InlineData(Severity.SecondaryFunction, "P2", 2024, 2, 28, 16)]
    public async Task First_response_targets_run_over_the_spring_festival(Severity severity, string policy, int year, int month, int day, int hour)
    {
        var host = new TicketTestHost(At(2024, 2, 9, 16, 0));
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = severity });
        var frt = (await Evaluate(host, id)).Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal((policy, At(year, month, day, hour, 0)), (frt.Policy, frt.Due!.Value));
        Assert.Equal([0.75, 0.90, 1.0], frt.Milestones.Select(m => m.Share));
    }

    [Fact]
    public async Task A_ticket_paused_over_a_weekend_loses_no_working_time_and_gains_none()
    {
        var host = new TicketTestHost(At(2024, 3, 8, 10, 0)); // Friday
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        host.Clock.Reset(At(2024, 3, 8, 17, 0));
        await host.Run(new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech", Reason = "serial number" });
        host.Clock.Reset(At(2024, 3, 11, 10, 0)); // Monday
        await host.Run(new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer" });
        host.Clock.Reset(At(2024, 3, 11, 15, 0));

        var resolution = (await Evaluate(host, id)).Find(SlaTargetKind.Resolution)!;
        // Friday 10:00-17:00 less lunch = 6 h; Monday 10:00-15:00 less lunch = 4 h; the pause and the weekend add nothing.
        Assert.Equal(Duration.FromHours(10), resolution.Elapsed);
        // P1 resolution: 7 × 24 h of working time = 21 working days of 8 h; 158 h remain from Monday 15:00.
        Assert.Equal(Duration.FromHours(158), resolution.Remaining);
        Assert.Equal(China.Calendars["default"].AddWorkingTime(At(2024, 3, 11, 15, 0), Duration.FromHours(158)), resolution.Due);
    }
}
