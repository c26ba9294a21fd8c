using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Storage;

/// <summary>The in-memory store's audit of personal-data access (gone with the process, like its tickets).</summary>
public sealed partial class InMemoryTicketStore : IPersonalDataAccessHistory
{
    private readonly InMemoryPersonalDataAccessAudit accessAudit = new();

    /// <inheritdoc />
    public ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default) =>
        accessAudit.RecordAccessAsync(records, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default) =>
        accessAudit.ListAccessesAsync(ticketId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PersonalDataAccessPage> QueryAccessesAsync(PersonalDataAccessQuery query, CancellationToken cancellationToken = default) =>
        accessAudit.QueryAccessesAsync(query, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> PruneAccessesAsync(Instant olderThan, CancellationToken cancellationToken = default) =>
        accessAudit.PruneAccessesAsync(olderThan, cancellationToken);
}
