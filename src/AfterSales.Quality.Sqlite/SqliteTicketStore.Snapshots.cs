using System.Security.Cryptography;
using AfterSales.Quality.Storage;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// Read-model snapshots (schema 5): a snapshot is written as chunks of 1 MiB, each in its own short transaction, and
/// made current by one small transaction that points the name at the new generation; SQLite has one writer at a time,
/// so appends to the ticket log wait for one chunk at most, never for the whole snapshot. A reader reads the head and
/// the chunks in one read transaction (WAL), so it sees the old snapshot or the new one.
/// </summary>
public sealed partial class SqliteTicketStore : ISnapshotStore
{
    /// <summary>Bytes a chunk (tests set fewer).</summary>
    internal int SnapshotChunkBytes { get; set; } = 1 << 20;

    /// <summary>Called after each chunk is committed, before the next (tests append there to show appends are not blocked).</summary>
    internal Func<int, ValueTask>? AfterSnapshotChunk { get; set; }

    /// <inheritdoc />
    public async ValueTask<byte[]?> ReadSnapshotAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var head = connection.CreateCommand();
        head.Transaction = transaction;
        head.CommandText = "SELECT generation, length FROM snapshots WHERE name = $name";
        head.Parameters.AddWithValue("$name", name);
        long generation;
        long length;
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (generation, length) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        await using var chunks = connection.CreateCommand();
        chunks.Transaction = transaction;
        chunks.CommandText = "SELECT data FROM snapshot_chunks WHERE name = $name AND generation = $generation ORDER BY chunk";
        chunks.Parameters.AddWithValue("$name", name);
        chunks.Parameters.AddWithValue("$generation", generation);
        using var bytes = new MemoryStream((int)Math.Min(length, Array.MaxLength));
        await using (var reader = await chunks.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var blob = reader.GetStream(0);
                await blob.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        // Chunks missing (removed by hand) give fewer bytes than the head says: the snapshot's own check calls it truncated.
        return bytes.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(string name, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        var generation = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
        var chunkBytes = SnapshotChunkBytes;
        var count = (snapshot.Length + chunkBytes - 1) / chunkBytes;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var chunk = 0; chunk < count; chunk++)
            {
                await using (var insert = connection.CreateCommand())
                {
                    insert.CommandText = "INSERT INTO snapshot_chunks (name, generation, chunk, data) VALUES ($name, $generation, $chunk, $data)";
                    insert.Parameters.AddWithValue("$name", name);
                    insert.Parameters.AddWithValue("$generation", generation);
                    insert.Parameters.AddWithValue("$chunk", chunk);
                    insert.Parameters.Add("$data", SqliteType.Blob).Value = snapshot.Slice(chunk * chunkBytes, Math.Min(chunkBytes, snapshot.Length - (chunk * chunkBytes))).ToArray();
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (AfterSnapshotChunk is { } after)
                {
                    await after(chunk).ConfigureAwait(false);
                }
            }

            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var flip = connection.CreateCommand();
            flip.Transaction = transaction;
            flip.CommandText = """
                INSERT INTO snapshots (name, generation, length, chunks) VALUES ($name, $generation, $length, $chunks)
                ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, length = excluded.length, chunks = excluded.chunks;
                DELETE FROM snapshot_chunks WHERE name = $name AND generation <> $generation;
                """;
            flip.Parameters.AddWithValue("$name", name);
            flip.Parameters.AddWithValue("$generation", generation);
            flip.Parameters.AddWithValue("$length", snapshot.Length);
            flip.Parameters.AddWithValue("$chunks", count);
            await flip.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // An interrupted write leaves its chunks; remove them so the previous snapshot stays the only one.
            await using var clean = connection.CreateCommand();
            clean.CommandText = "DELETE FROM snapshot_chunks WHERE name = $name AND generation = $generation AND NOT EXISTS (SELECT 1 FROM snapshots WHERE name = $name AND generation = $generation)";
            clean.Parameters.AddWithValue("$name", name);
            clean.Parameters.AddWithValue("$generation", generation);
            await clean.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
