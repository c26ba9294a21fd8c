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
/// or audit service to send it elsewhere. Records are kept after an erasure (they hold ids, not the data) and are not
/// pruned. Implementations must be thread-safe and durable once <see cref="RecordAccessAsync"/> returns.
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
