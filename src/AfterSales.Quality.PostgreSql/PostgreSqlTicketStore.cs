using System.Runtime.CompilerServices;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The ticket log, sequences, projection checkpoints and improvement plans on a PostgreSQL
/// server, shared by any number of application nodes. Thread-safe; dispose it to close its connection pool.
/// </summary>
/// <remarks>
/// <para>
/// <b>Appends</b> are one SQL statement (one round trip, atomic): it checks the stream's version,
/// takes the next positions and inserts every event from arrays (<c>unnest</c>). A
/// <c>UNIQUE (ticket_id, version)</c> constraint makes it impossible for two writers to both
/// win a version; the violation becomes a <see cref="TicketConcurrencyException"/>.
/// </para>
/// <para>
/// <b>The feed has no gaps, not even for readers in flight.</b> A PostgreSQL sequence would hand
/// out positions in call order, not commit order: a reader could see position 11 committed while
/// 10 is still in flight, move its checkpoint past 10 and never see it. Instead positions come
/// from a single-row counter (<c>feed_head</c>) updated inside the append: the row lock it takes
/// is held until the append commits or rolls back, so the next append gets its positions only
/// after the previous one is settled. Positions are therefore committed in ascending order, and a
/// rolled-back append gives its positions back. The price is that appends are serialised on that
/// row for the few milliseconds an append takes; reads are never blocked.
/// </para>
/// <para>
/// <b>Improvement plans</b> are one row each (id, version, JSON), written by a single
/// compare-and-set statement on the version, so of two nodes saving the same version one wins and
/// the other gets an <see cref="ImprovementPlanConcurrencyException"/> with nothing written.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlTicketStore : ITicketStore, ISequenceStore, ICheckpointStore, IPersonalDataEraser, IImprovementPlanStore, ICustomerKeyHolder, IFeedbackNumberLookup, ICustomerNumberLookup, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this store creates and expects (2: improvement plans; 3: import source hashes; 4: customer data keys; 5: read-model snapshots; 6: dispatch ledger, leases, feed notifications; 7: the feedback number index; 8: the personal data access audit; 9: the customer number blind index and the audit's actor and time indexes).</summary>
    public const int SchemaVersion = PostgreSqlSchema.Version;

    private const int FeedPageSize = 1_000;

    private readonly NpgsqlDataSource dataSource;
    private readonly string schema;
    private readonly TicketEventSerializer serializer;
    private readonly ImprovementPlanSerializer planSerializer = new();
    private readonly string appendSql;
    private readonly string appendIndexedSql;
    private readonly string appendUnindexedSql;
    private readonly CustomerDataEncryption? encryption;
    private readonly CustomerNumberBlindIndex? blindIndex;

    private PostgreSqlTicketStore(NpgsqlDataSource dataSource, string schema, TicketEventSerializer serializer, Privacy.IMasterKeyProvider? masterKeys)
    {
        this.dataSource = dataSource;
        this.schema = schema;
        this.serializer = serializer;
        if (masterKeys is not null)
        {
            var keys = new PostgreSqlCustomerKeyStore(dataSource, schema);
            encryption = new CustomerDataEncryption(keys, masterKeys);
            blindIndex = new CustomerNumberBlindIndex(keys, masterKeys);
        }

        appendSql = $"""
            WITH current_stream AS (
                SELECT COALESCE(MAX(version), 0) AS version FROM {schema}.events WHERE ticket_id = @ticket
            ), head AS (
                UPDATE {schema}.feed_head SET position = position + @count
                WHERE id = 1 AND (SELECT version FROM current_stream) = @expected
                RETURNING position - @count AS start
            )
            INSERT INTO {schema}.events (position, ticket_id, version, type, data, occurred_at, command_id)
            SELECT head.start + e.ordinal, @ticket, @expected + e.ordinal, e.type, e.data::jsonb, e.occurred_at, e.command_id
            FROM head, unnest(@types, @datas, @occurred, @commands) WITH ORDINALITY AS e(type, data, occurred_at, command_id, ordinal)
            RETURNING position, version;
            """;

        // A registration's blind index entry (or, without master keys, the mark that it needs one) in the same statement.
        var appendAsCte = $"""
            WITH current_stream AS (
                SELECT COALESCE(MAX(version), 0) AS version FROM {schema}.events WHERE ticket_id = @ticket
            ), head AS (
                UPDATE {schema}.feed_head SET position = position + @count
                WHERE id = 1 AND (SELECT version FROM current_stream) = @expected
                RETURNING position - @count AS start
            ), inserted AS (
                INSERT INTO {schema}.events (position, ticket_id, version, type, data, occurred_at, command_id)
                SELECT head.start + e.ordinal, @ticket, @expected + e.ordinal, e.type, e.data::jsonb, e.occurred_at, e.command_id
                FROM head, unnest(@types, @datas, @occurred, @commands) WITH ORDINALITY AS e(type, data, occurred_at, command_id, ordinal)
                RETURNING position, version
            )
            """;
        appendIndexedSql = appendAsCte + $"""
            , indexed AS (
                INSERT INTO {schema}.customer_numbers (ticket_id, number_hash)
                SELECT @ticket, @hash FROM head
                WHERE NOT EXISTS (SELECT 1 FROM {schema}.customer_keys WHERE ticket_id = @ticket AND stage <> 0)
                ON CONFLICT (ticket_id) DO UPDATE SET number_hash = excluded.number_hash
            )
            SELECT position, version FROM inserted;
            """;
        appendUnindexedSql = appendAsCte + $"""
            , missing AS (
                UPDATE {schema}.customer_numbers_backfill SET missing_through = GREATEST(missing_through, (SELECT start FROM head) + @count)
                WHERE id = 1 AND EXISTS (SELECT 1 FROM head)
            )
            SELECT position, version FROM inserted;
            """;
    }

    /// <summary>Opens the store, creating or migrating its schema if needed.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="QualityValidationException">A setting is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The database has a newer schema than this store knows.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached.</exception>
    public static async Task<PostgreSqlTicketStore> OpenAsync(PostgreSqlTicketStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = new PostgreSqlTicketStore(NpgsqlDataSource.Create(options.ConnectionString!), options.Schema, new TicketEventSerializer(options.Protector), options.MasterKeys);
        try
        {
            await PostgreSqlSchema.MigrateAsync(store.dataSource, store.schema, cancellationToken).ConfigureAwait(false);
            if (options.MasterKeys is null && options.Protector is null && options.Logger is { } logger)
            {
                PostgreSqlStoreLog.PlaintextPersonalData(logger, options.Schema);
            }

            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The customers' data keys (table <c>customer_keys</c>) when <see cref="PostgreSqlTicketStoreOptions.MasterKeys"/> is set; null otherwise.</summary>
    public ICustomerKeyStore? CustomerKeys => encryption?.Keys;

    /// <inheritdoc />
    private async ValueTask ErasePersonalDataCoreAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        // Every event of the ticket with personal data or free text (values stored in clear are overwritten too) and the
        // ticket's blind index entry, in one transaction. The old row versions stay in dead tuples until VACUUM: see the README.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var positions = new List<long>();
        var datas = new List<string>();
        await using (var read = new NpgsqlCommand($"SELECT position, type, data::text FROM {schema}.events WHERE ticket_id = @ticket ORDER BY version FOR UPDATE;", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid>("ticket", ticketId.Value));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (serializer.ErasePersonalData(reader.GetString(1), reader.GetString(2)) is { } erased)
                {
                    positions.Add(reader.GetInt64(0));
                    datas.Add(erased);
                }
            }
        }

        if (positions.Count > 0)
        {
            await using var write = new NpgsqlCommand($"""
                UPDATE {schema}.events AS e SET data = r.data::jsonb
                FROM unnest(@positions, @datas) AS r(position, data) WHERE e.position = r.position;
                """, connection, transaction);
            write.Parameters.Add(new NpgsqlParameter<long[]>("positions", [.. positions]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            write.Parameters.Add(new NpgsqlParameter<string[]>("datas", [.. datas]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var delete = new NpgsqlCommand($"DELETE FROM {schema}.customer_numbers WHERE ticket_id = @ticket;", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<Guid>("ticket", ticketId.Value));
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the schema version of the database (the highest migration applied).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version; <see cref="SchemaVersion"/> once the store is open.</returns>
    private async ValueTask<int> GetSchemaVersionCoreAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_migrations;");
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    private async ValueTask<TicketStream> ReadStreamCoreAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var command = dataSource.CreateCommand($"SELECT position, version, type, data::text FROM {schema}.events WHERE ticket_id = @ticket ORDER BY version;");
        command.Parameters.Add(new NpgsqlParameter<Guid>("ticket", ticketId.Value));
        var events = new List<RecordedEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(ReadEvent(reader));
            }
        }

        var read = encryption is null ? events : await encryption.DecryptAsync(events, cancellationToken).ConfigureAwait(false);
        return new TicketStream(ticketId, read.Count == 0 ? 0 : read[^1].Version, read);
    }

    /// <inheritdoc />
    private async ValueTask<IReadOnlyList<RecordedEvent>> AppendCoreAsync(TicketId ticketId, long expectedVersion, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAppend(ticketId, expectedVersion, events);
        cancellationToken.ThrowIfCancellationRequested();
        var types = new string[events.Count];
        var datas = new string[events.Count];
        var occurred = new DateTime[events.Count];
        var commands = new Guid[events.Count];
        var toStore = encryption is null ? events : await encryption.EncryptAsync(events, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < events.Count; i++)
        {
            (types[i], datas[i]) = serializer.Serialize(toStore[i]);
            occurred[i] = events[i].OccurredAt.ToDateTimeUtc();
            commands[i] = events[i].CommandId;
        }

        var hashes = blindIndex is null ? [] : await blindIndex.HashRegistrationsAsync(events, toStore, cancellationToken).ConfigureAwait(false);
        var unindexed = blindIndex is null && events.Any(CustomerNumberBlindIndex.IsIndexed);
        await using var command = dataSource.CreateCommand(hashes.Count > 0 ? appendIndexedSql : unindexed ? appendUnindexedSql : appendSql);
        if (hashes.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("hash", hashes[^1].Hash));
        }

        command.Parameters.Add(new NpgsqlParameter<Guid>("ticket", ticketId.Value));
        command.Parameters.Add(new NpgsqlParameter<long>("expected", expectedVersion));
        command.Parameters.Add(new NpgsqlParameter<long>("count", events.Count));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", types) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]>("datas", datas) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred", occurred) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("commands", commands) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var positions = new long[events.Count];
        var inserted = 0;
        try
        {
            // The statement runs as one implicit transaction: all rows or none. Cancellation is not
            // passed on once it is sent, so a caller never wonders whether a cancelled append stands.
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                positions[reader.GetInt64(1) - expectedVersion - 1] = reader.GetInt64(0);
                inserted++;
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new TicketConcurrencyException(ticketId, expectedVersion, -1);
        }

        if (inserted == 0)
        {
            var actual = (await ReadStreamAsync(ticketId, CancellationToken.None).ConfigureAwait(false)).Version;
            throw new TicketConcurrencyException(ticketId, expectedVersion, actual);
        }

        var recorded = new RecordedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            recorded[i] = new RecordedEvent(positions[i], expectedVersion + i + 1, events[i]);
        }

        return recorded;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadFeedAsync(long afterPosition, CancellationToken cancellationToken = default) =>
        FeedPager.ReadFeedAsync(afterPosition, FeedPageSize, ReadFeedPageAsync, readAhead: true, cancellationToken);

    /// <inheritdoc />
    private async ValueTask<long> NextCoreAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        cancellationToken.ThrowIfCancellationRequested();
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.sequences (key, value) VALUES (@key, 1)
            ON CONFLICT (key) DO UPDATE SET value = {schema}.sequences.value + 1
            RETURNING value;
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("key", key));
        return (long)(await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    private async ValueTask<long> GetCheckpointCoreAsync(string projection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        await using var command = dataSource.CreateCommand($"SELECT position FROM {schema}.checkpoints WHERE projection = @projection;");
        command.Parameters.Add(new NpgsqlParameter<string>("projection", projection));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0;
    }

    /// <inheritdoc />
    private async ValueTask SetCheckpointCoreAsync(string projection, long position, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        cancellationToken.ThrowIfCancellationRequested();
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.checkpoints (projection, position) VALUES (@projection, @position)
            ON CONFLICT (projection) DO UPDATE SET position = excluded.position;
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("projection", projection));
        command.Parameters.Add(new NpgsqlParameter<long>("position", position));
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    private async ValueTask<ImprovementPlan?> GetCoreAsync(ImprovementPlanId id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var command = dataSource.CreateCommand($"SELECT data::text FROM {schema}.improvement_plans WHERE id = @id;");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id.Value));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string data ? planSerializer.Deserialize(data) : null;
    }

    /// <inheritdoc />
    private async ValueTask SaveCoreAsync(ImprovementPlan plan, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ImprovementPlanStoreArguments.CheckSave(plan, expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();

        // One statement, so the version check and the write are atomic: a new plan is inserted only
        // if its id is free, an existing one is replaced only if it is still at the expected version.
        await using var command = dataSource.CreateCommand(expectedVersion == 0
            ? $"INSERT INTO {schema}.improvement_plans (id, version, data) VALUES (@id, @version, @data::jsonb) ON CONFLICT (id) DO NOTHING;"
            : $"UPDATE {schema}.improvement_plans SET version = @version, data = @data::jsonb WHERE id = @id AND version = @expected;");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", plan.Id.Value));
        command.Parameters.Add(new NpgsqlParameter<long>("version", plan.Version));
        command.Parameters.Add(new NpgsqlParameter<string>("data", planSerializer.Serialize(plan)));
        if (expectedVersion != 0)
        {
            command.Parameters.Add(new NpgsqlParameter<long>("expected", expectedVersion));
        }

        // Like an append: once sent, the save is not cancelled, so the caller knows whether it stands.
        if (await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) == 1)
        {
            return;
        }

        await using var read = dataSource.CreateCommand($"SELECT version FROM {schema}.improvement_plans WHERE id = @id;");
        read.Parameters.Add(new NpgsqlParameter<Guid>("id", plan.Id.Value));
        var actual = await read.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is long version ? version : 0;
        throw new ImprovementPlanConcurrencyException(plan.Id, expectedVersion, actual);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ImprovementPlan> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // PostgreSQL orders uuids by their bytes, which is the order of their canonical text.
        await foreach (var (_, data) in FeedPager.ReadPagesAsync(Guid.Empty, FeedPageSize, ReadPlanPageAsync, row => row.Id, UuidOrder, cancellationToken).ConfigureAwait(false))
        {
            yield return planSerializer.Deserialize(data);
        }
    }

    /// <inheritdoc />
    private async ValueTask<TicketId?> FindByFeedbackNumberCoreAsync(string feedbackNumber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedbackNumber);
        await using var command = dataSource.CreateCommand($"SELECT ticket_id FROM {schema}.events WHERE type = 'ticket-registered' AND data->>'feedbackNumber' = @number LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<string>("number", feedbackNumber));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is Guid id ? new TicketId(id) : null;
    }

    /// <summary>Closes the store's connection pool.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <summary>Closes the store's connection pool.</summary>
    public void Dispose() => dataSource.Dispose();

    private static readonly Comparer<Guid> UuidOrder = Comparer<Guid>.Create((a, b) => string.CompareOrdinal(a.ToString("D"), b.ToString("D")));

    private async ValueTask<IReadOnlyList<RecordedEvent>> ReadFeedPageCoreAsync(long after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<RecordedEvent>(limit);
        await using var command = dataSource.CreateCommand($"SELECT position, version, type, data::text FROM {schema}.events WHERE position > @after ORDER BY position LIMIT {limit};");
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(ReadEvent(reader));
        }

        return encryption is null ? page : await encryption.DecryptAsync(page, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<(Guid Id, string Data)>> ReadPlanPageCoreAsync(Guid after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<(Guid Id, string Data)>(limit);
        await using var command = dataSource.CreateCommand($"SELECT id, data::text FROM {schema}.improvement_plans WHERE id > @after ORDER BY id LIMIT {limit};");
        command.Parameters.Add(new NpgsqlParameter<Guid>("after", after));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return page;
    }

    private RecordedEvent ReadEvent(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), serializer.Deserialize(reader.GetString(2), reader.GetString(3)));
}

/// <summary>The PostgreSQL store's log messages.</summary>
internal static partial class PostgreSqlStoreLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 2101, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "The ticket store (schema {Schema}) keeps personal data in PLAIN TEXT (AllowPlaintextPersonalData is set): set MasterKeys to encrypt it with per-customer keys")]
    public static partial void PlaintextPersonalData(Microsoft.Extensions.Logging.ILogger logger, string schema);
}
