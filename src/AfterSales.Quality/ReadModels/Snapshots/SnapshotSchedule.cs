using AfterSales.Quality.Storage;
using NodaTime;

namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>
/// Writes a read model's snapshot in the background at most once an interval: the loop that keeps the read model
/// current calls <see cref="WriteIfDue"/> after each catch-up; when the interval has passed and no write is under way,
/// the snapshot is captured there (a copy) and encoded and written on the thread pool, so neither the loop nor the
/// ticket log's appends wait for it. A failed write is kept in <see cref="LastError"/> and retried at the next interval.
/// Thread-safe.
/// </summary>
public sealed class SnapshotSchedule
{
    private readonly Lock gate = new();
    private readonly ISnapshotStore snapshots;
    private readonly IClock clock;
    private Task pending = Task.CompletedTask;
    private Instant? lastStarted;

    /// <summary>Creates a schedule.</summary>
    /// <param name="snapshots">Where snapshots are kept.</param>
    /// <param name="interval">The least time between two snapshot writes: positive.</param>
    /// <param name="clock">The clock the interval is measured on.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public SnapshotSchedule(ISnapshotStore snapshots, Duration interval, IClock clock)
    {
        this.snapshots = Preconditions.CheckNotNull(snapshots);
        this.clock = Preconditions.CheckNotNull(clock);
        if (interval <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"interval: must be positive; it was {interval}.");
        }

        Interval = interval;
    }

    /// <summary>The least time between two snapshot writes.</summary>
    public Duration Interval { get; }

    /// <summary>The feed position of the last snapshot written; null before the first.</summary>
    public long? LastWrittenPosition { get; private set; }

    /// <summary>When the last snapshot was written; null before the first.</summary>
    public Instant? LastWrittenAt { get; private set; }

    /// <summary>The error of the last write when it failed (cleared by the next successful one).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The write under way, or a completed task (await it before the host stops to finish the last write).</summary>
    public Task Pending
    {
        get
        {
            lock (gate)
            {
                return pending;
            }
        }
    }

    /// <summary>
    /// Captures and starts writing a snapshot when the interval has passed since the previous one started and none is
    /// being written; a snapshot at the position already written is not written again. Returns at once: the write runs in the background.
    /// </summary>
    /// <param name="capture">Captures the snapshot (called here, on the caller's thread, only when a write is due).</param>
    /// <param name="cancellationToken">Cancels the background write.</param>
    /// <returns>Whether a write was started.</returns>
    public bool WriteIfDue(Func<ReadModelSnapshot> capture, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(capture);
        lock (gate)
        {
            var now = clock.GetCurrentInstant();
            if (!pending.IsCompleted || (lastStarted is { } started && now - started < Interval))
            {
                return false;
            }

            var snapshot = capture();
            if (snapshot.Position == LastWrittenPosition)
            {
                return false;
            }

            lastStarted = now;
            pending = Task.Run(() => WriteAsync(snapshot, cancellationToken), CancellationToken.None);
            return true;
        }
    }

    private async Task WriteAsync(ReadModelSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await snapshot.WriteAsync(snapshots, cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                LastWrittenPosition = snapshot.Position;
                LastWrittenAt = clock.GetCurrentInstant();
                LastError = null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            lock (gate)
            {
                LastError = ex;
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping: the previous snapshot stays.
        }
    }
}
