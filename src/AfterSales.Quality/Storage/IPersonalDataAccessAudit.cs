using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Storage;

/// <summary>What an access to a customer's personal data was (<see cref="PersonalDataAccessRecord.Kind"/>).</summary>
public enum PersonalDataAccessKind
{
    /// <summary>A ticket's intake shown to a viewer (<c>PersonalDataGuard.ViewAsync</c>).</summary>
    View = 0,

    /// <summary>Everything stored about a customer exported for an access request (<c>CustomerDataExporter</c>).</summary>
    Export = 1,

    /// <summary>Free text of many tickets read for statistics — keyword counts, a KPI computed from text (<c>PersonalDataGuard.AuthorizeReadAsync</c>).</summary>
    Statistics = 2,
}

/// <summary>What the access policy decided (<see cref="PersonalDataAccessRecord.Decision"/>).</summary>
public enum PersonalDataAccessDecision
{
    /// <summary>The data was shown or exported decrypted.</summary>
    Allowed = 0,

    /// <summary>The policy refused: a view was shown masked, an export was refused.</summary>
    Denied = 1,
}

/// <summary>
/// One decision about one ticket's personal data: who asked, for what purpose, when, and whether the access policy
/// allowed it. An export writes one record per ticket it covers (one with no ticket when it found none), all with the
/// same <paramref name="AccessId"/>. A record holds ids, never the customer's data.
/// </summary>
/// <param name="AccessId">The access (one view, one export) the record belongs to.</param>
/// <param name="At">When the decision was taken.</param>
/// <param name="Actor">Who asked (the viewer's id); 1 to 200 characters.</param>
/// <param name="Purpose">Why, as the caller stated it (e.g. <c>revisit call</c>, <c>PIPL access request 2024-17</c>); 1 to 200 characters, stored in clear, so it must not hold personal data.</param>
/// <param name="Kind">A view or an export.</param>
/// <param name="Decision">Allowed or denied.</param>
/// <param name="TicketId">The ticket whose data was asked for; null for an export that found no ticket.</param>
public sealed record PersonalDataAccessRecord(Guid AccessId, Instant At, string Actor, string Purpose, PersonalDataAccessKind Kind, PersonalDataAccessDecision Decision, TicketId? TicketId);

/// <summary>
/// The audit trail of reads of customers' personal data (PIPL art. 55 / GDPR art. 30 accountability): every decision the
/// personal-data guard and the access-request exporter take is recorded here before the data is handed out, so an
/// access the record could not be written for does not happen. The in-memory, SQLite and PostgreSQL stores keep it in
/// the same database as the tickets (table <c>personal_data_access</c>, schema version 8); implement it over your SIEM
/// or audit service to send it elsewhere. Records are kept after an erasure (they hold ids, not the data); they are pruned
/// only when the host applies a retention (<see cref="IPersonalDataAccessHistory"/>, which also pages them by actor and
/// time). Implementations must be thread-safe and durable once <see cref="RecordAccessAsync"/> returns.
/// </summary>
public interface IPersonalDataAccessAudit
{
    /// <summary>Records decisions, all or none.</summary>
    /// <param name="records">The records; at least one, each valid (<see cref="StoreArguments.CheckAccessRecords"/>).</param>
    /// <param name="cancellationToken">Cancels the write before it is sent.</param>
    /// <returns>A task that completes when the records are durable.</returns>
    /// <exception cref="ArgumentException">A record is invalid; the message names it (<c>records[i]</c>).</exception>
    ValueTask RecordAccessAsync(IReadOnlyList<PersonalDataAccessRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The recorded decisions about one ticket, or all of them, in the order they were recorded.</summary>
    /// <param name="ticketId">The ticket; null for every record (records without a ticket included).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    ValueTask<IReadOnlyList<PersonalDataAccessRecord>> ListAccessesAsync(TicketId? ticketId = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// What <see cref="IPersonalDataAccessHistory.QueryAccessesAsync"/> lists: the records that match every filter set, in
/// the order they were recorded, one page at a time. Immutable.
/// </summary>
public sealed record PersonalDataAccessQuery
{
    /// <summary>The largest <see cref="PageSize"/>: 1000.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Only this actor's records (compared exactly); null for every actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Only this ticket's records; null for every ticket (records without a ticket included).</summary>
    public TicketId? TicketId { get; init; }

    /// <summary>Only records at or after this instant; null for no lower bound.</summary>
    public Instant? From { get; init; }

    /// <summary>Only records before this instant (exclusive); null for no upper bound.</summary>
    public Instant? Until { get; init; }

    /// <summary>At most this many records per page; 1 to <see cref="MaxPageSize"/>. Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where the previous page ended (its <see cref="PersonalDataAccessPage.Continuation"/>); null for the first page. Use it with the same filters.</summary>
    public string? Continuation { get; init; }

    /// <summary>Checks the query, naming every bad field.</summary>
    /// <exception cref="QualityValidationException">A field is out of range or malformed.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        if (Actor is not null && (string.IsNullOrWhiteSpace(Actor) || Actor.Length > 200))
        {
            errors.Add(new ValidationError(nameof(Actor), "must be null or 1 to 200 characters (not blank)."));
        }

        if (TicketId is { IsEmpty: true })
        {
            errors.Add(new ValidationError(nameof(TicketId), "must not be the empty id."));
        }

        if (From is { } from && Until is { } until && until < from)
        {
            errors.Add(new ValidationError(nameof(Until), $"must not be before {nameof(From)}."));
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            errors.Add(new ValidationError(nameof(PageSize), $"must be 1 to {MaxPageSize}; it is {PageSize}."));
        }

        if (Continuation is not null && ContinuationPosition(Continuation) is null)
        {
            errors.Add(new ValidationError(nameof(Continuation), "is not a continuation a page returned."));
        }

        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(PersonalDataAccessQuery), errors);
        }
    }

    /// <summary>The position after which the page starts: 0 for the first page.</summary>
    /// <returns>The position (the store's record sequence number) encoded in <see cref="Continuation"/>.</returns>
    /// <exception cref="QualityValidationException">The continuation is malformed.</exception>
    public long After()
    {
        if (Continuation is null)
        {
            return 0;
        }

        return ContinuationPosition(Continuation) ?? throw new QualityValidationException(nameof(PersonalDataAccessQuery), [new ValidationError(nameof(Continuation), "is not a continuation a page returned.")]);
    }

    /// <summary>The continuation of a page that ended at a record's position.</summary>
    /// <param name="position">The store's sequence number of the page's last record (1 or more).</param>
    /// <returns>The continuation text: <c>a1.{position}</c>.</returns>
    public static string ContinuationAfter(long position)
    {
        Preconditions.CheckArgument(position > 0, nameof(position), $"'{nameof(position)}' must be 1 or more; it was {position}.");
        return "a1." + position.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long? ContinuationPosition(string continuation) =>
        continuation.StartsWith("a1.", StringComparison.Ordinal)
        && long.TryParse(continuation.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
        && position > 0
            ? position
            : null;
}

/// <summary>One page of the access audit (<see cref="IPersonalDataAccessHistory.QueryAccessesAsync"/>).</summary>
/// <param name="Records">The records, in the order they were recorded; at most the query's page size.</param>
/// <param name="Continuation">Pass it as <see cref="PersonalDataAccessQuery.Continuation"/> for the next page; null when this is the last page.</param>
public sealed record PersonalDataAccessPage(IReadOnlyList<PersonalDataAccessRecord> Records, string? Continuation);

/// <summary>
/// The access audit read by actor, ticket and time range, a page at a time, and pruned after a retention period. The
/// in-memory, SQLite and PostgreSQL stores implement it (the SQL stores over indexes on actor and time, schema version 9).
/// Records are kept forever unless the host prunes them (<see cref="PersonalDataAccessRetention"/>). Implementations must
/// be thread-safe; a page is consistent with the records durable when it was read, and records recorded while a caller
/// pages are found by a later page when they match.
/// </summary>
public interface IPersonalDataAccessHistory : IPersonalDataAccessAudit
{
    /// <summary>One page of the records that match the query, in the order they were recorded.</summary>
    /// <param name="query">The filters, the page size and where the previous page ended; validated.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="QualityValidationException">The query is invalid (fields named).</exception>
    ValueTask<PersonalDataAccessPage> QueryAccessesAsync(PersonalDataAccessQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes the records taken before <paramref name="olderThan"/> (exclusive), all at once.</summary>
    /// <param name="olderThan">The cut-off: records at or after it stay.</param>
    /// <param name="cancellationToken">Cancels the deletion before it is sent.</param>
    /// <returns>How many records were deleted.</returns>
    ValueTask<long> PruneAccessesAsync(Instant olderThan, CancellationToken cancellationToken = default);
}

/// <summary>
/// How long the access audit keeps its records: <see cref="Days"/> after they were taken, or forever (the default, null).
/// Call <see cref="PruneAsync"/> periodically (e.g. once a day) to apply it. Immutable.
/// </summary>
public sealed record PersonalDataAccessRetention
{
    /// <summary>The longest retention: 36,500 days.</summary>
    public const int MaxDays = 36_500;

    /// <summary>Records older than this many days are pruned; null (the default) keeps every record forever. 1 to <see cref="MaxDays"/>.</summary>
    public int? Days { get; init; }

    /// <summary>Checks the retention.</summary>
    /// <exception cref="QualityValidationException"><see cref="Days"/> is out of range.</exception>
    public void Validate()
    {
        if (Days is < 1 or > MaxDays)
        {
            throw new QualityValidationException(nameof(PersonalDataAccessRetention), [new ValidationError(nameof(Days), $"must be null (keep forever) or 1 to {MaxDays}; it is {Days}.")]);
        }
    }

    /// <summary>Prunes the records older than <see cref="Days"/> (nothing when the records are kept forever).</summary>
    /// <param name="audit">The audit.</param>
    /// <param name="clock">The clock the age is measured on.</param>
    /// <param name="cancellationToken">Cancels the pruning.</param>
    /// <returns>How many records were deleted.</returns>
    /// <exception cref="QualityValidationException">The retention is invalid.</exception>
    public async ValueTask<long> PruneAsync(IPersonalDataAccessHistory audit, IClock clock, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(audit);
        Preconditions.CheckNotNull(clock);
        Validate();
        return Days is { } days
            ? await audit.PruneAccessesAsync(clock.GetCurrentInstant() - Duration.FromDays(days), cancellationToken).ConfigureAwait(false)
            : 0;
    }
}
