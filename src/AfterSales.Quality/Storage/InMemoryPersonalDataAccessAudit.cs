using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Storage;

/// <summary>
/// An audit of personal-data access kept in memory — the in-memory store's own, and the one the DI package registers for
/// a store that keeps none (with a warning): the records are gone with the process, so a production host should implement
/// <see cref="IPersonalDataAccessAudit"/> over its own durable audit or SIEM instead. Thread-safe.
/// </summary>
public sealed class InMemoryPersonalDataAccessAudit : IPersonalDataAccessHistory
{
    private readonly List<(long Seq, PersonalDataAccessRecord Record)> accessRecords = [];
    private readonly Lock gate = new();
    private long accessSeq;

    /// <inheritdoc />
    public ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAccessRecords(records);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var record in records)
            {
                accessRecords.Add((++accessSeq, record));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            IReadOnlyList<PersonalDataAccessRecord> found = [.. accessRecords.Select(r => r.Record).Where(r => ticketId is null || r.TicketId == ticketId)];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<PersonalDataAccessPage> QueryAccessesAsync(PersonalDataAccessQuery query, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var after = query.After();
        lock (gate)
        {
            var page = accessRecords
                .Where(r => r.Seq > after
                    && (query.Actor is null || string.Equals(r.Record.Actor, query.Actor, StringComparison.Ordinal))
                    && (query.TicketId is null || r.Record.TicketId == query.TicketId)
                    && (query.From is null || r.Record.At >= query.From)
                    && (query.Until is null || r.Record.At < query.Until))
                .Take(query.PageSize + 1)
                .ToArray();
            var more = page.Length > query.PageSize;
            var records = page.Take(query.PageSize).ToArray();
            return ValueTask.FromResult(new PersonalDataAccessPage(
                [.. records.Select(r => r.Record)],
                more ? PersonalDataAccessQuery.ContinuationAfter(records[^1].Seq) : null));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> PruneAccessesAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            return ValueTask.FromResult((long)accessRecords.RemoveAll(r => r.Record.At < olderThan));
        }
    }
}
