using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The SQLite store's batch appends: one <c>BEGIN IMMEDIATE</c> transaction for the whole batch, with
/// prepared statements reused for every ticket; each ticket's version is checked inside it, and a
/// conflict or failure anywhere rolls the whole batch back (AUTOINCREMENT positions included, so the
/// feed keeps no gap). Source hashes are rows of <c>import_source_hashes</c>, written in the same transaction.
/// </summary>
public sealed partial class SqliteTicketStore : ITicketBatchStore
{
    /// <inheritdoc />
    private async ValueTask<IReadOnlyList<RecordedEvent>> AppendBatchCoreAsync(IReadOnlyList<TicketAppend> appends, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckBatch(appends);
        var toStore = appends;
        if (encryption is not null)
        {
            toStore = await encryption.EncryptBatchAsync(appends, cancellationToken).ConfigureAwait(false);
        }

        var rows = toStore.Select(a => a.Events.Select(serializer.Serialize).ToArray()).ToArray();
        var numbers = new (IReadOnlyList<(int Index, string Hash)> Hashes, bool Unindexed)[appends.Count];
        for (var a = 0; a < appends.Count; a++)
        {
            numbers[a] = await CustomerNumbersOfAsync(appends[a].Events, toStore[a].Events, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = "SELECT COALESCE(MAX(version), 0) FROM events WHERE ticket_id = $id";
        var checkId = check.Parameters.Add("$id", SqliteType.Text);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO events (ticket_id, version, type, data, occurred_at) VALUES ($id, $version, $type, $data, $at) RETURNING position";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var version = insert.Parameters.Add("$version", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var data = insert.Parameters.Add("$data", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "INSERT INTO import_source_hashes (source, ticket_id, hash) VALUES ($source, $id, $hash) ON CONFLICT (source, ticket_id) DO UPDATE SET hash = excluded.hash";
        var markSource = mark.Parameters.Add("$source", SqliteType.Text);
        var markId = mark.Parameters.Add("$id", SqliteType.Text);
        var markHash = mark.Parameters.Add("$hash", SqliteType.Text);
        var recorded = new List<RecordedEvent>(rows.Sum(r => r.Length));
        for (var a = 0; a < appends.Count; a++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var append = appends[a];
            var ticket = append.TicketId.ToString();
            checkId.Value = ticket;
            var actual = (long)check.ExecuteScalar()!;
            if (actual != append.ExpectedVersion)
            {
                // Disposing the uncommitted transaction rolls back what this batch wrote before.
                throw new TicketConcurrencyException(append.TicketId, append.ExpectedVersion, actual);
            }

            id.Value = ticket;
            for (var i = 0; i < rows[a].Length; i++)
            {
                version.Value = append.ExpectedVersion + i + 1;
                type.Value = rows[a][i].Type;
                data.Value = rows[a][i].Json;
                at.Value = NodaTime.Text.InstantPattern.ExtendedIso.Format(append.Events[i].OccurredAt);
                try
                {
                    recorded.Add(new RecordedEvent((long)insert.ExecuteScalar()!, append.ExpectedVersion + i + 1, append.Events[i]));
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: another writer got the version
                {
                    throw new TicketConcurrencyException(append.TicketId, append.ExpectedVersion, -1);
                }
            }

            var first = recorded.Count - rows[a].Length;
            WriteCustomerNumbers(connection, transaction, ticket, numbers[a], i => recorded[first + i].Position, rows[a].Length);
            if (append.SourceHash is { } hash)
            {
                markSource.Value = hash.Source;
                markId.Value = ticket;
                markHash.Value = hash.Hash;
                mark.ExecuteNonQuery();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        transaction.Commit();
        return recorded;
    }

    /// <inheritdoc />
    private async ValueTask<IReadOnlyList<TicketStream>> ReadStreamsCoreAsync(IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckReadStreams(ticketIds);
        var byTicket = ticketIds.ToDictionary(id => id, _ => new List<RecordedEvent>());
        if (ticketIds.Count > 0)
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

            // One query for all: the ids as a JSON array, joined through json_each (no parameter limit). Decoded from the native
            // statement's buffers like the feed (a snapshot restore reads back every open ticket this way); the driver reads it
            // when the database is busy.
            var ids = new System.Text.Json.Nodes.JsonArray(ticketIds.Select(id => (System.Text.Json.Nodes.JsonNode?)id.ToString()).ToArray()).ToJsonString();
            var direct = ReadEventsDirect(connection, "SELECT position, version, type, data FROM events WHERE ticket_id IN (SELECT value FROM json_each(?1)) ORDER BY ticket_id, version",
                statement => SQLitePCL.raw.sqlite3_bind_text(statement, 1, ids), ticketIds.Count * 8, cancellationToken);
            if (direct is not null)
            {
                foreach (var recorded in direct)
                {
                    (byTicket.TryGetValue(recorded.Event.TicketId, out var stream) ? stream
                        : throw new InvalidOperationException($"The event at feed position {recorded.Position} names ticket {recorded.Event.TicketId}, not the ticket it is stored under: the events table was changed outside the store."))
                        .Add(recorded);
                }
            }
            else
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT ticket_id, position, version, type, data FROM events WHERE ticket_id IN (SELECT value FROM json_each($ids)) ORDER BY ticket_id, version";
                command.Parameters.AddWithValue("$ids", ids);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    byTicket[TicketId.Parse(reader.GetString(0))].Add(new RecordedEvent(reader.GetInt64(1), reader.GetInt64(2), serializer.Deserialize(reader.GetString(3), reader.GetString(4))));
                }
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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ticket_id, hash FROM import_source_hashes WHERE source = $source";
        command.Parameters.AddWithValue("$source", source);
        var hashes = new Dictionary<TicketId, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hashes[TicketId.Parse(reader.GetString(0))] = reader.GetString(1);
        }

        return hashes;
    }
}
