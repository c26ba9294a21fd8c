using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed partial class TicketLifecycleTests
{
    [Fact]
    public async Task A_retried_command_appends_nothing_twice()
    {
        var host = new TicketTestHost();
        var id = TicketId.New();
        var register = new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = Intake(host.Clock.GetCurrentInstant()) };
        var first = await host.Run(register);
        var retry = await host.Run(register);
        Assert.False(first.AlreadyApplied);
        Assert.True(retry.AlreadyApplied);
        Assert.Empty(retry.NewEvents);
        Assert.Equal(first.Ticket, retry.Ticket);
        Assert.Equal(1, host.Store.Count);

        var triage = new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-wang", Category = TicketCategory.Suggestion, Assessment = new PriorityAssessment() };
        await host.Run(triage);
        Assert.True((await host.Run(triage)).AlreadyApplied);
        Assert.Equal(2, host.Store.Count);
    }

    [Fact]
    public async Task A_second_registration_with_another_command_on_the_same_id_is_illegal()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var error = await Assert.ThrowsAsync<IllegalTicketCommandException>(() =>
            host.Run(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = Intake(host.Clock.GetCurrentInstant()) }));
        Assert.Equal(TicketState.Registered, error.State);
    }

    [Fact]
    public async Task A_stale_writer_gets_a_concurrency_exception_and_nothing_is_overwritten()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var stream = await host.Store.ReadStreamAsync(id);
        var assigned = new TicketAssigned { TicketId = id, OccurredAt = host.Clock.GetCurrentInstant(), Actor = "a", CommandId = Guid.NewGuid(), Assignee = "x" };
        await host.Store.AppendAsync(id, stream.Version, [assigned]);
        var error = await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await host.Store.AppendAsync(id, stream.Version, [assigned with { CommandId = Guid.NewGuid() }]));
        Assert.Equal((1L, 2L), (error.ExpectedVersion, error.ActualVersion));
        Assert.Equal(2, (await host.Store.ReadStreamAsync(id)).Version);
    }

    [Fact]
    public async Task Concurrent_commands_on_one_ticket_never_both_win()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await Task.Yield();
                await host.Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = $"agent-{i}" });
                return true;
            }
            catch (TicketConcurrencyException)
            {
                return false;
            }
        }));
        var stream = await host.Store.ReadStreamAsync(id);
        Assert.Equal(1 + outcomes.Count(won => won), stream.Version);
        Assert.Equal(Enumerable.Range(1, (int)stream.Version).Select(v => (long)v), stream.Events.Select(e => e.Version));
        Assert.Single(stream.Events.Select(e => e.Event).OfType<ResponseRecorded>(), r => r.IsFirstResponse);
    }

    [Fact]
    public async Task Commands_on_an_unknown_ticket_are_refused()
    {
        var host = new TicketTestHost();
        var error = await Assert.ThrowsAsync<TicketNotFoundException>(() => host.Assign(TicketId.New()));
        Assert.Contains("has not been registered", error.Message);
        Assert.Null(await host.Service.FindAsync(TicketId.New()));
    }
}
