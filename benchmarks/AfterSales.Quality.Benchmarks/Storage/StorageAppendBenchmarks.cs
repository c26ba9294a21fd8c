using AfterSales.Quality.Testing;
using AfterSales.Quality.PostgreSql;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>
/// Appends per second through <see cref="ITicketStore.AppendAsync"/> on SQLite (a file in a
/// temporary directory, WAL, synchronous = NORMAL, as the store sets it) and PostgreSQL (a
/// throwaway local cluster, fsync on, synchronous_commit = off: like SQLite's WAL + NORMAL,
/// consistent after a crash but the last commits may be lost), one writer. Each invocation writes
/// 20 new tickets of 10 events (<see cref="TicketHistories.HappyPath"/>): "single" appends every
/// event on its own (expected version = the previous one), "batch" appends a ticket's 10 events
/// at once. The peer (the baseline of each category) is the raw driver writing the same rows,
/// serialized by the same <see cref="TicketEventSerializer"/> inside the measured loop, into a
/// plain table of the same shape with the same UNIQUE (ticket_id, version), one transaction per
/// append; so Ratio is what the store adds: the version check, the gap-free feed positions, the
/// positions read back and the recorded events returned. Times are per event.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class StorageAppendBenchmarks
{
    private const int TicketsPerInvoke = 20;
    private const int EventsPerInvoke = TicketsPerInvoke * TicketHistories.HappyPathLength;

    private string? directory;
    private PostgreSqlCluster? cluster;
    private ITicketStore store = null!;
    private IRawEventTable raw = null!;
    private int counter;

    [Params(StoreKind.Sqlite, StoreKind.PostgreSql)]
    public StoreKind Store { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        if (Store == StoreKind.Sqlite)
        {
            directory = Path.Combine(Path.GetTempPath(), "aftersales-bench-sqlite-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, "store.db"), AllowPlaintextPersonalData = true });
            raw = new RawSqliteEventTable(Path.Combine(directory, "raw.db"));
        }
        else
        {
            cluster = await PostgreSqlCluster.StartAsync(null, "bench", "synchronous_commit=off");
            store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = cluster.ConnectionString, AllowPlaintextPersonalData = true });
            raw = await RawPostgreSqlEventTable.CreateAsync(cluster.ConnectionString);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await raw.DisposeAsync();
        switch (store)
        {
            case IAsyncDisposable disposable:
                await disposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        if (directory is not null)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke, Description = "raw driver, 1 event per append")]
    [BenchmarkCategory("single")]
    public async Task RawSingle()
    {
        for (var t = 0; t < TicketsPerInvoke; t++)
        {
            var id = TicketId.New();
            var history = TicketHistories.HappyPath(id, counter++);
            for (var i = 0; i < history.Length; i++)
            {
                await raw.AppendAsync(id, i, [history[i]]);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke, Description = "store, 1 event per append")]
    [BenchmarkCategory("single")]
    public async Task StoreSingle()
    {
        for (var t = 0; t < TicketsPerInvoke; t++)
        {
            var id = TicketId.New();
            var history = TicketHistories.HappyPath(id, counter++);
            for (var i = 0; i < history.Length; i++)
            {
                await store.AppendAsync(id, i, [history[i]]);
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke, Description = "raw driver, 10 events per append")]
    [BenchmarkCategory("batch")]
    public async Task RawBatch()
    {
        for (var t = 0; t < TicketsPerInvoke; t++)
        {
            var id = TicketId.New();
            await raw.AppendAsync(id, 0, TicketHistories.HappyPath(id, counter++));
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke, Description = "store, 10 events per append")]
    [BenchmarkCategory("batch")]
    public async Task StoreBatch()
    {
        for (var t = 0; t < TicketsPerInvoke; t++)
        {
            var id = TicketId.New();
            await store.AppendAsync(id, 0, TicketHistories.HappyPath(id, counter++));
        }
    }
}
