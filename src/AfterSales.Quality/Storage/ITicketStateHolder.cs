using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// An optional capability of an <see cref="ITicketStore"/> that keeps the decided state of the streams it
/// serves: <see cref="Service.TicketService"/> decides a command on the state held for the version it read
/// instead of replaying the stream, and hands back the state after each command it appended. Meant for a
/// store that serves one writer's streams from memory (the event-log importer's staged cases); a store shared
/// by writers must not offer it unless what it holds is exactly the replay of what it serves.
/// </summary>
public interface ITicketStateHolder
{
    /// <summary>The state held for a ticket at exactly a version of its stream, or null when none is held (the service then replays the stream).</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="version">The version of the stream just read.</param>
    /// <returns>The state, equal to <see cref="Ticket.Replay"/> of the stream's first <paramref name="version"/> events; or null.</returns>
    Ticket? FindState(TicketId ticketId, long version);

    /// <summary>Told the state of a ticket after a command the service appended (its <see cref="Ticket.Version"/> is the stream's new version).</summary>
    /// <param name="ticket">The state after the command.</param>
    void HoldState(Ticket ticket);
}
