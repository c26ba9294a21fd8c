using System.Runtime.CompilerServices;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime.Text;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The customers' data keys in the store's own database (table <c>customer_keys</c>, schema 4), wrapped
/// by the master key. Destroying a key overwrites its row with <c>secure_delete</c> on and then
/// checkpoints the WAL with <c>TRUNCATE</c>, so no page of the file or the WAL keeps the wrapped key
/// (a checkpoint blocked by a long reader leaves the WAL for the next one; the wrapped key in it is
/// still useless without the master key). The customer-number blind index key is kept wrapped the same way, in the
/// one-row table <c>customer_index_key</c> (schema 9). Thread-safe.
/// </summary>
public sealed class SqliteCustomerKeyStore : ICustomerKeyStore, IBlindIndexKeyStore
{
    private readonly Func<CancellationToken, Task<SqliteConnection>> open;

    internal SqliteCustomerKeyStore(Func<CancellationToken, Task<SqliteConnection>> open) => this.open = open;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<TicketId, CustomerKey>> GetAsync(IReadOnlyCollection<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketIds);
        var found = new Dictionary<TicketId, CustomerKey>();
        if (ticketIds.Count == 0)
        {
            return found;
        }

        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ticketIds.Distinct().Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var names = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                names[i] = "$t" + i;
                command.Parameters.AddWithValue(names[i], chunk[i].ToString());
            }

            command.CommandText = $"SELECT ticket_id, data_key_id, wrapped_key, stage FROM customer_keys WHERE ticket_id IN ({string.Join(',', names)})";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = Read(reader);
                found[key.TicketId] = key;
            }
        }

        return found;
    }

    /// <inheritdoc />
    public async ValueTask<CustomerKey> AddIfAbsentAsync(CustomerKey candidate, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckCandidate(candidate);
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO customer_keys (ticket_id, data_key_id, wrapped_key, stage) VALUES ($t, $id, $w, 0) ON CONFLICT (ticket_id) DO NOTHING;
            SELECT ticket_id, data_key_id, wrapped_key, stage FROM customer_keys WHERE ticket_id = $t;
            """;
        command.Parameters.AddWithValue("$t", candidate.TicketId.ToString());
        command.Parameters.AddWithValue("$id", candidate.DataKeyId);
        command.Parameters.AddWithValue("$w", candidate.WrappedKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Read(reader);
    }

    /// <inheritdoc />
    public async ValueTask RewrapAsync(TicketId ticketId, string dataKeyId, string wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(wrappedKey);
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE customer_keys SET wrapped_key = $w WHERE ticket_id = $t AND data_key_id = $id AND stage = 0 AND wrapped_key IS NOT NULL";
        command.Parameters.AddWithValue("$t", ticketId.ToString());
        command.Parameters.AddWithValue("$id", dataKeyId);
        command.Parameters.AddWithValue("$w", wrappedKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerKey> ListUsableAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = "";
        while (true)
        {
            var page = new List<CustomerKey>();
            await using (var connection = await open(cancellationToken).ConfigureAwait(false))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT ticket_id, data_key_id, wrapped_key, stage FROM customer_keys WHERE ticket_id > $after AND stage = 0 AND wrapped_key IS NOT NULL ORDER BY ticket_id LIMIT 500";
                command.Parameters.AddWithValue("$after", after);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    after = reader.GetString(0);
                    page.Add(Read(reader));
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
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO customer_keys (ticket_id, data_key_id, wrapped_key, stage, erasure_command_id, erasure_actor, erasure_reason, erasure_requested_at)
            VALUES ($t, '0000000000000000', NULL, 1, $c, $a, $r, $at)
            ON CONFLICT (ticket_id) DO UPDATE SET stage = 1, erasure_command_id = $c, erasure_actor = $a, erasure_reason = $r, erasure_requested_at = $at
            WHERE customer_keys.stage = 0;
            """;
        command.Parameters.AddWithValue("$t", request.TicketId.ToString());
        command.Parameters.AddWithValue("$c", request.CommandId.ToString());
        command.Parameters.AddWithValue("$a", request.Actor);
        command.Parameters.AddWithValue("$r", request.Reason);
        command.Parameters.AddWithValue("$at", InstantPattern.ExtendedIso.Format(request.RequestedAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DestroyKeyAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA secure_delete = ON; UPDATE customer_keys SET wrapped_key = NULL, stage = MAX(stage, 2) WHERE ticket_id = $t;";
            command.Parameters.AddWithValue("$t", ticketId.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CompleteErasureAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE customer_keys SET stage = 3, wrapped_key = NULL WHERE ticket_id = $t AND stage IN (1, 2);";
            command.Parameters.AddWithValue("$t", ticketId.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The registration was rewritten just before: purge the WAL frames of its old page too.
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ErasureRequest>> ListPendingErasuresAsync(CancellationToken cancellationToken = default)
    {
        var pending = new List<ErasureRequest>();
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ticket_id, erasure_command_id, erasure_actor, erasure_reason, erasure_requested_at, stage FROM customer_keys WHERE stage IN (1, 2) ORDER BY erasure_requested_at, ticket_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add(new ErasureRequest(
                TicketId.Parse(reader.GetString(0)),
                Guid.Parse(reader.GetString(1)),
                reader.GetString(2),
                reader.GetString(3),
                InstantPattern.ExtendedIso.Parse(reader.GetString(4)).Value,
                (ErasureStage)reader.GetInt32(5)));
        }

        return pending;
    }

    /// <inheritdoc />
    public async ValueTask<BlindIndexKey?> GetIndexKeyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id, wrapped_key FROM customer_index_key WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new BlindIndexKey(reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <inheritdoc />
    public async ValueTask<BlindIndexKey> AddIndexKeyIfAbsentAsync(BlindIndexKey candidate, CancellationToken cancellationToken = default)
    {
        CustomerKeyArguments.CheckIndexKey(candidate);
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO customer_index_key (id, key_id, wrapped_key) VALUES (1, $id, $w) ON CONFLICT (id) DO NOTHING;
            SELECT key_id, wrapped_key FROM customer_index_key WHERE id = 1;
            """;
        command.Parameters.AddWithValue("$id", candidate.KeyId);
        command.Parameters.AddWithValue("$w", candidate.WrappedKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new BlindIndexKey(reader.GetString(0), reader.GetString(1));
    }

    /// <inheritdoc />
    public async ValueTask RewrapIndexKeyAsync(string keyId, string wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(wrappedKey);
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE customer_index_key SET wrapped_key = $w WHERE id = 1 AND key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        command.Parameters.AddWithValue("$w", wrappedKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static CustomerKey Read(SqliteDataReader reader) =>
        new(TicketId.Parse(reader.GetString(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), (ErasureStage)reader.GetInt32(3));
}
