using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>Argument checks every store applies to an append, so all stores refuse the same input.</summary>
public static class StoreArguments
{
    /// <summary>Checks the arguments of <see cref="ITicketStore.AppendAsync"/>.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="expectedVersion">The expected version (0 or more).</param>
    /// <param name="events">The events: at least one, none null, all of <paramref name="ticketId"/>.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it.</exception>
    public static void CheckAppend(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events)
    {
        Preconditions.CheckArgument(!ticketId.IsEmpty, nameof(ticketId), "The ticket id must not be empty.");
        Preconditions.CheckArgument(expectedVersion >= 0, nameof(expectedVersion), $"'{nameof(expectedVersion)}' must be 0 or more; it was {expectedVersion}.");
        Preconditions.CheckNotNull(events);
        Preconditions.CheckArgument(events.Count > 0, nameof(events), "At least one event is required.");
        for (var i = 0; i < events.Count; i++)
        {
            Preconditions.CheckArgument(events[i] is not null, nameof(events), $"events[{i}] is null.");
            Preconditions.CheckArgument(events[i].TicketId == ticketId, nameof(events), $"events[{i}] belongs to ticket {events[i].TicketId}, not {ticketId}.");
        }
    }
}
