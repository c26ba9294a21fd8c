using System.Runtime.CompilerServices;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The embedded store: the ticket log, the global feed, sequences, projection checkpoints and
/// improvement plans in one SQLite database (WAL). Each append is one <c>BEGIN IMMEDIATE</c> transaction that checks the
/// stream's version, and a UNIQUE (ticket, version) constraint makes a second writer at the same
/// version fail: it gets a <see cref="TicketConcurrencyException"/> and nothing is written. SQLite
/// serialises writers, so feed positions are assigned in commit order without gaps. The schema is
/// created and migrated by the store (versioned). An improvement plan is one row (id, version,
/// JSON) saved with a compare-and-set on its version. Thread-safe; several processes may share a file.
/// </summary>
public sealed partial class SqliteTicketStore : ITicketStore, ISequenceStore, ICheckpointStore, IPersonalDataEraser, IImprovementPlanStore, ICustomerKeyHolder, IFeedbackNumberLookup, ICustomerNumberLookup, IDisposable
{
    /// <summary>The schema version this store writes (2: improvement plans; 3: import source hashes; 4: customer data keys; 5: read-model snapshots; 6: the dispatch ledger; 7: the feedback number index; 8: the personal data access audit; 9: the customer number blind index and the audit's actor and time indexes).</summary>
    public const int SchemaVersion = SqliteSchema.Version;

    private const int FeedPage = 500;
    private readonly string connectionString;
    private readonly TicketEventSerializer serializer;
    private readonly ImprovementPlanSerializer planSerializer = new();
    private readonly SqliteConnection? keepAlive;
    private readonly CustomerDataEncryption? encryption;
    private readonly CustomerNumberBlindIndex? blindIndex;

    /// <summary>
    /// Opens (and creates or migrates) a store. The schema version is read first, without writing: an up-to-date store opens
    /// without the write lock; only a new or older database is switched to WAL and migrated, under the write lock.
    /// </summary>
    /// <param name="options">Where and how; validated.</param>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">
    /// The database was written by a newer schema version, the file is not a SQLite database, or it is another application's
    /// database (tables but no schema version); the file is left as it was.
    /// </exception>
    public SqliteTicketStore(SqliteTicketStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        serializer = new TicketEventSerializer(options.Protector);
        var builder = new SqliteConnectionStringBuilder { DefaultTimeout = options.BusyTimeoutSeconds, Pooling = true };
        if (options.DataSource == ":memory:")
        {
            builder.DataSource = $"aftersales-{Guid.NewGuid():N}";
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
        }
        else
        {
            builder.DataSource = Path.GetFullPath(options.DataSource);
            builder.Mode = SqliteOpenMode.ReadWriteCreate;
        }

        connectionString = builder.ToString();
        if (options.DataSource == ":memory:")
        {
            keepAlive = new SqliteConnection(connectionString);
            keepAlive.Open();
        }

        SqliteSchema.Migrate(connectionString);
        if (options.MasterKeys is { } masterKeys)
        {
            var keys = new SqliteCustomerKeyStore(OpenAsync);
            encryption = new CustomerDataEncryption(keys, masterKeys);
            blindIndex = new CustomerNumberBlindIndex(keys, masterKeys);
        }
        else if (options.Protector is null && options.DataSource != ":memory:" && options.Logger is { } logger)
        {
            SqliteStoreLog.PlaintextPersonalData(logger, builder.DataSource);
        }
    }

    /// <summary>The customers' data keys (table <c>customer_keys</c>) when <see cref="SqliteTicketStoreOptions.MasterKeys"/> is set; null otherwise.</summary>
    public ICustomerKeyStore? CustomerKeys => encryption?.Keys;

    /// <inheritdoc />
    private async ValueTask<TicketStream> ReadStreamCoreAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, version, type, data FROM events WHERE ticket_id = $id ORDER BY version";
        command.Parameters.AddWithValue("$id", ticketId.ToString());
        var events = new List<RecordedEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new RecordedEvent(reader.GetInt64(0), reader.GetInt64(1), serializer.Deserialize(reader.GetString(2), reader.GetString(3))));
            }
        }

        var read = encryption is null ? events : await encryption.DecryptAsync(events, cancellationToken).ConfigureAwait(false);
        return new TicketStream(ticketId, read.Count, read);
    }

    /// <inheritdoc />
    private async ValueTask<IReadOnlyList<RecordedEvent>> AppendCoreAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(ticketId, expectedVersion, events);
        var toStore = encryption is null ? events : await encryption.EncryptAsync(events, cancellationToken).ConfigureAwait(false);
        var rows = toStore.Select(serializer.Serialize).ToArray();
        var numbers = await CustomerNumbersOfAsync(events, toStore, cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var id = ticketId.ToString();
        long actual;
        await using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "SELECT COALESCE(MAX(version), 0) FROM events WHERE ticket_id = $id";
            check.Parameters.AddWithValue("$id", id);
            actual = (long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (actual != expectedVersion)
        {
            throw new TicketConcurrencyException(ticketId, expectedVersion, actual);
        }

        var recorded = new RecordedEvent[rows.Length];
        try
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO events (ticket_id, version, type, data, occurred_at) VALUES ($id, $version, $type, $data, $at) RETURNING position";
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            var type = insert.Parameters.Add("$type", SqliteType.Text);
            var data = insert.Parameters.Add("$data", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Text);
            insert.Parameters.AddWithValue("$id", id);
            for (var i = 0; i < rows.Length; i++)
            {
                version.Value = expectedVersion + i + 1;
                type.Value = rows[i].Type;
                data.Value = rows[i].Json;
                at.Value = NodaTime.Text.InstantPattern.ExtendedIso.Format(events[i].OccurredAt);
                var position = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                recorded[i] = new RecordedEvent(position, expectedVersion + i + 1, events[i]);
            }

            WriteCustomerNumbers(connection, transaction, id, numbers, i => recorded[i].Position, recorded.Length);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: another writer got the version
        {
            throw new TicketConcurrencyException(ticketId, expectedVersion, -1);
        }

        return recorded;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) =>
        FeedPager.ReadFeedAsync(afterPosition, FeedPage, ReadFeedPageAsync, readAhead: true, cancellationToken);

    /// <inheritdoc />
    private async ValueTask<long> NextCoreAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO sequences (key, value) VALUES ($key, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value";
        command.Parameters.AddWithValue("$key", key);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    private async ValueTask<long> GetCheckpointCoreAsync(string projection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM checkpoints WHERE name = $name";
        command.Parameters.AddWithValue("$name", projection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0;
    }

    /// <inheritdoc />
    private async ValueTask SetCheckpointCoreAsync(string projection, long position, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO checkpoints (name, position) VALUES ($name, $position) ON CONFLICT (name) DO UPDATE SET position = excluded.position";
        command.Parameters.AddWithValue("$name", projection);
        command.Parameters.AddWithValue("$position", position);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    private async ValueTask ErasePersonalDataCoreAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        // Every event of the ticket with personal data or free text: values stored in clear (before the store encrypted
        // them, or under the one-key Protector) are overwritten too, and secure_delete zeroes the old row contents.
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var rewrites = new List<(long Position, string Data)>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT position, type, data FROM events WHERE ticket_id = $id ORDER BY version";
            read.Parameters.AddWithValue("$id", ticketId.ToString());
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (serializer.ErasePersonalData(reader.GetString(1), reader.GetString(2)) is { } erased)
                {
                    rewrites.Add((reader.GetInt64(0), erased));
                }
            }
        }

        if (rewrites.Count > 0)
        {
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = "UPDATE events SET data = $data WHERE position = $position";
            var data = write.Parameters.Add("$data", SqliteType.Text);
            var position = write.Parameters.Add("$position", SqliteType.Integer);
            foreach (var rewrite in rewrites)
            {
                (position.Value, data.Value) = rewrite;
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await DeleteCustomerNumberIndexAsync(connection, transaction, ticketId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    private async ValueTask<ImprovementPlan?> GetCoreAsync(ImprovementPlanId id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM improvement_plans WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.ToString());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string data ? planSerializer.Deserialize(data) : null;
    }

    /// <inheritdoc />
    private async ValueTask SaveCoreAsync(ImprovementPlan plan, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ImprovementPlanStoreArguments.CheckSave(plan, expectedVersion);
        var data = planSerializer.Serialize(plan);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();

        // One statement, so the version check and the write are atomic: a new plan is inserted only
        // if its id is free, an existing one is replaced only if it is still at the expected version.
        command.CommandText = expectedVersion == 0
            ? "INSERT INTO improvement_plans (id, version, data) VALUES ($id, $version, $data) ON CONFLICT (id) DO NOTHING"
            : "UPDATE improvement_plans SET version = $version, data = $data WHERE id = $id AND version = $expected";
        command.Parameters.AddWithValue("$id", plan.Id.ToString());
        command.Parameters.AddWithValue("$version", plan.Version);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        command.Parameters.AddWithValue("$data", data);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return;
        }

        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT version FROM improvement_plans WHERE id = $id";
        read.Parameters.AddWithValue("$id", plan.Id.ToString());
        var actual = await read.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is long version ? version : 0;
        throw new ImprovementPlanConcurrencyException(plan.Id, expectedVersion, actual);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ImprovementPlan> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Ids are TEXT compared by SQLite's binary collation: ordinal order.
        await foreach (var (_, data) in FeedPager.ReadPagesAsync("", FeedPage, ReadPlanPageAsync, row => row.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false))
        {
            yield return planSerializer.Deserialize(data);
        }
    }

    /// <inheritdoc />
    private async ValueTask<TicketId?> FindByFeedbackNumberCoreAsync(string feedbackNumber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedbackNumber);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The expression and the condition of the index events_feedback_number, so SQLite uses it.
        command.CommandText = "SELECT ticket_id FROM events WHERE type = 'ticket-registered' AND json_extract(data, '$.feedbackNumber') = $number LIMIT 1";
        command.Parameters.AddWithValue("$number", feedbackNumber);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string id ? TicketId.Parse(id) : null;
    }

    /// <summary>Closes the in-memory database's keep-alive connection (the file store needs no disposal).</summary>
    public void Dispose() => keepAlive?.Dispose();

    private async ValueTask<IReadOnlyList<RecordedEvent>> ReadFeedPageCoreAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var page = ReadEventsDirect(connection, "SELECT position, version, type, data FROM events WHERE position > ?1 ORDER BY position LIMIT ?2", statement =>
            {
                SQLitePCL.raw.sqlite3_bind_int64(statement, 1, after);
                SQLitePCL.raw.sqlite3_bind_int64(statement, 2, limit);
            }, limit, cancellationToken)
            ?? await ReadFeedPageCommandAsync(connection, after, limit, cancellationToken).ConfigureAwait(false);
        return encryption is null ? page : await encryption.DecryptAsync(page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Events read on the native statement (a feed page, a batch of streams): the rows' type and JSON copied from SQLite's UTF-8 buffers into one pooled
    /// buffer (no driver strings), then decoded in parallel across the cores (a rebuild reads a million tickets' events; the
    /// statement itself steps on one thread). Null when the database is busy (a checkpoint, a WAL recovery): the caller
    /// reads the page through the driver, which waits.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="sql">A query of (position, version, type, data).</param>
    /// <param name="bind">Binds its parameters.</param>
    /// <param name="expected">The rows expected (sizes the lists).</param>
    /// <param name="cancellationToken">Checked before decoding.</param>
    private RecordedEvent[]? ReadEventsDirect(SqliteConnection connection, string sql, Action<SQLitePCL.sqlite3_stmt> bind, int expected, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(db, sql, out var statement);
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using (statement)
            {
                if (rc != SQLitePCL.raw.SQLITE_OK)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                bind(statement);
                var rows = new List<FeedRow>(expected);
                var used = 0;
                while ((rc = SQLitePCL.raw.sqlite3_step(statement)) == SQLitePCL.raw.SQLITE_ROW)
                {
                    var type = SQLitePCL.raw.sqlite3_column_blob(statement, 2);
                    var json = SQLitePCL.raw.sqlite3_column_blob(statement, 3);
                    if (used + type.Length + json.Length > bytes.Length)
                    {
                        var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length * 2, used + type.Length + json.Length));
                        bytes.AsSpan(0, used).CopyTo(larger);
                        System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
                        bytes = larger;
                    }

                    type.CopyTo(bytes.AsSpan(used));
                    json.CopyTo(bytes.AsSpan(used + type.Length));
                    rows.Add(new FeedRow(SQLitePCL.raw.sqlite3_column_int64(statement, 0), SQLitePCL.raw.sqlite3_column_int64(statement, 1), used, type.Length, json.Length));
                    used += type.Length + json.Length;
                }

                if (rc is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED)
                {
                    return null; // the whole page again, through the driver (a short page would read as the feed's end)
                }

                if (rc != SQLitePCL.raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                cancellationToken.ThrowIfCancellationRequested();
                var events = new RecordedEvent[rows.Count];
                var buffer = bytes;
                var parts = rows.Count < 64 ? 1 : Math.Min(Environment.ProcessorCount, 4);
                var per = (rows.Count + parts - 1) / parts;
                // Each part stops at its first row that does not decode; the read then fails with the first such row's
                // exception (a JsonException, an unknown type), as it would on one thread.
                var failures = new (int Row, Exception Error)?[parts];
                if (parts <= 1)
                {
                    Decode(0, 0, rows.Count);
                }
                else
                {
                    Parallel.For(0, parts, part => Decode(part, part * per, Math.Min(rows.Count, (part + 1) * per)));
                }

                if (failures.Where(f => f is not null).MinBy(f => f!.Value.Row) is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure.Error).Throw();
                }

                void Decode(int part, int from, int to)
                {
                    for (var i = from; i < to; i++)
                    {
                        var row = rows[i];
                        try
                        {
                            events[i] = new RecordedEvent(row.Position, row.Version, serializer.Deserialize(
                                buffer.AsSpan(row.Start, row.TypeLength), buffer.AsSpan(row.Start + row.TypeLength, row.JsonLength)));
                        }
#pragma warning disable CA1031 // not swallowed: rethrown above, the first row's
                        catch (Exception ex)
                        {
                            failures[part] = (i, ex);
                            return;
                        }
#pragma warning restore CA1031
                    }
                }

                return events;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Where one feed row's type and JSON sit in the page buffer.</summary>
    private readonly record struct FeedRow(long Position, long Version, int Start, int TypeLength, int JsonLength);

    private async ValueTask<IReadOnlyList<RecordedEvent>> ReadFeedPageCommandAsync(SqliteConnection connection, long after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<RecordedEvent>(limit);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, version, type, data FROM events WHERE position > $after ORDER BY position LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new RecordedEvent(reader.GetInt64(0), reader.GetInt64(1), serializer.Deserialize(reader.GetString(2), reader.GetString(3))));
        }

        return page;
    }

    private async ValueTask<IReadOnlyList<(string Id, string Data)>> ReadPlanPageCoreAsync(string after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<(string Id, string Data)>(limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, data FROM improvement_plans WHERE id > $after ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add((reader.GetString(0), reader.GetString(1)));
        }

        return page;
    }

    /// <summary>The native connections <c>secure_delete</c> is already on for (pooled connections are reused).</summary>
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> SecuredHandles = new();

    private static readonly object Secured = new();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Deleted and overwritten content (an erased registration, a destroyed key) is zeroed, not left in free space.
        // The setting lives on the native connection, which the pool hands out again: set it once per native connection.
        var handle = connection.Handle!;
        if (!SecuredHandles.TryGetValue(handle, out _))
        {
            await using var secure = connection.CreateCommand();
            secure.CommandText = "PRAGMA secure_delete = ON;";
            await secure.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            SecuredHandles.AddOrUpdate(handle, Secured);
        }

        return connection;
    }
}

/// <summary>The SQLite store's log messages.</summary>
internal static partial class SqliteStoreLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "The ticket store {DataSource} keeps personal data in PLAIN TEXT (AllowPlaintextPersonalData is set): set MasterKeys to encrypt it with per-customer keys")]
    public static partial void PlaintextPersonalData(ILogger logger, string dataSource);
}
