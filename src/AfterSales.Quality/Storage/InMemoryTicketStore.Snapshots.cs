using System.Collections.Concurrent;

namespace AfterSales.Quality.Storage;

/// <summary>The in-memory store's snapshots: a copy of the bytes per name, for tests (nothing survives the process).</summary>
public sealed partial class InMemoryTicketStore : ISnapshotStore
{
    private readonly ConcurrentDictionary<string, byte[]> snapshots = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadSnapshotAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(snapshots.TryGetValue(name, out var bytes) ? (byte[]?)bytes.ToArray() : null);
    }

    /// <inheritdoc />
    public ValueTask WriteSnapshotAsync(string name, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        cancellationToken.ThrowIfCancellationRequested();
        snapshots[name] = snapshot.ToArray();
        return ValueTask.CompletedTask;
    }
}
