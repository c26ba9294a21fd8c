using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime.Text;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>The stores the storage benchmarks compare.</summary>
public enum StoreKind
{
    /// <summary><c>AfterSales.Quality.Sqlite</c> against Microsoft.Data.Sqlite.</summary>
    Sqlite,

    /// <summary><c>AfterSales.Quality.PostgreSql</c> against Npgsql.</summary>
    PostgreSql,
}

/// <summary>
/// The peer of a store's append: the raw driver writing the same rows (the same serializer's type
/// name and JSON, the same columns and UNIQUE (ticket_id, version)) into a plain table, one
/// transaction per append, without the store's version check, feed-position bookkeeping or results.
/// </summary>
internal interface IRawEventTable : IAsyncDisposable
{
    ValueTask AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events);
}

/// <summary>
/// Microsoft.Data.Sqlite the ordinary way: a pooled connection per append, <c>BEGIN IMMEDIATE</c>,
/// one parameterised INSERT per row, commit. The file is in WAL mode with synchronous = NORMAL, as
/// the store's.
/// </summary>
internal sealed class RawSqliteEventTable : IRawEventTable
{
    private readonly string connectionString;
    private readonly TicketEventSerializer serializer = new();

    public RawSqliteEventTable(string path)
    {
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            CREATE TABLE events (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                ticket_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                type TEXT NOT NULL,
                data TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                UNIQUE (ticket_id, version));
            """;
        command.ExecuteNonQuery();
    }

    public async ValueTask AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO events (ticket_id, version, type, data, occurred_at) VALUES ($id, $version, $type, $data, $at)";
        var version = insert.Parameters.Add("$version", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var data = insert.Parameters.Add("$data", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        insert.Parameters.AddWithValue("$id", ticketId.ToString());
        for (var i = 0; i < events.Count; i++)
        {
            var (eventType, json) = serializer.Serialize(events[i]);
            version.Value = expectedVersion + i + 1;
            type.Value = eventType;
            data.Value = json;
            at.Value = InstantPattern.ExtendedIso.Format(events[i].OccurredAt);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Npgsql the ordinary way: one <see cref="NpgsqlBatch"/> of one INSERT per row (one round trip; a
/// batch without an explicit transaction runs in one implicit transaction, all rows or none) into
/// a table with an identity position and the store's columns.
/// </summary>
internal sealed class RawPostgreSqlEventTable : IRawEventTable
{
    private const string Insert = "INSERT INTO raw.events (ticket_id, version, type, data, occurred_at, command_id) VALUES ($1, $2, $3, $4::jsonb, $5, $6)";
    private readonly NpgsqlDataSource dataSource;
    private readonly TicketEventSerializer serializer = new();

    private RawPostgreSqlEventTable(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    public static async Task<RawPostgreSqlEventTable> CreateAsync(string connectionString)
    {
        var table = new RawPostgreSqlEventTable(NpgsqlDataSource.Create(connectionString));
        await using var command = table.dataSource.CreateCommand("""
            CREATE SCHEMA raw;
            CREATE TABLE raw.events (
                position    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                ticket_id   uuid        NOT NULL,
                version     bigint      NOT NULL,
                type        text        NOT NULL,
                data        jsonb       NOT NULL,
                occurred_at timestamptz NOT NULL,
                command_id  uuid        NOT NULL,
                CONSTRAINT events_stream_version UNIQUE (ticket_id, version)
            );
            """);
        await command.ExecuteNonQueryAsync();
        return table;
    }

    /// <summary>Another pool on a table <see cref="CreateAsync"/> made (another app node).</summary>
    public static RawPostgreSqlEventTable Open(string connectionString) => new(NpgsqlDataSource.Create(connectionString));

    public async ValueTask AppendAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events)
    {
        await using var batch = dataSource.CreateBatch();
        for (var i = 0; i < events.Count; i++)
        {
            var (type, json) = serializer.Serialize(events[i]);
            var command = new NpgsqlBatchCommand(Insert);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ticketId.Value });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion + i + 1 });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = events[i].OccurredAt.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = events[i].CommandId });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
