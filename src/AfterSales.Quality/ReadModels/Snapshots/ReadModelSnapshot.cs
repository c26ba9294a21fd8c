using AfterSales.Quality.Storage;

namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>
/// A read model's state copied at one feed position (<see cref="ReadModelSnapshots"/>'s <c>CaptureSnapshot</c>), ready
/// to be encoded and written. Capturing is a copy on the read model's own thread; encoding and writing happen in
/// <see cref="WriteAsync"/>, off it, while the read model and the ticket log go on. Immutable.
/// </summary>
public sealed class ReadModelSnapshot
{
    private readonly Func<byte[]> encode;

    internal ReadModelSnapshot(string name, long position, Func<byte[]> encode)
    {
        Name = name;
        Position = position;
        this.encode = encode;
    }

    /// <summary>The name it is kept under.</summary>
    public string Name { get; }

    /// <summary>The last feed position the snapshot covers.</summary>
    public long Position { get; }

    /// <summary>Encodes the snapshot (versioned and checksummed) on a thread-pool thread and writes it to a store, replacing the previous one.</summary>
    /// <param name="snapshots">Where snapshots are kept (a store implementing <see cref="ISnapshotStore"/>).</param>
    /// <param name="cancellationToken">Cancels the write; the previous snapshot then stays.</param>
    /// <returns>A task that completes when the snapshot is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshots"/> is null.</exception>
    public async Task WriteAsync(ISnapshotStore snapshots, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(snapshots);
        var bytes = await Task.Run(encode, cancellationToken).ConfigureAwait(false);
        await snapshots.WriteSnapshotAsync(Name, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The encoded bytes (what <see cref="WriteAsync"/> writes).</summary>
    internal byte[] ToBytes() => encode();
}
