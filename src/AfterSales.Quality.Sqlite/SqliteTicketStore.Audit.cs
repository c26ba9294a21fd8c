using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime.Text;

namespace AfterSales.Quality.Sqlite;

/// <summary>
/// The SQLite store's audit of personal-data access (table <c>personal_data_access</c>, schema version 8): one row per
/// decision, in the database file beside the tickets, kind and decision by name (<c>view</c>/<c>export</c>,
/// <c>allowed</c>/<c>denied</c>) so a DBA reads them without the library. Schema 9 adds the instant as Unix nanoseconds
/// (<c>at_ns</c>, for time ranges; filled in for the records written before) and indexes on actor and time, for paging.
/// </summary>
public sealed partial class SqliteTicketStore : IPersonalDataAccessHistory
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
            insert.CommandText = "INSERT INTO personal_data_access (access_id, at, at_ns, actor, purpose, kind, decision, ticket_id) VALUES ($access, $at, $atNs, $actor, $purpose, $kind, $decision, $ticket)";
            var access = insert.Parameters.Add("$access", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Text);
            var atNs = insert.Parameters.Add("$atNs", SqliteType.Integer);
            var actor = insert.Parameters.Add("$actor", SqliteType.Text);
            var purpose = insert.Parameters.Add("$purpose", SqliteType.Text);
            var kind = insert.Parameters.Add("$kind", SqliteType.Text);
            var decision = insert.Parameters.Add("$decision", SqliteType.Text);
            var ticket = insert.Parameters.Add("$ticket", SqliteType.Text);
            foreach (var record in records)
            {
                access.Value = record.AccessId.ToString();
                at.Value = InstantPattern.ExtendedIso.Format(record.At);
                atNs.Value = UnixNanoseconds(record.At);
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
                found.Add(ReadAccess(reader));
            }

            return found;
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(ListAccessesAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<PersonalDataAccessPage> QueryAccessesAsync(PersonalDataAccessQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            var where = new List<string> { "seq > $after" };
            command.Parameters.AddWithValue("$after", query.After());
            if (query.Actor is { } actor)
            {
                where.Add("actor = $actor");
                command.Parameters.AddWithValue("$actor", actor);
            }

            if (query.TicketId is { } ticket)
            {
                where.Add("ticket_id = $ticket");
                command.Parameters.AddWithValue("$ticket", ticket.ToString());
            }

            if (query.From is { } from)
            {
                where.Add("at_ns >= $from");
                command.Parameters.AddWithValue("$from", UnixNanoseconds(from));
            }

            if (query.Until is { } until)
            {
                where.Add("at_ns < $until");
                command.Parameters.AddWithValue("$until", UnixNanoseconds(until));
            }

            command.CommandText = $"SELECT access_id, at, actor, purpose, kind, decision, ticket_id, seq FROM personal_data_access WHERE {string.Join(" AND ", where)} ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$limit", query.PageSize + 1);
            var found = new List<PersonalDataAccessRecord>();
            var last = 0L;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (found.Count == query.PageSize)
                {
                    return new PersonalDataAccessPage(found, PersonalDataAccessQuery.ContinuationAfter(last));
                }

                found.Add(ReadAccess(reader));
                last = reader.GetInt64(7);
            }

            return new PersonalDataAccessPage(found, null);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(QueryAccessesAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> PruneAccessesAsync(NodaTime.Instant olderThan, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM personal_data_access WHERE at_ns < $cutoff";
            command.Parameters.AddWithValue("$cutoff", UnixNanoseconds(olderThan));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteFailures.IsUnavailable(ex))
        {
            throw SqliteFailures.Unavailable(ex, nameof(PruneAccessesAsync));
        }
    }

    /// <summary>Nanoseconds since the Unix epoch, saturated beyond ±292 years.</summary>
    private static long UnixNanoseconds(NodaTime.Instant instant)
    {
        var since = instant - NodaTime.NodaConstants.UnixEpoch;
        return since > NodaTime.Duration.FromNanoseconds(long.MaxValue) ? long.MaxValue
            : since < NodaTime.Duration.FromNanoseconds(long.MinValue) ? long.MinValue
            : since.ToInt64Nanoseconds();
    }

    private static PersonalDataAccessRecord ReadAccess(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        InstantPattern.ExtendedIso.Parse(reader.GetString(1)).Value,
        reader.GetString(2),
        reader.GetString(3),
        Enum.Parse<PersonalDataAccessKind>(reader.GetString(4), ignoreCase: true),
        Enum.Parse<PersonalDataAccessDecision>(reader.GetString(5), ignoreCase: true),
        reader.IsDBNull(6) ? null : TicketId.Parse(reader.GetString(6)));

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
