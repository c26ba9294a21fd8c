using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// The ticket log: each ticket is a stream of events appended atomically with an expected
/// version, and all streams together form one global feed ordered by position. Implementations
/// must be safe for concurrent use; two writers appending at the same expected version can never
/// both succeed. A call the store's infrastructure cannot complete (a lock, a lost connection, a
/// full or corrupt disk) throws <see cref="TicketStoreUnavailableException"/>, the driver's error inside:
/// an append's outcome is then unknown — the command may have committed: retry with the same CommandId.
/// </summary>
public interface ITicketStore
{
    /// <summary>Reads a ticket's whole stream, oldest event first.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stream; an empty stream at version 0 when the ticket does not exist.</returns>
    ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends events to a ticket's stream, all or nothing, if the stream is still at
    /// <paramref name="expectedVersion"/> (0 for a new ticket).
    /// </summary>
    /// <param name="ticketId">The ticket; every event must belong to it.</param>
    /// <param name="expectedVersion">The version the caller read; the append fails if another writer got there first.</param>
    /// <param name="events">The events, at least one.</param>
    /// <param name="cancellationToken">Cancels the append before it is committed.</param>
    /// <returns>The recorded events with their versions and global positions.</returns>
    /// <exception cref="TicketConcurrencyException">The stream is not at <paramref name="expectedVersion"/>; nothing was appended.</exception>
    /// <exception cref="ArgumentException">No events, or an event of another ticket.</exception>
    ValueTask<IReadOnlyList<RecordedEvent>> AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the global feed of every ticket's events after <paramref name="afterPosition"/>, in
    /// position order, as far as it is committed when each batch is read.
    /// </summary>
    /// <param name="afterPosition">The last position already seen (0 to read from the start).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The recorded events, ascending by position.</returns>
    IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default);
}

/// <summary>An event as stored: with its version in the ticket's stream and its global position.</summary>
/// <param name="Position">The position in the global feed (1, 2, ...), ascending in commit order.</param>
/// <param name="Version">The version in the ticket's stream: 1 for the first event.</param>
/// <param name="Event">The event.</param>
public sealed record RecordedEvent(long Position, long Version, TicketEvent Event);

/// <summary>A ticket's stream as read.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="Version">The stream's version: the number of events (0 when the ticket does not exist).</param>
/// <param name="Events">The events, oldest first.</param>
public sealed record TicketStream(TicketId TicketId, long Version, IReadOnlyList<RecordedEvent> Events)
{
    /// <summary>Whether the ticket exists (has at least one event).</summary>
    public bool Exists => Version > 0;
}
