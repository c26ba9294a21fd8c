using AfterSales.Quality.Storage;
using Npgsql;
using NodaTime;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The PostgreSQL store's background-work coordination (schema version 6): the dispatch ledger (table <c>dispatched</c>),
/// the leases with fencing tokens (table <c>leases</c>, expiry on the server's clock) and feed notifications
/// (an <c>AFTER INSERT</c> trigger on <c>events</c> that notifies channel <c>aftersales_feed</c> with the schema name).
/// </summary>
public sealed partial class PostgreSqlTicketStore : IDispatchLedger, ILeaseStore, IFeedAppendNotifier
{
    /// <inheritdoc />
    public async ValueTask<bool> IsDispatchedAsync(string dispatchId, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckDispatchId(dispatchId);
        await using var command = dataSource.CreateCommand($"SELECT 1 FROM {schema}.dispatched WHERE id = @id;");
        command.Parameters.Add(new NpgsqlParameter<string>("id", dispatchId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async ValueTask RecordDispatchedAsync(string dispatchId, Instant handledAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckDispatchId(dispatchId);
        cancellationToken.ThrowIfCancellationRequested();
        await using var command = dataSource.CreateCommand($"INSERT INTO {schema}.dispatched (id, handled_at) VALUES (@id, @at) ON CONFLICT (id) DO NOTHING;");
        command.Parameters.Add(new NpgsqlParameter<string>("id", dispatchId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("at", handledAt.ToDateTimeUtc()));
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> PruneDispatchedAsync(Instant handledBefore, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM {schema}.dispatched WHERE handled_at < @before;");
        command.Parameters.Add(new NpgsqlParameter<DateTime>("before", handledBefore.ToDateTimeUtc()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One statement: the lease row is taken when free or expired (the token grows by one), renewed when this holder has it (same token), else left alone.</remarks>
    public async ValueTask<long?> TryAcquireLeaseAsync(string lease, string holder, Duration duration, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckLease(lease, holder, duration);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.leases AS l (name, holder, token, expires_at)
            VALUES (@name, @holder, 1, clock_timestamp() + make_interval(secs => @seconds))
            ON CONFLICT (name) DO UPDATE SET
                holder = excluded.holder,
                token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END,
                expires_at = excluded.expires_at
            WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
            RETURNING token;
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("name", lease));
        command.Parameters.Add(new NpgsqlParameter<string>("holder", holder));
        command.Parameters.Add(new NpgsqlParameter<double>("seconds", duration.TotalSeconds));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long token ? token : null;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseLeaseAsync(string lease, string holder, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckLease(lease, holder, Duration.Epsilon);
        await using var command = dataSource.CreateCommand($"UPDATE {schema}.leases SET expires_at = '-infinity' WHERE name = @name AND holder = @holder;");
        command.Parameters.Add(new NpgsqlParameter<string>("name", lease));
        command.Parameters.Add(new NpgsqlParameter<string>("holder", holder));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> AdvanceCheckpointAsync(string projection, long position, string lease, long fencingToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentException.ThrowIfNullOrWhiteSpace(lease);
        cancellationToken.ThrowIfCancellationRequested();

        // The lease row is read FOR SHARE, so a takeover (which updates it) waits for this write, and this write sees the takeover.
        await using var command = dataSource.CreateCommand($"""
            WITH held AS (SELECT 1 FROM {schema}.leases WHERE name = @lease AND token = @token FOR SHARE)
            INSERT INTO {schema}.checkpoints AS c (projection, position)
            SELECT @projection, @position FROM held
            ON CONFLICT (projection) DO UPDATE SET position = GREATEST(c.position, excluded.position)
            RETURNING 1;
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("projection", projection));
        command.Parameters.Add(new NpgsqlParameter<long>("position", position));
        command.Parameters.Add(new NpgsqlParameter<string>("lease", lease));
        command.Parameters.Add(new NpgsqlParameter<long>("token", fencingToken));
        return await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    /// <remarks>Holds one connection of the pool while listening (<c>LISTEN aftersales_feed</c>), and notices a dead server within a minute (it polls while idle).</remarks>
    public async Task ListenAsync(Action appended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appended);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (string.Equals(e.Payload, schema, StringComparison.Ordinal))
            {
                appended();
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgreSqlSchema.FeedChannel};", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        appended(); // anything appended before the LISTEN took effect
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
                {
                    // Idle: a round trip, so a dead server fails the listener instead of leaving it waiting for ever.
                    await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                    await ping.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
