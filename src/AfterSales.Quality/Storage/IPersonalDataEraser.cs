using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// A store that can erase personal data from its history: it rewrites at least a ticket's stored registration so the
/// customer's name, contact and address read <see cref="PersonalDataErased.Placeholder"/>; the in-memory, SQLite and
/// PostgreSQL stores rewrite every personal value and free text of the ticket's events
/// (<see cref="TicketEventSerializer.ErasePersonalData"/>), so values stored in clear leave the disk too.
/// Positions, versions and every other field stay as they were. <see cref="Service.TicketService"/> calls it
/// when it appends <see cref="PersonalDataErased"/>.
/// </summary>
public interface IPersonalDataEraser
{
    /// <summary>Erases the personal data of a ticket's stored registration.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the erasure.</param>
    /// <returns>A task that completes when the stored data is rewritten.</returns>
    ValueTask ErasePersonalDataAsync(TicketId ticketId, CancellationToken cancellationToken = default);
}
