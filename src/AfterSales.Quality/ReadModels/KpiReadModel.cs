using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Storage;
using NodaTime;

namespace AfterSales.Quality.ReadModels;

/// <summary>
/// The KPI read model a host shares between requests: one <see cref="TicketFactProjection"/> for the process, caught up
/// with the store's feed and measured at the clock's current instant before each query, so a query sees every command
/// that completed before it. Thread-safe: refreshes and queries are serialised (one at a time), since the projection
/// itself is not. With dependency injection <c>AddAfterSalesQuality</c> registers one as a singleton, over the registered
/// store and <see cref="Sla.SlaPolicySet"/> in the desk's zone.
/// </summary>
public sealed class KpiReadModel : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TicketFactProjection projection;
    private readonly IClock clock;
    private readonly ISnapshotStore? snapshots;

    /// <summary>Shares a projection; from now on only this read model may refresh or read it.</summary>
    /// <param name="projection">The projection (e.g. <c>options.ToTicketFactProjection(store)</c>); it may be empty or already caught up.</param>
    /// <param name="clock">The clock open tickets are measured at.</param>
    /// <exception cref="ArgumentNullException"><paramref name="projection"/> or <paramref name="clock"/> is null.</exception>
    public KpiReadModel(TicketFactProjection projection, IClock clock)
    {
        this.projection = Preconditions.CheckNotNull(projection);
        this.clock = Preconditions.CheckNotNull(clock);
    }

    /// <summary>
    /// Shares a projection that starts from its snapshot and keeps it: before the first refresh an empty projection is
    /// restored from <paramref name="snapshots"/> (<see cref="ReadModelSnapshots.RestoreSnapshotAsync(TicketFactProjection, ISnapshotStore, string, CancellationToken)"/>;
    /// a missing, damaged or other-version snapshot is not trusted and the projection is rebuilt from the events), so a host
    /// answers its first query after reading the snapshot and the events since; after a refresh, when
    /// <paramref name="snapshotInterval"/> has passed, a new snapshot is captured under the lock and encoded and written
    /// in the background (<see cref="Snapshots"/>), never blocking the ticket log.
    /// </summary>
    /// <param name="projection">The projection; restored only while it is empty.</param>
    /// <param name="clock">The clock open tickets are measured at.</param>
    /// <param name="snapshots">Where the snapshot is kept (a store implementing <see cref="ISnapshotStore"/>).</param>
    /// <param name="snapshotInterval">The least time between two snapshot writes: positive.</param>
    /// <exception cref="ArgumentNullException"><paramref name="projection"/>, <paramref name="clock"/> or <paramref name="snapshots"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="snapshotInterval"/> is not positive.</exception>
    public KpiReadModel(TicketFactProjection projection, IClock clock, ISnapshotStore snapshots, Duration snapshotInterval)
        : this(projection, clock)
    {
        this.snapshots = Preconditions.CheckNotNull(snapshots);
        Snapshots = new SnapshotSchedule(snapshots, snapshotInterval, clock);
    }

    /// <summary>The schedule of snapshot writes (its last error, the write under way); null without a snapshot store.</summary>
    public SnapshotSchedule? Snapshots { get; }

    /// <summary>How the snapshot was restored at the first refresh (or why it was not); null before it, or without a snapshot store.</summary>
    public SnapshotRestoreResult? Restored { get; private set; }

    /// <summary>
    /// Catches the projection up with the feed and measures it at the current instant (the last one measured, if the clock
    /// stepped back), then runs <paramref name="query"/> on it, all under the read model's lock.
    /// </summary>
    /// <typeparam name="T">The query's result.</typeparam>
    /// <param name="query">
    /// Reads the projection (<see cref="TicketFactProjection.Facts"/>, <see cref="TicketFactProjection.Dimensions"/>) and the
    /// instant it was measured at. It runs under the lock: return values, not references into the facts, and keep it short.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait and the refresh (a cancelled refresh leaves the projection consistent).</param>
    /// <returns>The query's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The read model was disposed.</exception>
    public async Task<T> QueryAsync<T>(Func<TicketFactProjection, Instant, T> query, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(query);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = await RefreshCoreAsync(cancellationToken).ConfigureAwait(false);
            return query(projection, now);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Catches the projection up with the feed now (e.g. from a background loop, so that the next query has less to read).</summary>
    /// <param name="cancellationToken">Cancels the wait and the refresh.</param>
    /// <returns>The instant the projection was measured at.</returns>
    /// <exception cref="ObjectDisposedException">The read model was disposed.</exception>
    public async Task<Instant> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RefreshCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => gate.Dispose();

    private async Task<Instant> RefreshCoreAsync(CancellationToken cancellationToken)
    {
        if (snapshots is not null && Restored is null && projection.IsEmpty)
        {
            // A store failure here propagates and leaves the projection empty: the next call tries the snapshot again.
            Restored = await projection.RestoreSnapshotAsync(snapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var now = clock.GetCurrentInstant();
        if (projection.MeasuredAt is { } last && now < last)
        {
            now = last; // the clock stepped back: measure at the last instant again
        }

        await projection.RefreshAsync(now, cancellationToken).ConfigureAwait(false);
        Snapshots?.WriteIfDue(() => projection.CaptureSnapshot());
        return now;
    }
}
