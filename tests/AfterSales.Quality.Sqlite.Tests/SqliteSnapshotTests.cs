using AfterSales.Quality.ReadModels;
using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>Snapshots in the SQLite store (schema 5): written in chunks, each its own transaction, so appends go on while one is written.</summary>
public sealed class SqliteSnapshotTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-snapshots-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private SqliteTicketStore NewStore(string? path = null) => new(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path ?? Path.Combine(directory, $"{Guid.NewGuid():N}.db"), BusyTimeoutSeconds = 30 });

    [Fact]
    public async Task Tickets_are_appended_while_a_snapshot_is_being_written_and_readers_see_the_old_snapshot_until_it_is_complete()
    {
        var store = NewStore();
        store.SnapshotChunkBytes = 1024;
        await store.WriteSnapshotAsync("facts", new byte[] { 9, 9, 9 });
        var snapshot = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var appendedDuringTheWrite = new List<long>();
        store.AfterSnapshotChunk = async chunk =>
        {
            // Another connection appends between two chunks of the write: it must commit now, not wait for the snapshot.
            var id = TicketId.New();
            var recorded = await store.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(2).ToArray());
            appendedDuringTheWrite.Add(recorded[^1].Position);
            Assert.Equal(new byte[] { 9, 9, 9 }, await store.ReadSnapshotAsync("facts")); // the previous snapshot until the new one is whole
        };

        await store.WriteSnapshotAsync("facts", snapshot);
        Assert.Equal(10, appendedDuringTheWrite.Count); // 10,000 bytes in chunks of 1,024
        Assert.Equal(snapshot, await store.ReadSnapshotAsync("facts"));
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, Directory.GetFiles(directory, "*.db").Single())}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM snapshot_chunks";
        Assert.Equal(10L, await count.ExecuteScalarAsync()); // the replaced snapshot's chunk is gone
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_previous_snapshot_and_no_stray_chunks()
    {
        var store = NewStore();
        store.SnapshotChunkBytes = 100;
        await store.WriteSnapshotAsync("facts", new byte[] { 1 });
        store.AfterSnapshotChunk = chunk => chunk == 3 ? throw new IOException("the disk went away") : ValueTask.CompletedTask;
        await Assert.ThrowsAsync<IOException>(async () => await store.WriteSnapshotAsync("facts", new byte[1000]));
        store.AfterSnapshotChunk = null;
        Assert.Equal(new byte[] { 1 }, await store.ReadSnapshotAsync("facts"));
    }

    [Fact]
    public async Task A_restarted_host_loads_the_fact_snapshot_from_the_file_and_a_chunk_removed_by_hand_is_detected_as_truncated()
    {
        var path = Path.Combine(directory, "desk.db");
        var store = NewStore(path);
        store.SnapshotChunkBytes = 512;
        var now = Instant.FromUtc(2024, 4, 1, 0, 0);
        foreach (var id in Enumerable.Range(0, 30).Select(_ => TicketId.New()))
        {
            await store.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(6).ToArray());
        }

        var projection = new TicketFactProjection(store, SlaPolicySet.Default);
        await projection.RefreshAsync(now);
        await projection.CaptureSnapshot().WriteAsync(store);

        var reopened = NewStore(path);
        var restored = new TicketFactProjection(reopened, SlaPolicySet.Default);
        Assert.Equal(SnapshotStatus.Restored, (await restored.RestoreSnapshotAsync(reopened)).Status);
        await restored.RefreshAsync(now);
        Assert.Equal(projection.Facts.Facts.ToArray(), restored.Facts.Facts.ToArray());

        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var remove = connection.CreateCommand();
            remove.CommandText = "DELETE FROM snapshot_chunks WHERE chunk = (SELECT MAX(chunk) FROM snapshot_chunks)";
            Assert.Equal(1, await remove.ExecuteNonQueryAsync());
        }

        var damaged = new TicketFactProjection(reopened, SlaPolicySet.Default);
        Assert.Equal(SnapshotStatus.Truncated, (await damaged.RestoreSnapshotAsync(reopened)).Status);
        await damaged.RefreshAsync(now);
        Assert.Equal(projection.Facts.Count, damaged.Facts.Count);
    }
}
