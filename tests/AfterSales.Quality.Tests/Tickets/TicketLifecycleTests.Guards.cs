using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed partial class TicketLifecycleTests
{
    [Fact]
    public async Task A_ticket_cannot_be_resolved_with_an_empty_solution_and_nothing_is_recorded()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment());
        var before = await host.Service.GetAsync(id);

        var error = await Assert.ThrowsAsync<QualityValidationException>(() => host.Resolve(id, "   "));
        Assert.Equal("Solution", error.ParamName);
        Assert.Contains("Solution", error.Message);
        Assert.Equal(before, await host.Service.GetAsync(id));
    }

    [Fact]
    public async Task A_ticket_cannot_be_closed_before_its_revisit()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();

        var error = await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Close(id));
        Assert.Equal(TicketState.Resolved, error.State);
        Assert.Equal("CloseTicket", error.Command);
        Assert.Contains("CloseTicket is not allowed", error.Message);
        Assert.Contains("in state Resolved", error.Message);
        Assert.Contains("revisit", error.Message);
        Assert.Equal(TicketState.Resolved, (await host.Service.GetAsync(id)).State);
    }
}
