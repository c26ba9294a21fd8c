namespace AfterSales.Quality.Storage;

/// <summary>
/// An optional capability of a store: keeping one snapshot (an opaque block of bytes) per read model, so a
/// restarted host loads its read models and catches up from the snapshot's feed position instead of rebuilding
/// them from position 0. The store keeps the bytes as given; the read models check them (version, checksum,
/// settings, feed position) and rebuild from the events when a snapshot does not pass.
/// Implementations must be safe for concurrent use, and writing a snapshot must never block appends to the ticket log.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The snapshot last written under a name.</summary>
    /// <param name="name">The read model's snapshot name (1–200 characters, not blank).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes as written, or null when no snapshot was written under that name.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    ValueTask<byte[]?> ReadSnapshotAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Replaces the snapshot kept under a name. A reader sees the old snapshot or the new one, never a mix.</summary>
    /// <param name="name">The read model's snapshot name (1–200 characters, not blank).</param>
    /// <param name="snapshot">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write; the previous snapshot then stays.</param>
    /// <returns>A task that completes when the snapshot is stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or longer than 200 characters.</exception>
    ValueTask WriteSnapshotAsync(string name, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken = default);
}
