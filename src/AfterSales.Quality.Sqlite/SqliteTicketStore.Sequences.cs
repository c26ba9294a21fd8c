using AfterSales.Quality.Numbering;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>Blocks of sequence numbers in one statement each (the importer draws a transaction's feedback numbers at once).</summary>
public sealed partial class SqliteTicketStore : ISequenceBlockStore
{
    /// <inheritdoc />
    public async ValueTask<long> ReserveAsync(string key, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 100_000);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO sequences (key, value) VALUES ($key, $count) ON CONFLICT (key) DO UPDATE SET value = value + $count RETURNING value";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$count", count);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! - count + 1;
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ReserveAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(string key, long first, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 100_000);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE sequences SET value = $first - 1 WHERE key = $key AND value = $last";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$first", first);
            command.Parameters.AddWithValue("$last", first + count - 1);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ReleaseAsync));
        }
    }
}
