using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// An optional capability of a ticket log: appending to many tickets in one transaction, and keeping
/// per ticket the source hash of an import beside its events. The importers detect it and write many
/// cases per call; a store without it is written through <see cref="ITicketStore.AppendAsync"/>, one
/// command at a time, with the same result. Implementations must be safe for concurrent use.
/// </summary>
/// <remarks>
/// A batch keeps every guarantee of a single append: each ticket's stream is checked against its
/// expected version (two writers can never both win a version), the whole batch commits or nothing of
/// it does (a conflict or failure on any ticket of the batch leaves every stream, the feed and the
/// source hashes as they were), and feed positions are assigned in commit order without gaps —
/// contiguous, in the order of the batch.
/// </remarks>
public interface ITicketBatchStore : ITicketStore
{
    /// <summary>Appends to several tickets' streams and records their source hashes, all in one transaction.</summary>
    /// <param name="appends">The appends, at least one; each ticket at most once.</param>
    /// <param name="cancellationToken">Cancels the batch before it is committed.</param>
    /// <returns>The recorded events of every append, in the order of the batch (which is position order).</returns>
    /// <exception cref="TicketConcurrencyException">A ticket's stream is not at its expected version (the first such ticket); nothing of the batch was written.</exception>
    /// <exception cref="ArgumentException">No appends, a ticket twice, or an append that <see cref="StoreArguments.CheckBatch"/> refuses (named, with its index).</exception>
    ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default);

    /// <summary>Reads several tickets' whole streams at once (in one query where the store can), as <see cref="ITicketStore.ReadStreamAsync"/> reads one.</summary>
    /// <param name="ticketIds">The tickets; each at most once.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One stream per ticket, in the order asked; an unknown ticket is an empty stream at version 0.</returns>
    /// <exception cref="ArgumentException">A ticket is asked twice or is empty (named, with its index).</exception>
    ValueTask<IReadOnlyList<TicketStream>> ReadStreamsAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default);

    /// <summary>The source hashes recorded for an import source (<see cref="TicketAppend.SourceHash"/>), by ticket.</summary>
    /// <param name="source">The import source's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The last hash recorded per ticket; empty when none was.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is blank.</exception>
    ValueTask<IReadOnlyDictionary<TicketId, string>> ReadSourceHashesAsync(string source, CancellationToken cancellationToken = default);
}

/// <summary>One ticket's part of a batch: its events (possibly none) at an expected version, and optionally the import source hash to record with them.</summary>
/// <param name="TicketId">The ticket; every event must belong to it.</param>
/// <param name="ExpectedVersion">The version the caller read (0 for a new ticket); checked even when there are no events.</param>
/// <param name="Events">The events; empty only with a <see cref="SourceHash"/> (a case whose rows changed but whose history is complete).</param>
public sealed record TicketAppend(TicketId TicketId, long ExpectedVersion, IReadOnlyList<TicketEvent> Events)
{
    /// <summary>
    /// The import source and the hash of the source rows this ticket's history now reflects, recorded
    /// atomically with the events (replacing an earlier hash of the same source); null records none.
    /// A re-run that finds the same hash skips the case without reading it.
    /// </summary>
    public TicketSourceHash? SourceHash { get; init; }
}

/// <summary>The hash of the source rows a ticket's imported history reflects.</summary>
/// <param name="Source">The import source's name (<c>EventLogMapping.Source</c>), not blank, at most 200 characters.</param>
/// <param name="Hash">The hash, not blank, at most 200 characters.</param>
public sealed record TicketSourceHash(string Source, string Hash);
