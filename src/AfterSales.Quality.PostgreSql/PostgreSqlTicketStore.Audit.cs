using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Npgsql;
using NodaTime;

namespace AfterSales.Quality.PostgreSql;

/// <summary>
/// The PostgreSQL store's audit of personal-data access (table <c>personal_data_access</c>, schema version 8): one row per
/// decision, in the store's schema beside the tickets, kind and decision by name (<c>view</c>/<c>export</c>,
/// <c>allowed</c>/<c>denied</c>) so a DBA reads them without the library. Every node writes to the same table. Schema 9
/// adds indexes on actor and time, for paging.
/// </summary>
public sealed partial class PostgreSqlTicketStore : IPersonalDataAccessHistory
{
    /// <inheritdoc />
    public async ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default)
    {
        StoreArguments.CheckAccessRecords(records);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // One statement over arrays: all records or none, one round trip.
            await using var command = dataSource.CreateCommand($"""
                INSERT INTO {schema}.personal_data_access (access_id, at, actor, purpose, kind, decision, ticket_id)
                SELECT * FROM unnest(@access, @at, @actor, @purpose, @kind, @decision, @ticket);
                """);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("access", [.. records.Select(r => r.AccessId)]));
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("at", [.. records.Select(r => r.At.ToDateTimeUtc())]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("actor", [.. records.Select(r => r.Actor)]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("purpose", [.. records.Select(r => r.Purpose)]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("kind", [.. records.Select(r => Name(r.Kind))]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("decision", [.. records.Select(r => Name(r.Decision))]));
            command.Parameters.Add(new NpgsqlParameter<Guid?[]>("ticket", [.. records.Select(r => r.TicketId?.Value)]));
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(RecordAccessAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand(ticketId is null
                ? $"SELECT access_id, at, actor, purpose, kind, decision, ticket_id FROM {schema}.personal_data_access ORDER BY seq;"
                : $"SELECT access_id, at, actor, purpose, kind, decision, ticket_id FROM {schema}.personal_data_access WHERE ticket_id = @ticket ORDER BY seq;");
            if (ticketId is { } id)
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("ticket", id.Value));
            }

            var found = new List<PersonalDataAccessRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(ReadAccess(reader));
            }

            return found;
        }
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(ListAccessesAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<PersonalDataAccessPage> QueryAccessesAsync(PersonalDataAccessQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        try
        {
            await using var command = dataSource.CreateCommand();
            var where = new List<string> { "seq > @after" };
            command.Parameters.Add(new NpgsqlParameter<long>("after", query.After()));
            if (query.Actor is { } actor)
            {
                where.Add("actor = @actor");
                command.Parameters.Add(new NpgsqlParameter<string>("actor", actor));
            }

            if (query.TicketId is { } ticket)
            {
                where.Add("ticket_id = @ticket");
                command.Parameters.Add(new NpgsqlParameter<Guid>("ticket", ticket.Value));
            }

            if (query.From is { } from)
            {
                where.Add("at >= @from");
                command.Parameters.Add(new NpgsqlParameter<DateTime>("from", Timestamp(from)));
            }

            if (query.Until is { } until)
            {
                where.Add("at < @until");
                command.Parameters.Add(new NpgsqlParameter<DateTime>("until", Timestamp(until)));
            }

            command.CommandText = $"SELECT access_id, at, actor, purpose, kind, decision, ticket_id, seq FROM {schema}.personal_data_access WHERE {string.Join(" AND ", where)} ORDER BY seq LIMIT {query.PageSize + 1};";
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
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(QueryAccessesAsync));
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> PruneAccessesAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var command = dataSource.CreateCommand($"DELETE FROM {schema}.personal_data_access WHERE at < @cutoff;");
            command.Parameters.Add(new NpgsqlParameter<DateTime>("cutoff", Timestamp(olderThan)));
            return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Unavailable(ex, nameof(PruneAccessesAsync));
        }
    }

    /// <summary>A timestamptz parameter: the instant clamped to what PostgreSQL stores (microseconds are kept, nanoseconds dropped as on insert).</summary>
    private static DateTime Timestamp(Instant instant) =>
        instant < Instant.FromUtc(1, 1, 1, 0, 0) ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : instant > Instant.FromUtc(9999, 12, 31, 0, 0) ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : instant.ToDateTimeUtc();

    private static PersonalDataAccessRecord ReadAccess(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
        reader.GetString(2),
        reader.GetString(3),
        Enum.Parse<PersonalDataAccessKind>(reader.GetString(4), ignoreCase: true),
        Enum.Parse<PersonalDataAccessDecision>(reader.GetString(5), ignoreCase: true),
        reader.IsDBNull(6) ? null : new TicketId(reader.GetGuid(6)));

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
