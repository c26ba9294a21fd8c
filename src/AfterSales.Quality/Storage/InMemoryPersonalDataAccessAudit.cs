using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// An audit of personal-data access kept in memory, for a store that keeps none of its own (the DI package registers it
/// then, with a warning): the records are gone with the process, so a production host should implement
/// <see cref="IPersonalDataAccessAudit"/> over its own durable audit or SIEM instead. Thread-safe.
/// </summary>
public sealed class InMemoryPersonalDataAccessAudit : IPersonalDataAccessAudit
{
    private readonly List<PersonalDataAccessRecord> records = [];
    private readonly Lock gate = new();

    /// <inheritdoc />
    public ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAccessRecords(records);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            this.records.AddRange(records);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<PersonalDataAccessRecord> found = [.. records.Where(r => ticketId is null || r.TicketId == ticketId)];
            return ValueTask.FromResult(found);
        }
    }
}
