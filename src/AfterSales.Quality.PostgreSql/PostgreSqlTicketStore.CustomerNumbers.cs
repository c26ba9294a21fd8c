using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The customer-number blind index (schema 9): one row per registered ticket in <c>customer_numbers</c> — the ticket and
/// the HMAC of its customer number under the index key (<see cref="CustomerNumberBlindIndex"/>) — written by the
/// registration's own append statement and deleted with the rest of the ticket's personal data when it is erased. A
/// schema written before version 9, or while the store ran without <c>MasterKeys</c>, has registrations without a row:
/// the one-row table <c>customer_numbers_backfill</c> holds the feed range that still needs indexing, and the first
/// lookup indexes it (one read of those registrations, as the feed scan would do, resumable page by page).
/// </summary>
public sealed partial class PostgreSqlTicketStore : ICustomerNumberLookup
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TicketId>?> FindByCustomerNumberAsync(string customerNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerNumber);
        try
        {
            return await FindByCustomerNumberCoreAsync(customerNumber, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(FindByCustomerNumberAsync));
        }
    }

    /// <summary>Writes the batch's index rows (and marks what needs a backfill) inside its transaction.</summary>
    private async ValueTask WriteCustomerNumbersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TicketAppend> appends, IReadOnlyList<TicketAppend> stored, IReadOnlyList<RecordedEvent> recorded, CancellationToken cancellationToken)
    {
        if (blindIndex is null)
        {
            if (appends.Any(a => a.Events.Any(CustomerNumberBlindIndex.IsIndexed)) && recorded.Count > 0)
            {
                await using var missing = new NpgsqlCommand($"UPDATE {schema}.customer_numbers_backfill SET missing_through = GREATEST(missing_through, @position) WHERE id = 1;", connection, transaction);
                missing.Parameters.Add(new NpgsqlParameter<long>("position", recorded[^1].Position));
                await missing.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var tickets = new List<Guid>();
        var hashes = new List<string>();
        for (var a = 0; a < appends.Count; a++)
        {
            var found = await blindIndex.HashRegistrationsAsync(appends[a].Events, stored[a].Events, cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
            {
                tickets.Add(appends[a].TicketId.Value);
                hashes.Add(found[^1].Hash);
            }
        }

        if (tickets.Count > 0)
        {
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO {schema}.customer_numbers (ticket_id, number_hash)
                SELECT DISTINCT ON (r.ticket_id) r.ticket_id, r.hash FROM unnest(@tickets, @hashes) WITH ORDINALITY AS r(ticket_id, hash, ordinal)
                WHERE NOT EXISTS (SELECT 1 FROM {schema}.customer_keys k WHERE k.ticket_id = r.ticket_id AND k.stage <> 0)
                ORDER BY r.ticket_id, r.ordinal DESC
                ON CONFLICT (ticket_id) DO UPDATE SET number_hash = excluded.number_hash;
                """, connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<Guid[]>("tickets", [.. tickets]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. hashes]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<IReadOnlyList<TicketId>?> FindByCustomerNumberCoreAsync(string customerNumber, CancellationToken cancellationToken)
    {
        if (blindIndex is null || encryption is null)
        {
            return null;
        }

        if (customerNumber == PersonalDataErased.Placeholder)
        {
            return [];
        }

        await BackfillCustomerNumbersAsync(cancellationToken).ConfigureAwait(false);
        var hash = await blindIndex.HashAsync(customerNumber, cancellationToken).ConfigureAwait(false);
        var candidates = new List<RecordedEvent>();
        await using (var command = dataSource.CreateCommand($"""
            SELECT e.position, e.version, e.type, e.data::text FROM {schema}.customer_numbers c
            JOIN {schema}.events e ON e.ticket_id = c.ticket_id AND e.type = 'ticket-registered'
            WHERE c.number_hash = @hash ORDER BY e.position;
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("hash", hash));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(ReadEvent(reader));
            }
        }

        // The exact comparison on the decrypted registration: the index only narrows the candidates.
        return CustomerNumberBlindIndex.MatchingTickets(await encryption.DecryptAsync(candidates, cancellationToken).ConfigureAwait(false), customerNumber);
    }

    /// <summary>Indexes the registrations in the range <c>customer_numbers_backfill</c> names, a feed page per transaction.</summary>
    private async ValueTask BackfillCustomerNumbersAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            long after, through;
            await using (var state = dataSource.CreateCommand($"SELECT missing_after, missing_through FROM {schema}.customer_numbers_backfill WHERE id = 1;"))
            await using (var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                (after, through) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            if (after >= through)
            {
                return;
            }

            var page = await ReadFeedPageAsync(after, FeedPageSize, cancellationToken).ConfigureAwait(false);
            var tickets = new List<Guid>();
            var hashes = new List<string>();
            var last = after;
            foreach (var recorded in page)
            {
                if (recorded.Position > through)
                {
                    last = through;
                    break;
                }

                last = recorded.Position;
                if (CustomerNumberBlindIndex.IsIndexed(recorded.Event))
                {
                    tickets.Add(recorded.Event.TicketId.Value);
                    hashes.Add(await blindIndex!.HashAsync(((TicketRegistered)recorded.Event).Intake.CustomerNumber!, cancellationToken).ConfigureAwait(false));
                }
            }

            if (page.Count < FeedPageSize)
            {
                last = through; // the feed ends before a full page: nothing more up to the range's end
            }

            // Only while no erasure is requested: a ticket whose erasure was requested since the page was read gets no row
            // (and the erasure's last step deletes a row written before it).
            await using var command = dataSource.CreateCommand($"""
                WITH candidate_rows AS (
                    SELECT r.ticket_id, r.hash FROM unnest(@tickets, @hashes) AS r(ticket_id, hash)
                    WHERE NOT EXISTS (SELECT 1 FROM {schema}.customer_keys k WHERE k.ticket_id = r.ticket_id AND k.stage <> 0)
                ), indexed AS (
                    INSERT INTO {schema}.customer_numbers (ticket_id, number_hash) SELECT DISTINCT ON (ticket_id) ticket_id, hash FROM candidate_rows
                    ON CONFLICT (ticket_id) DO NOTHING
                )
                UPDATE {schema}.customer_numbers_backfill SET missing_after = GREATEST(missing_after, @last) WHERE id = 1;
                """);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("tickets", [.. tickets]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. hashes]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<long>("last", last));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
