using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The customer-number blind index (schema 9): one row per registered ticket in <c>customer_numbers</c> — the ticket and
/// the HMAC of its customer number under the index key (<see cref="CustomerNumberBlindIndex"/>) — written in the same
/// transaction as the registration and deleted with the rest of the ticket's personal data when it is erased. A
/// database written before schema 9, or while the store ran without <c>MasterKeys</c>, has registrations without a row:
/// the one-row table <c>customer_numbers_backfill</c> holds the feed range that still needs indexing, and the first
/// lookup indexes it (one read of those registrations, as the feed scan would do, resumable page by page).
/// </summary>
public sealed partial class SqliteTicketStore : ICustomerNumberLookup
{
    /// <summary>
    /// The index entries to write with an append (when the store encrypts with master keys), or the position of the last
    /// registration with a customer number the store cannot index (without master keys): that one is left to a backfill.
    /// </summary>
    private async ValueTask<(IReadOnlyList<(int Index, string Hash)> Hashes, bool Unindexed)> CustomerNumbersOfAsync(IReadOnlyList<TicketEvent> events, IReadOnlyList<TicketEvent> stored, CancellationToken cancellationToken)
    {
        if (blindIndex is not null)
        {
            return (await blindIndex.HashRegistrationsAsync(events, stored, cancellationToken).ConfigureAwait(false), false);
        }

        return ([], events.Any(CustomerNumberBlindIndex.IsIndexed));
    }

    /// <summary>Writes the index rows of one append, inside its transaction (<paramref name="positionOf"/> gives the position of its i-th event).</summary>
    private static void WriteCustomerNumbers(SqliteConnection connection, SqliteTransaction transaction, string ticketId, (IReadOnlyList<(int Index, string Hash)> Hashes, bool Unindexed) numbers, Func<int, long> positionOf, int eventCount)
    {
        if (numbers.Unindexed)
        {
            using var missing = connection.CreateCommand();
            missing.Transaction = transaction;
            missing.CommandText = "UPDATE customer_numbers_backfill SET missing_through = MAX(missing_through, $position) WHERE id = 1";
            missing.Parameters.AddWithValue("$position", positionOf(eventCount - 1));
            missing.ExecuteNonQuery();
        }

        foreach (var (_, hash) in numbers.Hashes)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;

            // Not for a ticket whose erasure is requested already (its number reads as erased).
            insert.CommandText = """
                INSERT INTO customer_numbers (ticket_id, number_hash)
                SELECT $id, $hash WHERE NOT EXISTS (SELECT 1 FROM customer_keys WHERE ticket_id = $id AND stage <> 0)
                ON CONFLICT (ticket_id) DO UPDATE SET number_hash = excluded.number_hash
                """;
            insert.Parameters.AddWithValue("$id", ticketId);
            insert.Parameters.AddWithValue("$hash", hash);
            insert.ExecuteNonQuery();
        }
    }

    private static async ValueTask DeleteCustomerNumberIndexAsync(SqliteConnection connection, SqliteTransaction transaction, TicketId ticketId, CancellationToken cancellationToken)
    {
        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM customer_numbers WHERE ticket_id = $id";
        delete.Parameters.AddWithValue("$id", ticketId.ToString());
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The tickets registered with the number, through the blind index; null when the store does not encrypt with
    /// <c>MasterKeys</c> (no index key). The first call after an upgrade indexes the registrations written before.
    /// </summary>
    private async ValueTask<IReadOnlyList<TicketId>?> FindByCustomerNumberCoreAsync(string customerNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerNumber);
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
        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT e.position, e.version, e.type, e.data FROM customer_numbers c
                JOIN events e ON e.ticket_id = c.ticket_id AND e.type = 'ticket-registered'
                WHERE c.number_hash = $hash ORDER BY e.position
                """;
            command.Parameters.AddWithValue("$hash", hash);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(new RecordedEvent(reader.GetInt64(0), reader.GetInt64(1), serializer.Deserialize(reader.GetString(2), reader.GetString(3))));
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
            await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var state = connection.CreateCommand())
            {
                state.CommandText = "SELECT missing_after, missing_through FROM customer_numbers_backfill WHERE id = 1";
                await using var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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

            var page = await ReadFeedPageAsync(after, FeedPage, cancellationToken).ConfigureAwait(false);
            var rows = new List<(string Ticket, string Hash)>();
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
                    rows.Add((recorded.Event.TicketId.ToString(), await blindIndex!.HashAsync(((TicketRegistered)recorded.Event).Intake.CustomerNumber!, cancellationToken).ConfigureAwait(false)));
                }
            }

            if (page.Count < FeedPage)
            {
                last = through; // the feed ends before a full page: nothing more up to the range's end
            }

            await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                foreach (var (ticket, hash) in rows)
                {
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;

                    // Only while no erasure is requested: a ticket erased since the page was read keeps no row.
                    insert.CommandText = """
                        INSERT INTO customer_numbers (ticket_id, number_hash)
                        SELECT $id, $hash WHERE NOT EXISTS (SELECT 1 FROM customer_keys WHERE ticket_id = $id AND stage <> 0)
                        ON CONFLICT (ticket_id) DO NOTHING
                        """;
                    insert.Parameters.AddWithValue("$id", ticket);
                    insert.Parameters.AddWithValue("$hash", hash);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var advance = connection.CreateCommand();
                advance.Transaction = transaction;
                advance.CommandText = "UPDATE customer_numbers_backfill SET missing_after = MAX(missing_after, $last) WHERE id = 1";
                advance.Parameters.AddWithValue("$last", last);
                await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
