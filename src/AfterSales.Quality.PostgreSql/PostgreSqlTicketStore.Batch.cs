using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The PostgreSQL store's batch appends: one transaction that first takes the batch's positions from
/// the <c>feed_head</c> row (the lock single appends take too, so positions stay in commit order with no
/// gap), then checks every ticket's version in one query, writes every event with one binary
/// <c>COPY</c> and the source hashes with one statement. A conflict or failure rolls it all back and
/// gives the positions back.
/// </summary>
public sealed partial class PostgreSqlTicketStore : ITicketBatchStore
{
    /// <inheritdoc />
    private async ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchCoreAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckBatch(appends);
        var toStore = encryption is null ? appends : await encryption.EncryptBatchAsync(appends, cancellationToken).ConfigureAwait(false);
        var rows = toStore.Select(a => a.Events.Select(serializer.Serialize).ToArray()).ToArray();
        var total = rows.Sum(r => r.Length);
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long start;
        await using (var head = new NpgsqlCommand($"UPDATE {schema}.feed_head SET position = position + @count WHERE id = 1 RETURNING position - @count;", connection, transaction))
        {
            head.Parameters.Add(new NpgsqlParameter<long>("count", total));
            start = (long)(await head.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        // Every appender holds the feed_head lock until it commits, so the versions read now stay current.
        var ids = appends.Select(a => a.TicketId.Value).ToArray();
        var actual = new Dictionary<Guid, long>(ids.Length);
        await using (var versions = new NpgsqlCommand($"SELECT t.id, COALESCE(MAX(e.version), 0) FROM unnest(@ids) AS t(id) LEFT JOIN {schema}.events e ON e.ticket_id = t.id GROUP BY t.id;", connection, transaction))
        {
            versions.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", ids) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            await using var reader = await versions.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                actual[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        foreach (var append in appends)
        {
            if (actual[append.TicketId.Value] != append.ExpectedVersion)
            {
                throw new TicketConcurrencyException(append.TicketId, append.ExpectedVersion, actual[append.TicketId.Value]);
            }
        }

        var recorded = new List<RecordedEvent>(total);
        try
        {
            if (total > 0)
            {
                await using var copy = await connection.BeginBinaryImportAsync($"COPY {schema}.events (position, ticket_id, version, type, data, occurred_at, command_id) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                var position = start;
                for (var a = 0; a < appends.Count; a++)
                {
                    var append = appends[a];
                    for (var i = 0; i < rows[a].Length; i++)
                    {
                        var e = append.Events[i];
                        var version = append.ExpectedVersion + i + 1;
                        await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(++position, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(append.TicketId.Value, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(rows[a][i].Type, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(rows[a][i].Json, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(e.OccurredAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(e.CommandId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                        recorded.Add(new RecordedEvent(position, version, e));
                    }
                }

                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await WriteCustomerNumbersAsync(connection, transaction, appends, toStore, recorded, cancellationToken).ConfigureAwait(false);
            var hashed = appends.Where(a => a.SourceHash is not null).ToArray();
            if (hashed.Length > 0)
            {
                await using var mark = new NpgsqlCommand($"""
                    INSERT INTO {schema}.import_source_hashes (source, ticket_id, hash)
                    SELECT * FROM unnest(@sources, @tickets, @hashes)
                    ON CONFLICT (source, ticket_id) DO UPDATE SET hash = excluded.hash;
                    """, connection, transaction);
                mark.Parameters.Add(new NpgsqlParameter<string[]>("sources", hashed.Select(a => a.SourceHash!.Source).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                mark.Parameters.Add(new NpgsqlParameter<Guid[]>("tickets", hashed.Select(a => a.TicketId.Value).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                mark.Parameters.Add(new NpgsqlParameter<string[]>("hashes", hashed.Select(a => a.SourceHash!.Hash).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();

            // Not cancelled once the commit is sent, so a caller never wonders whether a cancelled batch stands.
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new TicketConcurrencyException(appends[0].TicketId, appends[0].ExpectedVersion, -1);
        }

        return recorded;
    }

    /// <inheritdoc />
    private async ValueTask<IReadOnlyList<TicketStream>> ReadStreamsCoreAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadStreams(ticketIds);
        var byTicket = ticketIds.ToDictionary(id => id, _ => new List<RecordedEvent>());
        if (ticketIds.Count > 0)
        {
            await using var command = dataSource.CreateCommand($"SELECT ticket_id, position, version, type, data::text FROM {schema}.events WHERE ticket_id = ANY(@ids) ORDER BY ticket_id, version;");
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", ticketIds.Select(id => id.Value).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                byTicket[new TicketId(reader.GetGuid(0))].Add(new RecordedEvent(reader.GetInt64(1), reader.GetInt64(2), serializer.Deserialize(reader.GetString(3), reader.GetString(4))));
            }
        }

        if (encryption is not null)
        {
            foreach (var id in ticketIds.Distinct())
            {
                byTicket[id] = [.. await encryption.DecryptAsync(byTicket[id], cancellationToken).ConfigureAwait(false)];
            }
        }

        return ticketIds.Select(id => new TicketStream(id, byTicket[id].Count, byTicket[id])).ToArray();
    }

    /// <inheritdoc />
    private async ValueTask<IReadOnlyDictionary<TicketId, string>> ReadSourceHashesCoreAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await using var command = dataSource.CreateCommand($"SELECT ticket_id, hash FROM {schema}.import_source_hashes WHERE source = @source;");
        command.Parameters.Add(new NpgsqlParameter<string>("source", source));
        var hashes = new Dictionary<TicketId, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hashes[new TicketId(reader.GetGuid(0))] = reader.GetString(1);
        }

        return hashes;
    }
}
