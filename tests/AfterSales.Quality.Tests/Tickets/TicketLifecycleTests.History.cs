using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed partial class TicketLifecycleTests
{
    [Fact]
    public async Task Every_event_carries_the_actor_the_instant_and_the_command()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var history = await host.Service.GetHistoryAsync(id);
        Assert.All(history, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Event.Actor));
            Assert.Equal(host.Clock.GetCurrentInstant(), e.Event.OccurredAt);
            Assert.NotEqual(Guid.Empty, e.Event.CommandId);
            Assert.Equal(id, e.Event.TicketId);
        });
        Assert.Equal(history.Select((_, i) => (long)i + 1), history.Select(e => e.Version));
    }

    [Fact]
    public async Task Replay_of_the_history_rebuilds_the_state()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var last = await host.Revisit(id, resolved: true, score: 1);
        var history = await host.Service.GetHistoryAsync(id);
        Assert.Equal(last.Ticket, Ticket.Replay(id, history.Select(e => e.Event)));
    }

    [Fact]
    public void Applying_an_event_of_another_ticket_is_refused()
    {
        var ticket = Ticket.Empty(TicketId.New());
        var other = new WorkStarted { TicketId = TicketId.New(), OccurredAt = Instant.FromUnixTimeSeconds(0), Actor = "a", CommandId = Guid.NewGuid() };
        var error = Assert.Throws<ArgumentException>(() => ticket.Apply(other));
        Assert.Contains("belongs to ticket", error.Message);
    }
}
