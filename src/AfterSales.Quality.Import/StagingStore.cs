using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Import;

/// <summary>
/// One case's ticket as the bulk path stages it: the history the store holds, plus the events the
/// real <see cref="Service.TicketService"/> decided since, kept here until the batch that writes them.
/// So every event still comes from the decider (fingerprints, numbers, rules), and the store sees one
/// append per case, checked against the version the case was read at. It holds the ticket the service
/// decided last (<see cref="ITicketStateHolder"/>), so a case's commands are decided on it instead of
/// replaying the staged stream for each: one replay per case at most (a case the store already holds).
/// </summary>
internal sealed class StagingStore : ITicketStore, ITicketStateHolder
{
    private readonly List<RecordedEvent> events = [];

    private TicketId ticketId;

    private Ticket? state;

    /// <summary>The version the case was read at: the expected version of its batch append.</summary>
    public long BaseVersion { get; private set; }

    /// <summary>The events of the cases staged for the transaction being filled (for progress).</summary>
    public long Staged { get; set; }

    /// <summary>The events decided for the case so far.</summary>
    public List<TicketEvent> Pending { get; } = [];

    /// <summary>Starts a case from its stream as read.</summary>
    public void Reset(TicketStream stream)
    {
        ticketId = stream.TicketId;
        BaseVersion = stream.Version;
        events.Clear();
        events.AddRange(stream.Events);
        Pending.Clear();
        state = stream.Events.Count == 0 ? Ticket.Empty(ticketId) : null;
    }

    /// <inheritdoc />
    public Ticket? FindState(TicketId ticketId, long version) =>
        state is { } held && held.Id == ticketId && held.Version == version && version == events.Count ? held : null;

    /// <inheritdoc />
    public void HoldState(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        state = ticket.Id == ticketId && ticket.Version == events.Count ? ticket : null;
    }

    /// <inheritdoc />
    public ValueTask<TicketStream> ReadStreamAsync(TicketId id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(id == ticketId ? new TicketStream(id, events.Count, events) : new TicketStream(id, 0, []));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId id, long expectedVersion, IReadOnlyList<TicketEvent> appended, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(id, expectedVersion, appended);
        if (id != ticketId || expectedVersion != events.Count)
        {
            throw new TicketConcurrencyException(id, expectedVersion, id == ticketId ? events.Count : 0);
        }

        // Positions are the store's to assign when the batch commits; staged events carry none.
        var recorded = appended.Select((e, i) => new RecordedEvent(0, expectedVersion + i + 1, e)).ToArray();
        events.AddRange(recorded);
        Pending.AddRange(appended);
        return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(recorded);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A staged case has no feed.");
}
