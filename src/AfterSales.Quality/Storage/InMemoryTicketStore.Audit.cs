using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>The in-memory store's audit of personal-data access (gone with the process, like its tickets).</summary>
public sealed partial class InMemoryTicketStore : IPersonalDataAccessAudit
{
    private readonly List<PersonalDataAccessRecord> accessRecords = [];

    /// <inheritdoc />
    public ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAccessRecords(records);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            accessRecords.AddRange(records);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<PersonalDataAccessRecord> found = [.. accessRecords.Where(r => ticketId is null || r.TicketId == ticketId)];
            return ValueTask.FromResult(found);
        }
    }
}
