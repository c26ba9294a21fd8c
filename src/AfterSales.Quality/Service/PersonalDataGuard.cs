using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace AfterSales.Quality.Service;

/// <summary>
/// Shows a ticket's intake to a viewer: in full when the access policy allows, masked otherwise. Every decision —
/// allowed or denied, with the viewer, the purpose, the ticket and the instant — is recorded in the audit
/// (<see cref="IPersonalDataAccessAudit"/>) before the intake is returned, so no decrypted read goes unrecorded; a denied
/// read is logged too (ids, never the data). Thread-safe.
/// </summary>
public sealed partial class PersonalDataGuard
{
    private readonly IPersonalDataAccessPolicy policy;
    private readonly IPersonalDataAccessAudit audit;
    private readonly IClock clock;
    private readonly ILogger logger;

    /// <summary>Creates the guard.</summary>
    /// <param name="policy">The access policy.</param>
    /// <param name="audit">Where every decision is recorded (the SQLite, PostgreSQL and in-memory stores are one).</param>
    /// <param name="clock">The clock of the audit records.</param>
    /// <param name="logger">Where denied reads are logged; nothing is logged when null.</param>
    public PersonalDataGuard(IPersonalDataAccessPolicy policy, IPersonalDataAccessAudit audit, IClock clock, ILogger<PersonalDataGuard>? logger = null)
    {
        this.policy = Preconditions.CheckNotNull(policy);
        this.audit = Preconditions.CheckNotNull(audit);
        this.clock = Preconditions.CheckNotNull(clock);
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The intake as <paramref name="viewer"/> may see it, the decision recorded first.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="viewer">Who asks.</param>
    /// <param name="purpose">Why (e.g. <c>revisit call</c>); 1 to 200 characters, recorded in clear, so no personal data.</param>
    /// <param name="cancellationToken">Cancels before the record is written (then nothing is shown).</param>
    /// <returns>The intake, with name, contact, address and customer number masked unless the viewer may read them.</returns>
    /// <exception cref="ArgumentException">The ticket has not been registered, or the viewer's id or the purpose is blank or longer than 200 characters.</exception>
    public async ValueTask<TicketIntake> ViewAsync(Ticket ticket, Viewer viewer, string purpose, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(ticket);
        Preconditions.CheckNotNull(viewer);
        Preconditions.CheckArgument(!string.IsNullOrWhiteSpace(viewer.Id) && viewer.Id.Length <= 200, nameof(viewer), $"'{nameof(viewer)}.{nameof(Viewer.Id)}' must be 1 to 200 characters, not blank.");
        Preconditions.CheckArgument(!string.IsNullOrWhiteSpace(purpose) && purpose.Length <= 200, nameof(purpose), $"'{nameof(purpose)}' must be 1 to 200 characters, not blank.");
        var intake = ticket.Intake ?? throw new ArgumentException($"Ticket {ticket.Id} has not been registered.", nameof(ticket));
        var allowed = policy.MayReadPersonalData(ticket, viewer);
        var decision = allowed ? PersonalDataAccessDecision.Allowed : PersonalDataAccessDecision.Denied;
        await audit.RecordAccessAsync([new PersonalDataAccessRecord(Guid.NewGuid(), clock.GetCurrentInstant(), viewer.Id, purpose, PersonalDataAccessKind.View, decision, ticket.Id)], cancellationToken).ConfigureAwait(false);
        if (allowed)
        {
            return intake;
        }

        DeniedRead(logger, viewer.Id, ticket.Id, ticket.FeedbackNumber);
        return Mask(intake);
    }

    /// <summary>The intake with its personal data masked (for reports and exports).</summary>
    /// <param name="intake">The intake.</param>
    /// <returns>The masked intake.</returns>
    public static TicketIntake Mask(TicketIntake intake)
    {
        Preconditions.CheckNotNull(intake);
        return intake with
        {
            CustomerName = PersonalDataMasking.MaskName(intake.CustomerName),
            Contact = PersonalDataMasking.MaskContact(intake.Contact),
            Address = intake.Address is null ? null : PersonalDataMasking.MaskText(intake.Address),
            CustomerNumber = intake.CustomerNumber is null ? null : PersonalDataMasking.MaskText(intake.CustomerNumber),
        };
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "{Viewer} may not read the personal data of ticket {TicketId} ({FeedbackNumber}); it was shown masked")]
    private static partial void DeniedRead(ILogger logger, string viewer, TicketId ticketId, string feedbackNumber);
}
