using System.Globalization;
using AfterSales.Quality.Storage;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Sqlite;

/// <summary>The SQLite store's dispatch ledger (table <c>dispatched</c>, schema version 6): one row per SLA alert or survey handled.</summary>
public sealed partial class SqliteTicketStore : IDispatchLedger
{
    /// <inheritdoc />
    public async ValueTask<bool> IsDispatchedAsync(string dispatchId, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckDispatchId(dispatchId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM dispatched WHERE id = $id";
        command.Parameters.AddWithValue("$id", dispatchId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async ValueTask RecordDispatchedAsync(string dispatchId, Instant handledAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckDispatchId(dispatchId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO dispatched (id, handled_at) VALUES ($id, $at) ON CONFLICT (id) DO NOTHING";
        command.Parameters.AddWithValue("$id", dispatchId);
        command.Parameters.AddWithValue("$at", InstantPattern.ExtendedIso.Format(handledAt));
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The instants are ISO-8601 text of varying precision, so they are compared as Julian days (millisecond precision), not as text.</remarks>
    public async ValueTask<int> PruneDispatchedAsync(Instant handledBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM dispatched WHERE julianday(handled_at) < julianday($before)";
        command.Parameters.AddWithValue("$before", InstantPattern.ExtendedIso.Format(handledBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
