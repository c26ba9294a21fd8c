using AfterSales.Quality.Numbering;
using Npgsql;

namespace AfterSales.Quality.PostgreSql;

/// <summary>Blocks of sequence numbers in one statement each (the importer draws a transaction's feedback numbers at once).</summary>
public sealed partial class PostgreSqlTicketStore : ISequenceBlockStore
{
    /// <inheritdoc />
    public async ValueTask<long> ReserveAsync(string key, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 100_000);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var command = dataSource.CreateCommand($"""
                INSERT INTO {schema}.sequences (key, value) VALUES (@key, @count)
                ON CONFLICT (key) DO UPDATE SET value = {schema}.sequences.value + @count
                RETURNING value;
                """);
            command.Parameters.Add(new NpgsqlParameter<string>("key", key));
            command.Parameters.Add(new NpgsqlParameter<long>("count", count));
            // Like NextAsync: once sent, the reservation is not cancelled half-way (its outcome would be unknown).
            return (long)(await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))! - count + 1;
        }
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(ReserveAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(string key, long first, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 100_000);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var command = dataSource.CreateCommand($"UPDATE {schema}.sequences SET value = @first - 1 WHERE key = @key AND value = @last;");
            command.Parameters.Add(new NpgsqlParameter<string>("key", key));
            command.Parameters.Add(new NpgsqlParameter<long>("first", first));
            command.Parameters.Add(new NpgsqlParameter<long>("last", first + count - 1));
            return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) == 1;
        }
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(ReleaseAsync));
        }
    }
}
