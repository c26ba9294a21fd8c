using System.Runtime.CompilerServices;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The customers' data keys in the store's schema (table <c>customer_keys</c>, schema 4), wrapped by the
/// master key. Destroying a key sets its wrapped form to NULL: the old row version stays in a dead tuple
/// until VACUUM reuses the space, and in WAL segments and backups until they are recycled — wrapped,
/// so useless without the master key; retire the master key after a rotation
/// (<see cref="CustomerKeyRotation"/>) to make those copies useless to its holders too. The customer-number blind index
/// key is kept wrapped the same way, in the one-row table <c>customer_index_key</c> (schema 9). Thread-safe.
/// </summary>
public sealed class PostgreSqlCustomerKeyStore : ICustomerKeyStore, IBlindIndexKeyStore
{
    private const string Columns = "ticket_id, data_key_id, wrapped_key, stage";
    private readonly NpgsqlDataSource dataSource;
    private readonly string schema;

    internal PostgreSqlCustomerKeyStore(NpgsqlDataSource dataSource, string schema)
    {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<TicketId, CustomerKey>> GetAsync(IReadOnlyCollection<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketIds);
        var found = new Dictionary<TicketId, CustomerKey>();
        if (ticketIds.Count == 0)
        {
            return found;
        }

        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM {schema}.customer_keys WHERE ticket_id = ANY(@ids);");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", ticketIds.Select(t => t.Value).Distinct().ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = Read(reader);
            found[key.TicketId] = key;
        }

        return found;
    }

    /// <inheritdoc />
    public async ValueTask<CustomerKey> AddIfAbsentAsync(CustomerKey candidate, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckCandidate(candidate);
        await using var command = dataSource.CreateCommand($"""
            WITH added AS (
                INSERT INTO {schema}.customer_keys (ticket_id, data_key_id, wrapped_key, stage) VALUES (@t, @id, @w, 0)
                ON CONFLICT (ticket_id) DO NOTHING RETURNING {Columns})
            SELECT {Columns} FROM added
            UNION ALL SELECT {Columns} FROM {schema}.customer_keys WHERE ticket_id = @t AND NOT EXISTS (SELECT 1 FROM added);
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("t", candidate.TicketId.Value));
        command.Parameters.Add(new NpgsqlParameter<string>("id", candidate.DataKeyId));
        command.Parameters.Add(new NpgsqlParameter<string>("w", candidate.WrappedKey!));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Read(reader);
    }

    /// <inheritdoc />
    public async ValueTask RewrapAsync(TicketId ticketId, string dataKeyId, string wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(wrappedKey);
        await using var command = dataSource.CreateCommand($"UPDATE {schema}.customer_keys SET wrapped_key = @w WHERE ticket_id = @t AND data_key_id = @id AND stage = 0 AND wrapped_key IS NOT NULL;");
        command.Parameters.Add(new NpgsqlParameter<Guid>("t", ticketId.Value));
        command.Parameters.Add(new NpgsqlParameter<string>("id", dataKeyId));
        command.Parameters.Add(new NpgsqlParameter<string>("w", wrappedKey));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerKey> ListUsableAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<CustomerKey>();
            await using (var command = dataSource.CreateCommand($"SELECT {Columns} FROM {schema}.customer_keys WHERE ticket_id > @after AND stage = 0 AND wrapped_key IS NOT NULL ORDER BY ticket_id LIMIT 500;"))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("after", after));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var key = Read(reader);
                    after = key.TicketId.Value;
                    page.Add(key);
                }
            }

            foreach (var key in page)
            {
                yield return key;
            }

            if (page.Count < 500)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask RequestErasureAsync(ErasureRequest request, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckRequest(request);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.customer_keys (ticket_id, data_key_id, wrapped_key, stage, erasure_command_id, erasure_actor, erasure_reason, erasure_requested_at)
            VALUES (@t, '0000000000000000', NULL, 1, @c, @a, @r, @at)
            ON CONFLICT (ticket_id) DO UPDATE SET stage = 1, erasure_command_id = @c, erasure_actor = @a, erasure_reason = @r, erasure_requested_at = @at
            WHERE {schema}.customer_keys.stage = 0;
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("t", request.TicketId.Value));
        command.Parameters.Add(new NpgsqlParameter<Guid>("c", request.CommandId));
        command.Parameters.Add(new NpgsqlParameter<string>("a", request.Actor));
        command.Parameters.Add(new NpgsqlParameter<string>("r", request.Reason));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("at", request.RequestedAt.ToDateTimeUtc()) { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DestroyKeyAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {schema}.customer_keys SET wrapped_key = NULL, stage = GREATEST(stage, 2) WHERE ticket_id = @t;");
        command.Parameters.Add(new NpgsqlParameter<Guid>("t", ticketId.Value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CompleteErasureAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {schema}.customer_keys SET stage = 3, wrapped_key = NULL WHERE ticket_id = @t AND stage IN (1, 2);");
        command.Parameters.Add(new NpgsqlParameter<Guid>("t", ticketId.Value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ErasureRequest>> ListPendingErasuresAsync(CancellationToken cancellationToken = default)
    {
        var pending = new List<ErasureRequest>();
        await using var command = dataSource.CreateCommand($"SELECT ticket_id, erasure_command_id, erasure_actor, erasure_reason, erasure_requested_at, stage FROM {schema}.customer_keys WHERE stage IN (1, 2) ORDER BY erasure_requested_at, ticket_id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add(new ErasureRequest(
                new TicketId(reader.GetGuid(0)),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                NodaTime.Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc)),
                (ErasureStage)reader.GetInt32(5)));
        }

        return pending;
    }

    /// <inheritdoc />
    public async ValueTask<BlindIndexKey?> GetIndexKeyAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT key_id, wrapped_key FROM {schema}.customer_index_key WHERE id = 1;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new BlindIndexKey(reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <inheritdoc />
    public async ValueTask<BlindIndexKey> AddIndexKeyIfAbsentAsync(BlindIndexKey candidate, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckIndexKey(candidate);
        await using var command = dataSource.CreateCommand($"""
            WITH added AS (
                INSERT INTO {schema}.customer_index_key (id, key_id, wrapped_key) VALUES (1, @id, @w)
                ON CONFLICT (id) DO NOTHING RETURNING key_id, wrapped_key)
            SELECT key_id, wrapped_key FROM added
            UNION ALL SELECT key_id, wrapped_key FROM {schema}.customer_index_key WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM added);
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("id", candidate.KeyId));
        command.Parameters.Add(new NpgsqlParameter<string>("w", candidate.WrappedKey));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new BlindIndexKey(reader.GetString(0), reader.GetString(1));
            }
        }

        // Another node inserted it while this statement ran (its snapshot does not show that row): read it now.
        return await GetIndexKeyAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The customer number index key was neither added nor found.");
    }

    /// <inheritdoc />
    public async ValueTask RewrapIndexKeyAsync(string keyId, string wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(wrappedKey);
        await using var command = dataSource.CreateCommand($"UPDATE {schema}.customer_index_key SET wrapped_key = @w WHERE id = 1 AND key_id = @id;");
        command.Parameters.Add(new NpgsqlParameter<string>("id", keyId));
        command.Parameters.Add(new NpgsqlParameter<string>("w", wrappedKey));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static CustomerKey Read(NpgsqlDataReader reader) =>
        new(new TicketId(reader.GetGuid(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), (ErasureStage)reader.GetInt32(3));
}
