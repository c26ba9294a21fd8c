using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime.Testing;

namespace AfterSales.Quality.Tests.Service;

/// <summary>A store that holds ticket states (<see cref="ITicketStateHolder"/>): the service decides on the state held for the version it read, and on a replay otherwise.</summary>
public sealed class TicketStateHolderTests
{
    [Fact]
    public async Task The_service_decides_on_the_held_state_and_hands_back_the_state_after_each_command()
    {
        var store = new HoldingStore(stale: false);
        var (service, id) = await RunLifecycleAsync(store);

        // Register replays the empty stream (nothing held yet); the four commands after it, and the retry, find the state held by the one before.
        Assert.Equal(5, store.Found);
        Assert.Equal(5, store.Held.Count);
        Assert.All(store.Held.Zip(store.Held.Skip(1)), pair => Assert.True(pair.Second.Version > pair.First.Version));
        await AssertSameAsReplayAsync(service, store, id);
    }

    [Fact]
    public async Task A_held_state_of_another_version_is_not_used()
    {
        // This store always offers the first state it was told (version 1): from the third command on that is stale.
        var store = new HoldingStore(stale: true);
        var (service, id) = await RunLifecycleAsync(store);

        Assert.Equal(1, store.Found); // only the triage, which read the version the registration left
        await AssertSameAsReplayAsync(service, store, id);
    }

    private static async Task<(TicketService Service, TicketId Id)> RunLifecycleAsync(HoldingStore store)
    {
        var clock = new FakeClock(TicketTestHost.At(2024, 3, 1, 10, 30));
        var options = new TicketServiceOptions();
        options.Numbering.TimeZone = TicketTestHost.Shanghai;
        var service = new TicketService(store, store.Inner, clock, options);
        var id = TicketId.New();
        TicketCommand[] commands =
        [
            new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = TicketTestHost.Intake(clock.GetCurrentInstant()) },
            new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-wang", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } },
            new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead-chen", Assignee = "tech-zhao" },
            new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao" },
            new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Solution = "Battery replaced." },
        ];
        foreach (var command in commands)
        {
            clock.AdvanceMinutes(10);
            await service.ExecuteAsync(command);
        }

        // A retry of a command decided on a held state is still recognised as applied.
        Assert.True((await service.ExecuteAsync(commands[3])).AlreadyApplied);
        return (service, id);
    }

    private static async Task AssertSameAsReplayAsync(TicketService service, HoldingStore store, TicketId id)
    {
        var replayed = Ticket.Replay(id, (await store.Inner.ReadStreamAsync(id)).Events.Select(e => e.Event));
        var last = store.Held[^1];
        Assert.Equal((await store.Inner.ReadStreamAsync(id)).Version, last.Version);
        Assert.Equal(TicketState.Resolved, last.State);
        Assert.Equal((replayed.State, replayed.Version, replayed.Priority, replayed.Assignee, replayed.FeedbackNumber), (last.State, last.Version, last.Priority, last.Assignee, last.FeedbackNumber));
        Assert.Equal(replayed.ProcessedCommandIds.Order(), last.ProcessedCommandIds.Order());
        Assert.Equal(replayed.State, (await service.GetAsync(id)).State);
    }

    private sealed class HoldingStore(bool stale) : ITicketStore, ITicketStateHolder
    {
        public InMemoryTicketStore Inner { get; } = new();

        public List<Ticket> Held { get; } = [];

        public int Found { get; private set; }

        public ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default) => Inner.ReadStreamAsync(ticketId, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default) =>
            Inner.AppendAsync(ticketId, expectedVersion, events, cancellationToken);

        public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) => Inner.ReadFeedAsync(afterPosition, cancellationToken);

        public Ticket? FindState(TicketId ticketId, long version)
        {
            var offered = stale ? Held.FirstOrDefault() : Held.LastOrDefault(t => t.Id == ticketId && t.Version == version);
            Found += offered is not null && offered.Version == version ? 1 : 0;
            return offered;
        }

        public void HoldState(Ticket ticket) => Held.Add(ticket);
    }
}
