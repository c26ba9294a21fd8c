using NodaTime;

namespace AfterSales.Quality.DependencyInjection;

/// <summary>What the background scan last did, for the projection health check. Thread-safe (one immutable snapshot swapped).</summary>
internal sealed class ProjectionProgress
{
    private Snapshot current = new(0, null, null, null, null);

    public Snapshot Current => Volatile.Read(ref current);

    public void Completed(long position, Instant at) => Volatile.Write(ref current, new Snapshot(position, at, null, null, null));

    /// <summary>Another node holds the lease: this one scans nothing, and that is healthy.</summary>
    public void Standby(Instant at) => Volatile.Write(ref current, new Snapshot(0, null, null, null, at));

    public void Failed(Exception error, Instant at) => Volatile.Write(ref current, Current with { LastError = error, FailedAt = at });

    /// <summary>The SLA due index's feed position, when its last scan completed, and the error of a failed scan after it.</summary>
    internal sealed record Snapshot(long Position, Instant? CompletedAt, Exception? LastError, Instant? FailedAt, Instant? StandbySince);
}
