using System.IO.Compression;
using AfterSales.Quality.Benchmarks.Storage;
using AfterSales.Quality.Import;
using AfterSales.Quality.PostgreSql;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using AfterSales.Quality.Tickets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.Benchmarks.Import;

/// <summary>
/// Importing the real helpdesk 2017 event log (<c>samples/data/event-logs</c>: 21,348 rows, 4,580
/// cases, 38,449 events once imported) with <see cref="EventLogImporter"/> on the bulk path
/// (<see cref="ITicketBatchStore"/>, 500 cases per transaction), into a fresh SQLite file or
/// PostgreSQL schema each iteration ("first run"), and again into a store that already holds it
/// ("re-run", every case skipped by its recorded source hash). The baseline is the raw driver
/// inserting the same event rows (the importer's output, serialized by the same serializer inside
/// the measured loop) into a plain table of the store's shape, 500 cases per transaction, the fastest
/// ordinary way: one prepared INSERT per row on SQLite, binary COPY on PostgreSQL. So Ratio is what
/// the import costs over writing its result: reading and checking the CSV, planning each case through
/// the lifecycle, deciding every command, numbering, version checks and the gap-free feed.
/// Times are per imported event (OperationsPerInvoke = the events of the log). The unchanged re-run is
/// recognised whole by the export's fingerprint; the re-run of the same rows in another text is parsed and
/// skipped case by case (each case's recorded source hash).
/// </summary>
[MemoryDiagnoser]
// Three warm-ups: with one, the first iterations still ran tier-0 code (2026-12-04: times fell 30 % over five iterations).
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class ImportBenchmarks
{
    private const int Events = 38_449;
    private const int CasesPerTransaction = 500;
    private static readonly IClock Clock = new FixedClock(Instant.FromUtc(2026, 1, 1, 0, 0));

    private string csv = "";
    private string crlf = "";
    private TicketEvent[][] histories = [];
    private string? directory;
    private PostgreSqlCluster? cluster;
    private ITicketBatchStore target = null!;
    private ITicketBatchStore imported = null!;
    private SqliteConnection? rawSqlite;
    private NpgsqlConnection? rawPostgreSql;
    private int round;
    private int turn;

    /// <summary>The stores measured: <c>AFTERSALES_STORES</c> (comma-separated), both by default.</summary>
    public static IEnumerable<StoreKind> Stores() =>
        (Environment.GetEnvironmentVariable("AFTERSALES_STORES") ?? "Sqlite,PostgreSql")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<StoreKind>);

    [ParamsSource(nameof(Stores))]
    public StoreKind Store { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        csv = await ReadLogAsync();
        crlf = csv.Replace("\n", "\r\n", StringComparison.Ordinal);
        var reference = new InMemoryTicketStore();
        var report = await new EventLogImporter(reference, reference, Clock).ImportAsync(new StringReader(csv), EventLogMapping.Helpdesk2017);
        var events = new List<TicketEvent>();
        await foreach (var e in reference.ReadFeedAsync(0))
        {
            events.Add(e.Event);
        }

        if (events.Count != Events || report.EventsAppended != Events)
        {
            throw new InvalidOperationException($"The helpdesk log imports to {events.Count} events, not {Events}: update the constant.");
        }

        histories = events.GroupBy(e => e.TicketId).Select(g => g.ToArray()).ToArray();
        directory = Path.Combine(Path.GetTempPath(), "aftersales-bench-import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (Store == StoreKind.PostgreSql)
        {
            cluster = await PostgreSqlCluster.StartAsync(null, "bench", "synchronous_commit=off");
        }

        imported = await OpenAsync();
        await ImportAsync(imported);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await CloseAsync(imported);
        await CloseRawAsync();
        SqliteConnection.ClearAllPools();
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        if (directory is not null)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [IterationSetup(Targets = [nameof(FirstRun)])]
    public void NewStore() => target = OpenAsync().GetAwaiter().GetResult();

    [IterationCleanup(Targets = [nameof(FirstRun)])]
    public void CloseStore() => CloseAsync(target).GetAwaiter().GetResult();

    [IterationSetup(Targets = [nameof(RawInsert)])]
    public void NewRawTable() => OpenRawAsync().GetAwaiter().GetResult();

    [IterationCleanup(Targets = [nameof(RawInsert)])]
    public void CloseRawTable() => CloseRawAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "raw driver, the same event rows, 500 cases per transaction")]
    public async Task RawInsert()
    {
        var serializer = new TicketEventSerializer();
        for (var start = 0; start < histories.Length; start += CasesPerTransaction)
        {
            var cases = histories.AsSpan(start, Math.Min(CasesPerTransaction, histories.Length - start)).ToArray();
            if (rawSqlite is not null)
            {
                using var transaction = rawSqlite.BeginTransaction(deferred: false);
                using var insert = rawSqlite.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO events (ticket_id, version, type, data, occurred_at) VALUES ($id, $version, $type, $data, $at)";
                var id = insert.Parameters.Add("$id", SqliteType.Text);
                var version = insert.Parameters.Add("$version", SqliteType.Integer);
                var type = insert.Parameters.Add("$type", SqliteType.Text);
                var data = insert.Parameters.Add("$data", SqliteType.Text);
                var at = insert.Parameters.Add("$at", SqliteType.Text);
                foreach (var history in cases)
                {
                    id.Value = history[0].TicketId.ToString();
                    for (var i = 0; i < history.Length; i++)
                    {
                        var (eventType, json) = serializer.Serialize(history[i]);
                        version.Value = i + 1;
                        type.Value = eventType;
                        data.Value = json;
                        at.Value = InstantPattern.ExtendedIso.Format(history[i].OccurredAt);
                        insert.ExecuteNonQuery();
                    }
                }

                transaction.Commit();
            }
            else
            {
                await using var transaction = await rawPostgreSql!.BeginTransactionAsync();
                await using (var copy = await rawPostgreSql.BeginBinaryImportAsync("COPY raw.events (ticket_id, version, type, data, occurred_at, command_id) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var history in cases)
                    {
                        for (var i = 0; i < history.Length; i++)
                        {
                            var (eventType, json) = serializer.Serialize(history[i]);
                            await copy.StartRowAsync();
                            await copy.WriteAsync(history[i].TicketId.Value, NpgsqlDbType.Uuid);
                            await copy.WriteAsync((long)i + 1, NpgsqlDbType.Bigint);
                            await copy.WriteAsync(eventType, NpgsqlDbType.Text);
                            await copy.WriteAsync(json, NpgsqlDbType.Jsonb);
                            await copy.WriteAsync(history[i].OccurredAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz);
                            await copy.WriteAsync(history[i].CommandId, NpgsqlDbType.Uuid);
                        }
                    }

                    await copy.CompleteAsync();
                }

                await transaction.CommitAsync();
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "import, first run (bulk path)")]
    public Task<ImportReport> FirstRun() => ImportAsync(target);

    [Benchmark(OperationsPerInvoke = Events, Description = "import, unchanged re-run")]
    public async Task<ImportReport> ReRun()
    {
        var report = await ImportAsync(imported);
        return report.ExportUnchanged ? report : throw new InvalidOperationException("The unchanged export was not recognised whole.");
    }

    /// <summary>
    /// The same rows in a text the store has not recorded whole (LF and CRLF line ends in turn, so each run's text differs from
    /// the one recorded last): the file is parsed and every case is skipped by its recorded source hash.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events, Description = "import, re-run of the same rows in another text (case by case)")]
    public async Task<ImportReport> ReRunCaseByCase()
    {
        var report = await ImportAsync(imported, turn++ % 2 == 0 ? crlf : csv);
        return !report.ExportUnchanged && report.UnchangedTickets == report.Tickets && report.EventsAppended == 0 ? report
            : throw new InvalidOperationException("The re-run in another text was not skipped case by case.");
    }

    private Task<ImportReport> ImportAsync(ITicketBatchStore store, string? text = null) =>
        new EventLogImporter(store, (Numbering.ISequenceStore)store, Clock) { CasesPerTransaction = CasesPerTransaction }.ImportAsync(new StringReader(text ?? csv), EventLogMapping.Helpdesk2017);

    private async Task<ITicketBatchStore> OpenAsync() => Store == StoreKind.Sqlite
        ? new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory!, $"store-{round++}.db"), AllowPlaintextPersonalData = true })
        : await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = cluster!.ConnectionString, Schema = $"import_{round++}", AllowPlaintextPersonalData = true });

    private static async Task CloseAsync(ITicketBatchStore store)
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
    }

    private async Task OpenRawAsync()
    {
        var schema = $"raw_{round++}";
        if (Store == StoreKind.Sqlite)
        {
            rawSqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory!, $"{schema}.db"), Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
            rawSqlite.Open();
            using var create = rawSqlite.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id TEXT NOT NULL, version INTEGER NOT NULL,
                    type TEXT NOT NULL, data TEXT NOT NULL, occurred_at TEXT NOT NULL, UNIQUE (ticket_id, version));
                """;
            create.ExecuteNonQuery();
        }
        else
        {
            rawPostgreSql = new NpgsqlConnection(cluster!.ConnectionString);
            await rawPostgreSql.OpenAsync();
            await using var create = new NpgsqlCommand("""
                DROP SCHEMA IF EXISTS raw CASCADE; CREATE SCHEMA raw;
                CREATE TABLE raw.events (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ticket_id uuid NOT NULL, version bigint NOT NULL,
                    type text NOT NULL, data jsonb NOT NULL, occurred_at timestamptz NOT NULL, command_id uuid NOT NULL,
                    CONSTRAINT events_stream_version UNIQUE (ticket_id, version));
                """, rawPostgreSql);
            await create.ExecuteNonQueryAsync();
        }
    }

    private async Task CloseRawAsync()
    {
        rawSqlite?.Dispose();
        rawSqlite = null;
        if (rawPostgreSql is not null)
        {
            await rawPostgreSql.DisposeAsync();
            rawPostgreSql = null;
        }
    }

    private static async Task<string> ReadLogAsync()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "samples", "data", "event-logs", "helpdesk-2017.csv.gz");
            if (File.Exists(path))
            {
                using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
                return await reader.ReadToEndAsync();
            }
        }

        throw new FileNotFoundException("samples/data/event-logs/helpdesk-2017.csv.gz was not found above " + AppContext.BaseDirectory);
    }

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
