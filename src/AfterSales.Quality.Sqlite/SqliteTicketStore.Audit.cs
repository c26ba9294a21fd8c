using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime.Text;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The SQLite store's audit of personal-data access (table <c>personal_data_access</c>, schema version 8): one row per
/// decision, in the database file beside the tickets, kind and decision by name (<c>view</c>/<c>export</c>,
/// <c>allowed</c>/<c>denied</c>) so a DBA reads them without the library.
/// </summary>
public sealed partial class SqliteTicketStore : IPersonalDataAccessAudit
{
    /// <inheritdoc />
    public async ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAccessRecords(records);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO personal_data_access (access_id, at, actor, purpose, kind, decision, ticket_id) VALUES ($access, $at, $actor, $purpose, $kind, $decision, $ticket)";
            var access = insert.Parameters.Add("$access", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Text);
            var actor = insert.Parameters.Add("$actor", SqliteType.Text);
            var purpose = insert.Parameters.Add("$purpose", SqliteType.Text);
            var kind = insert.Parameters.Add("$kind", SqliteType.Text);
            var decision = insert.Parameters.Add("$decision", SqliteType.Text);
            var ticket = insert.Parameters.Add("$ticket", SqliteType.Text);
            foreach (var record in records)
            {
                access.Value = record.AccessId.ToString();
                at.Value = InstantPattern.ExtendedIso.Format(record.At);
                actor.Value = record.Actor;
                purpose.Value = record.Purpose;
                kind.Value = Name(record.Kind);
                decision.Value = Name(record.Decision);
                ticket.Value = record.TicketId is { } id ? id.ToString() : DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(RecordAccessAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = ticketId is null
                ? "SELECT access_id, at, actor, purpose, kind, decision, ticket_id FROM personal_data_access ORDER BY seq"
                : "SELECT access_id, at, actor, purpose, kind, decision, ticket_id FROM personal_data_access WHERE ticket_id = $ticket ORDER BY seq";
            if (ticketId is { } id)
            {
                command.Parameters.AddWithValue("$ticket", id.ToString());
            }

            var found = new List<PersonalDataAccessRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(new PersonalDataAccessRecord(
                    Guid.Parse(reader.GetString(0)),
                    InstantPattern.ExtendedIso.Parse(reader.GetString(1)).Value,
                    reader.GetString(2),
                    reader.GetString(3),
                    Enum.Parse<PersonalDataAccessKind>(reader.GetString(4), ignoreCase: true),
                    Enum.Parse<PersonalDataAccessDecision>(reader.GetString(5), ignoreCase: true),
                    reader.IsDBNull(6) ? null : TicketId.Parse(reader.GetString(6))));
            }

            return found;
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ListAccessesAsync));
        }
    }

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
