using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The SQLite store's schema: numbered migrations, each applied once in order inside one
/// transaction with the version table (<c>schema_version</c>), so a database is either at the old
/// version or the new one, never between. A migration is never edited once released: a change is a
/// new migration.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The version the store creates and expects.</summary>
    public const int Version = 9;

    /// <summary>The migrations, in order; the last one's number is <see cref="Version"/>.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } =
    [
        (1, "ticket log, sequences, checkpoints", """
            CREATE TABLE events (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                ticket_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                type TEXT NOT NULL,
                data TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                UNIQUE (ticket_id, version));
            CREATE TABLE sequences (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
            """),
        (2, "improvement plans", """
            CREATE TABLE improvement_plans (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                data TEXT NOT NULL);
            """),
        (3, "import source hashes", """
            CREATE TABLE import_source_hashes (
                source TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                hash TEXT NOT NULL,
                PRIMARY KEY (source, ticket_id));
            """),
        (4, "customer data keys and erasure requests", """
            CREATE TABLE customer_keys (
                ticket_id TEXT PRIMARY KEY,
                data_key_id TEXT NOT NULL,
                wrapped_key TEXT,
                stage INTEGER NOT NULL,
                erasure_command_id TEXT,
                erasure_actor TEXT,
                erasure_reason TEXT,
                erasure_requested_at TEXT);
            CREATE INDEX customer_keys_pending ON customer_keys (stage) WHERE stage IN (1, 2);
            """),
        (5, "read-model snapshots", """
            CREATE TABLE snapshots (
                name TEXT PRIMARY KEY,
                generation INTEGER NOT NULL,
                length INTEGER NOT NULL,
                chunks INTEGER NOT NULL);
            CREATE TABLE snapshot_chunks (
                name TEXT NOT NULL,
                generation INTEGER NOT NULL,
                chunk INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (name, generation, chunk));
            """),
        (6, "dispatch ledger", """
            CREATE TABLE dispatched (
                id TEXT PRIMARY KEY,
                handled_at TEXT NOT NULL);
            """),
        (7, "feedback number index", """
            CREATE INDEX IF NOT EXISTS events_feedback_number ON events (json_extract(data, '$.feedbackNumber')) WHERE type = 'ticket-registered';
            """),
        (8, "personal data access audit", """
            CREATE TABLE personal_data_access (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                access_id TEXT NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                purpose TEXT NOT NULL,
                kind TEXT NOT NULL,
                decision TEXT NOT NULL,
                ticket_id TEXT);
            CREATE INDEX personal_data_access_ticket ON personal_data_access (ticket_id, seq);
            """),
        (9, "customer number blind index and audit paging", """
            CREATE TABLE customer_index_key (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                key_id TEXT NOT NULL,
                wrapped_key TEXT NOT NULL);
            CREATE TABLE customer_numbers (
                ticket_id TEXT PRIMARY KEY,
                number_hash TEXT NOT NULL);
            CREATE INDEX customer_numbers_hash ON customer_numbers (number_hash);
            CREATE TABLE customer_numbers_backfill (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                missing_after INTEGER NOT NULL,
                missing_through INTEGER NOT NULL);
            INSERT INTO customer_numbers_backfill (id, missing_after, missing_through)
                SELECT 1, 0, COALESCE(MAX(position), 0) FROM events WHERE type = 'ticket-registered';
            ALTER TABLE personal_data_access ADD COLUMN at_ns INTEGER;
            UPDATE personal_data_access SET at_ns = CAST(strftime('%s', substr(at, 1, 19)) AS INTEGER) * 1000000000
                + CASE WHEN substr(at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(at, 21), 'Z') || '000000000', 1, 9) AS INTEGER) ELSE 0 END;
            CREATE INDEX personal_data_access_actor ON personal_data_access (actor, seq);
            CREATE INDEX personal_data_access_at ON personal_data_access (at_ns);
            """),
    ];

    /// <summary>
    /// Checks the database read-only first, and changes it only when it needs it: a file that is not an AfterSales.Quality
    /// store, or was written by a newer schema version, is refused before anything is written (its journal mode stays as it
    /// was); an up-to-date store is opened without the write lock (it opens while another connection writes); an older or a
    /// new, empty database is switched to WAL and migrated under the write lock (the version read again inside it, in case
    /// another process migrated meanwhile).
    /// </summary>
    /// <param name="connectionString">The database.</param>
    /// <exception cref="InvalidOperationException">The database was written by a newer schema version, is not a SQLite database, or is another application's database.</exception>
    public static void Migrate(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var current = ReadVersion(connection, connectionString);
        if (current == Version)
        {
            using var mode = connection.CreateCommand();
            mode.CommandText = "PRAGMA journal_mode;";
            if (string.Equals((string?)mode.ExecuteScalar(), "wal", StringComparison.OrdinalIgnoreCase) || IsMemory(connectionString))
            {
                return; // up to date: nothing to write, no lock taken
            }
        }

        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        current = ReadVersion(connection, connectionString, transaction); // again, under the write lock
        command.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);";
        command.ExecuteNonQuery();
        foreach (var (number, _, sql) in Migrations.Where(m => m.Version > current))
        {
            command.CommandText = sql + $"INSERT INTO schema_version (version) VALUES ({number});";
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>
    /// The schema version, read without writing: 0 for an empty database; refuses a newer version, a file that is not a SQLite
    /// database and a database with tables of its own but no <c>schema_version</c> (another application's).
    /// </summary>
    private static long ReadVersion(SqliteConnection connection, string connectionString, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(name = 'schema_version'), 0) FROM sqlite_master WHERE type = 'table';";
        long tables, versionTable;
        try
        {
            using var reader = command.ExecuteReader();
            reader.Read();
            (tables, versionTable) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 26) // SQLITE_NOTADB
        {
            throw new InvalidOperationException($"'{new SqliteConnectionStringBuilder(connectionString).DataSource}' is not a SQLite database; it was left as it is.", ex);
        }

        if (versionTable == 0)
        {
            return tables == 0
                ? 0
                : throw new InvalidOperationException($"'{new SqliteConnectionStringBuilder(connectionString).DataSource}' is a SQLite database of another application ({tables} table(s), no schema_version); it was left as it is. Give the store a file of its own.");
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var current = (long)command.ExecuteScalar()!;
        return current <= Version
            ? current
            : throw new InvalidOperationException($"The database was written by schema version {current}; this version of AfterSales.Quality.Sqlite knows up to {Version}. Upgrade the package. The file was left as it is.");
    }

    private static bool IsMemory(string connectionString) => new SqliteConnectionStringBuilder(connectionString).Mode == SqliteOpenMode.Memory;
}
