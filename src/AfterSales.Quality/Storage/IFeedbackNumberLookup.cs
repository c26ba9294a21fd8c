using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// An optional store capability: finds a ticket by its feedback number. <see cref="Service.TicketService"/>
/// uses it to refuse a <see cref="MarkDuplicate"/> whose <see cref="MarkDuplicate.DuplicateOf"/> is no ticket's
/// number. The in-memory, SQLite and PostgreSQL stores implement it (the SQL stores over an index on the
/// registrations, schema version 7); a store without it accepts any well-formed number.
/// </summary>
public interface IFeedbackNumberLookup
{
    /// <summary>Finds the ticket registered with <paramref name="feedbackNumber"/> (compared exactly, ordinal).</summary>
    /// <param name="feedbackNumber">The feedback number, e.g. <c>F20240301001</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ticket, or null when no ticket has that number.</returns>
    ValueTask<TicketId?> FindByFeedbackNumberAsync(string feedbackNumber, CancellationToken cancellationToken = default);
}
