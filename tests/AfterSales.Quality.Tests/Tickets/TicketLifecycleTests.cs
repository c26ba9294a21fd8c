using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed partial class TicketLifecycleTests
{
    [Fact]
    public async Task Golden_F20240301001_battery_fault_runs_the_whole_loop()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var id = await host.Register();
        var ticket = await host.Service.GetAsync(id);
        Assert.Equal("F20240301001", ticket.FeedbackNumber);
        Assert.Equal(TicketState.Registered, ticket.State);

        var triaged = await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction, Urgency = Urgency.UseDegraded });
        Assert.Equal(Priority.P1, triaged.Ticket.Priority);
        Assert.Equal("core-function", triaged.Ticket.PriorityRule);
        Assert.Equal(Departments.TechnicalSupport, triaged.Ticket.Route!.Department);

        await host.Assign(id);
        await host.Start(id);
        host.Advance(Duration.FromHours(2));
        await host.Respond(id);
        host.Clock.Reset(At(2024, 3, 9, 17, 0));
        var resolved = await host.Resolve(id, "Batch defect confirmed; battery replaced free of charge.");
        Assert.Equal(TicketState.Resolved, resolved.Ticket.State);
        Assert.Equal(1, resolved.Ticket.ResolutionCount);

        host.Clock.Reset(At(2024, 3, 11, 15, 0));
        var revisit = await host.Revisit(id, resolved: true, score: 5);
        Assert.Equal(TicketState.Revisited, revisit.Ticket.State);
        Assert.Equal("HV20240301001", revisit.Ticket.LastRevisitNumber); // table 4: dated by the feedback
        Assert.Equal(RevisitOutcome.Satisfied, revisit.Ticket.LastRevisitOutcome);

        var closed = await host.Close(id);
        Assert.Equal(TicketState.Closed, closed.Ticket.State);
        Assert.Equal(At(2024, 3, 11, 15, 0), closed.Ticket.ClosedAt);
        Assert.Equal(At(2024, 3, 1, 12, 30), closed.Ticket.FirstResponseAt);
        Assert.Equal(8, closed.Ticket.Version);
    }

    [Fact]
    public async Task Golden_F20240301002_installation_experience_goes_to_the_service_supervisor()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        await host.Register(); // F20240301001 is the battery ticket of the morning.
        host.Clock.Reset(At(2024, 3, 1, 14, 15));
        var intake = Intake(At(2024, 3, 1, 14, 15), "air-conditioner installation") with
        {
            Channel = ServiceChannel.OnlineChat,
            PurchaseOrServiceDate = new LocalDate(2024, 2, 28),
            Description = "Installer without uniform, no usage briefing.",
        };
        var id = await host.Register(intake);
        var triaged = await host.Triage(id, TicketCategory.ServiceExperience, new PriorityAssessment { Severity = Severity.Cosmetic });
        Assert.Equal("F20240301002", triaged.Ticket.FeedbackNumber);
        Assert.Equal(Priority.P2, triaged.Ticket.Priority);
        Assert.Equal(Departments.ServiceSupervisor, triaged.Ticket.Route!.Department);

        await host.Assign(id, "supervisor-liu");
        await host.Start(id);
        await host.Respond(id);
        host.Clock.Reset(At(2024, 3, 5, 16, 0));
        await host.Resolve(id, "Installation standard revised; installer retrained; usage briefing given.");
        host.Clock.Reset(At(2024, 3, 6, 10, 30));
        var revisit = await host.Revisit(id, resolved: true, score: 4, RevisitMethod.Online);
        Assert.Equal("HV20240301002", revisit.Ticket.LastRevisitNumber); // table 4: dated by the feedback
        Assert.Equal(RevisitOutcome.Satisfied, revisit.Ticket.LastRevisitOutcome);
        Assert.Equal(TicketState.Closed, (await host.Close(id)).Ticket.State);
    }
}
