using System.Diagnostics;
using System.Globalization;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.PostgreSql;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>
/// A full KPI rebuild from the store: a new <see cref="TicketFactProjection"/> refreshed once over
/// the whole feed of a store holding a year of tickets (<see cref="TicketHistories.Year2024"/>,
/// about 8 events each), every ticket measured into the fact table. The peer (baseline) is the raw
/// driver reading the same rows in one query (type and JSON, ORDER BY position) and deserializing
/// them with the same <see cref="TicketEventSerializer"/>: the floor any rebuild from these tables
/// pays. A second raw row reads the text without deserializing, to split the floor into driver and
/// JSON. Ratio is then what paging the feed, keeping histories and measuring every ticket add.
/// </summary>
/// <remarks>
/// The database is generated once, in the first process that needs it, by appending each ticket's
/// history in one <see cref="ITicketStore.AppendAsync"/> (one writer on SQLite, which serialises
/// writers anyway; 8 concurrent writers on PostgreSQL), and kept under <c>benchmarks/.data/</c>
/// (gitignored): a SQLite file, or a PostgreSQL data directory started again by later processes.
/// The generation time is printed and stored next to it. Set AFTERSALES_STORE_TICKETS (default
/// 1000000) and AFTERSALES_STORES (default "Sqlite,PostgreSql") to choose the sizes and stores.
/// </remarks>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class KpiRebuildBenchmarks
{
    private const string Version = "v1"; // bump when TicketHistories or the stores' schemas change

    private PostgreSqlCluster? cluster;
    private ITicketStore store = null!;
    private string sqlitePath = "";
    private readonly TicketEventSerializer serializer = new();

    public static IEnumerable<StoreKind> Stores() =>
        (Environment.GetEnvironmentVariable("AFTERSALES_STORES") ?? "Sqlite,PostgreSql")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<StoreKind>);

    public static IEnumerable<int> TicketCounts() =>
        (Environment.GetEnvironmentVariable("AFTERSALES_STORE_TICKETS") ?? "1000000")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture));

    [ParamsSource(nameof(Stores))]
    public StoreKind Store { get; set; }

    [ParamsSource(nameof(TicketCounts))]
    public int Tickets { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var data = DataDirectory();
        if (Store == StoreKind.Sqlite)
        {
            sqlitePath = Path.Combine(data, $"kpi-sqlite-{Tickets}-{Version}.db");
            if (!File.Exists(sqlitePath))
            {
                var building = sqlitePath + ".building";
                foreach (var stale in new[] { building, building + "-wal", building + "-shm" }.Where(File.Exists))
                {
                    File.Delete(stale);
                }

                var (elapsed, events) = await GenerateAsync(new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = building, AllowPlaintextPersonalData = true }), writers: 1);
                await using (var connection = new SqliteConnection($"Data Source={building}"))
                {
                    await connection.OpenAsync();
                    await using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                    await checkpoint.ExecuteNonQueryAsync();
                }

                SqliteConnection.ClearAllPools();
                File.Move(building, sqlitePath);
                foreach (var leftover in new[] { building + "-wal", building + "-shm" }.Where(File.Exists))
                {
                    File.Delete(leftover);
                }

                Record(sqlitePath + ".generated.txt", elapsed, events, writers: 1);
            }

            store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = sqlitePath, AllowPlaintextPersonalData = true });
        }
        else
        {
            var directory = Path.Combine(data, $"kpi-postgresql-{Tickets}-{Version}");
            var marker = directory + ".generated.txt";
            if (!File.Exists(marker) && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true); // an unfinished generation
            }

            // Only reads are measured; fsync off speeds up the one-off generation.
            cluster = await PostgreSqlCluster.StartAsync(directory, "bench", "fsync=off", "synchronous_commit=off", "shared_buffers=1GB", "max_wal_size=8GB");
            var options = new PostgreSqlTicketStoreOptions { ConnectionString = cluster.ConnectionString, AllowPlaintextPersonalData = true };
            if (!File.Exists(marker))
            {
                var (elapsed, events) = await GenerateAsync(await PostgreSqlTicketStore.OpenAsync(options), writers: 8);
                await using var vacuum = new NpgsqlConnection(cluster.ConnectionString);
                await vacuum.OpenAsync();
                await using var command = new NpgsqlCommand("VACUUM (ANALYZE) aftersales.events;", vacuum) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync();
                Record(marker, elapsed, events, writers: 8);
            }

            store = await PostgreSqlTicketStore.OpenAsync(options);
        }

        Console.WriteLine($"// {Store} store with {Tickets:N0} tickets ready.");
    }

    /// <summary>The store the data set was opened in (after <see cref="Setup"/>), for suites that share the data set.</summary>
    internal ITicketStore OpenedStore => store;

    [GlobalCleanup]
    public async Task Cleanup()
    {
        switch (store)
        {
            case IAsyncDisposable disposable:
                await disposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        SqliteConnection.ClearAllPools();
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "raw driver: read + deserialize")]
    public async Task<long> RawReadAndDeserialize()
    {
        var count = 0L;
        await foreach (var (type, json) in ReadRawAsync())
        {
            count += serializer.Deserialize(type, json).OccurredAt.ToUnixTimeTicks() & 1;
        }

        return count;
    }

    [Benchmark(Description = "raw driver: read only")]
    public async Task<long> RawReadOnly()
    {
        var length = 0L;
        await foreach (var (type, json) in ReadRawAsync())
        {
            length += type.Length + json.Length;
        }

        return length;
    }

    [Benchmark(Description = "TicketFactProjection.RefreshAsync (full rebuild)")]
    public async Task<int> Rebuild()
    {
        var projection = new TicketFactProjection(store, SlaPolicySet.Default, capacity: Tickets);
        await projection.RefreshAsync(TicketHistories.MeasuredAt);
        return projection.Facts.Count == Tickets
            ? projection.Facts.Count
            : throw new InvalidOperationException($"The projection measured {projection.Facts.Count} tickets, not {Tickets}.");
    }

    private async IAsyncEnumerable<(string Type, string Json)> ReadRawAsync()
    {
        if (Store == StoreKind.Sqlite)
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT type, data FROM events ORDER BY position";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                yield return (reader.GetString(0), reader.GetString(1));
            }
        }
        else
        {
            await using var connection = new NpgsqlConnection(cluster!.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT type, data::text FROM aftersales.events ORDER BY position", connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                yield return (reader.GetString(0), reader.GetString(1));
            }
        }
    }

    private async Task<(TimeSpan Elapsed, long Events)> GenerateAsync(ITicketStore target, int writers)
    {
        Console.WriteLine($"// Generating {Tickets:N0} tickets into the {Store} store with {writers} writer(s)...");
        var clock = Stopwatch.StartNew();
        var next = -1;
        var events = 0L;
        try
        {
            if (writers == 1 && target is ITicketBatchStore batches)
            {
                // One writer: the same histories in the same order (so the same feed), 1,000 tickets an append call.
                for (var start = 0; start < Tickets; start += 1_000)
                {
                    var appends = Enumerable.Range(start, Math.Min(1_000, Tickets - start)).Select(TicketHistories.Year2024).Select(t => new TicketAppend(t.Id, 0, t.Events)).ToArray();
                    await batches.AppendBatchAsync(appends);
                    events += appends.Sum(a => a.Events.Count);
                    if ((start + appends.Length) % 100_000 == 0)
                    {
                        Console.WriteLine($"// {start + appends.Length:N0} tickets after {clock.Elapsed.TotalSeconds:F0} s");
                    }
                }
            }
            else
            {
                await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
                {
                    int n;
                    while ((n = Interlocked.Increment(ref next)) < Tickets)
                    {
                        var (id, history) = TicketHistories.Year2024(n);
                        await target.AppendAsync(id, 0, history);
                        Interlocked.Add(ref events, history.Count);
                        if ((n + 1) % 100_000 == 0)
                        {
                            Console.WriteLine($"// {n + 1:N0} tickets after {clock.Elapsed.TotalSeconds:F0} s");
                        }
                    }
                })));
            }
        }
        finally
        {
            switch (target)
            {
                case IAsyncDisposable disposable:
                    await disposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        clock.Stop();
        Console.WriteLine($"// Generated {Tickets:N0} tickets ({events:N0} events, {events / (double)Tickets:F2} a ticket) in {clock.Elapsed.TotalSeconds:F1} s: {Tickets / clock.Elapsed.TotalSeconds:N0} tickets/s, {events / clock.Elapsed.TotalSeconds:N0} events/s.");
        return (clock.Elapsed, events);
    }

    private void Record(string path, TimeSpan elapsed, long events, int writers) =>
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture,
            $"{Store} {Tickets} tickets {events} events generated in {elapsed.TotalSeconds:F1} s with {writers} writer(s) on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores\n"));

    /// <summary>benchmarks/.data of the repository (found above the running benchmark), or AFTERSALES_BENCH_DATA.</summary>
    private static string DataDirectory()
    {
        var path = Environment.GetEnvironmentVariable("AFTERSALES_BENCH_DATA");
        if (string.IsNullOrEmpty(path))
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "benchmarks", "AfterSales.Quality.Benchmarks", "AfterSales.Quality.Benchmarks.csproj")))
            {
                directory = directory.Parent;
            }

            path = directory is null
                ? throw new InvalidOperationException($"benchmarks/.data not found above {AppContext.BaseDirectory}; set AFTERSALES_BENCH_DATA.")
                : Path.Combine(directory.FullName, "benchmarks", ".data");
        }

        Directory.CreateDirectory(path);
        return path;
    }
}
