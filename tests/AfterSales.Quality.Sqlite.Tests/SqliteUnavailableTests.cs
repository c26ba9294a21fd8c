using AfterSales.Quality.Storage;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>Real SQLite failures (a file locked by another connection, a file that is no longer a database) reach callers as <see cref="TicketStoreUnavailableException"/>.</summary>
public sealed class SqliteUnavailableTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-unavailable-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static IReadOnlyList<TicketEvent> Events(TicketId id, int count) => TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(count).ToArray();

    [Fact]
    public async Task Every_write_on_a_file_locked_by_another_connection_is_a_transient_unavailable_error_and_writes_nothing()
    {
        var path = Path.Combine(directory, "locked.db");
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path, BusyTimeoutSeconds = 1 });
        var id = TicketId.New();
        await store.AppendAsync(id, 0, Events(id, 1));

        await using (var holder = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();

            var single = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.AppendAsync(id, 1, Events(id, 2).Skip(1).ToArray()));
            var batch = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.AppendBatchAsync([new TicketAppend(id, 1, Events(id, 2).Skip(1).ToArray())]));
            var sequence = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.NextAsync("F:20240301"));
            var checkpoint = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.SetCheckpointAsync("p", 1));
            Assert.All(new[] { single, batch, sequence, checkpoint }, error =>
            {
                Assert.True(error.IsTransient);
                Assert.Equal("SQLite", error.Store);
                Assert.Equal(5, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode); // SQLITE_BUSY
                Assert.Contains("retry with the same CommandId", error.Message, StringComparison.Ordinal);
            });
            Assert.Equal(["AppendAsync", "AppendBatchAsync", "NextAsync", "SetCheckpointAsync"], new[] { single, batch, sequence, checkpoint }.Select(e => e.Operation));
        }

        // Nothing was written, and the store works again once the lock is gone.
        Assert.Equal(1, (await store.ReadStreamAsync(id)).Version);
        await store.AppendAsync(id, 1, Events(id, 2).Skip(1).ToArray());
        Assert.Equal(2, (await store.ReadStreamAsync(id)).Version);
    }

    [Fact]
    public async Task Reads_and_feeds_of_a_file_that_is_no_longer_a_database_are_unavailable_and_not_transient()
    {
        var path = Path.Combine(directory, "overwritten.db");
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path });
        var id = TicketId.New();
        await store.AppendAsync(id, 0, Events(id, 2));
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            await File.WriteAllBytesAsync(file, new byte[8192]); // zeros: no SQLite header
        }

        var read = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.ReadStreamAsync(id));
        var batchRead = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.ReadStreamsAsync([id]));
        var feed = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.ReadFeedAsync(0).ToListAsync());
        var plans = await Assert.ThrowsAsync<TicketStoreUnavailableException>(async () => await store.ListAsync().ToListAsync());
        Assert.All(new[] { read, batchRead, feed, plans }, error =>
        {
            Assert.False(error.IsTransient);
            Assert.Equal(26, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode); // SQLITE_NOTADB
        });
        Assert.Equal(["ReadStreamAsync", "ReadStreamsAsync", "ReadFeedAsync", "ListAsync"], new[] { read, batchRead, feed, plans }.Select(e => e.Operation));
    }
}
