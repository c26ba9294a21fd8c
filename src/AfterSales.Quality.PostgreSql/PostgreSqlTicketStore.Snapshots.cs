using AfterSales.Quality.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// Read-model snapshots (schema 5): one row per name in <c>snapshots</c>, replaced in one statement. The write takes
/// no lock the appends take (not the feed head, not the events table), and readers see the old row or the new one (MVCC).
/// </summary>
public sealed partial class PostgreSqlTicketStore : ISnapshotStore
{
    /// <inheritdoc />
    public async ValueTask<byte[]?> ReadSnapshotAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        await using var command = dataSource.CreateCommand($"SELECT data FROM {schema}.snapshots WHERE name = @name;");
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        command.CommandTimeout = 0;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(string name, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckSnapshotName(name);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.snapshots (name, data) VALUES (@name, @data)
            ON CONFLICT (name) DO UPDATE SET data = excluded.data, written_at = now();
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = snapshot });
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
