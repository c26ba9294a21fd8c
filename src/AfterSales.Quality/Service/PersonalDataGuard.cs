using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace AfterSales.Quality.Service;

/// <summary>
/// Shows a ticket's personal data and free text to a viewer: in full when the access policy allows, masked otherwise. Every
/// decision — allowed or denied, with the viewer, the purpose, the ticket and the instant — is recorded in the audit
/// (<see cref="IPersonalDataAccessAudit"/>) before anything is returned, so no decrypted read goes unrecorded; a denied
/// read is logged too (ids, never the data). Three forms: <see cref="ViewAsync"/> (one intake), <see cref="ViewHistoryAsync"/>
/// (one ticket with every event — solution, replies, revisit notes, survey comments) and <see cref="AuthorizeReadAsync"/>
/// (many tickets at once, for statistics such as keyword counts: one audit record per ticket). Thread-safe.
/// </summary>
public sealed partial class PersonalDataGuard
{
    /// <summary>What a free text (description, solution, reply, revisit note, survey comment …) reads as when the viewer may not read it: <c>[withheld]</c>.</summary>
    public const string Withheld = "[withheld]";

    /// <summary>How many audit records a bulk read writes per call to the audit (each call all or none).</summary>
    internal const int RecordChunk = 10_000;

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
    /// <returns>The intake, masked (<see cref="Mask(TicketIntake)"/>) unless the viewer may read it.</returns>
    /// <exception cref="ArgumentException">The ticket has not been registered, or the viewer's id or the purpose is blank or longer than 200 characters.</exception>
    public async ValueTask<TicketIntake> ViewAsync(Ticket ticket, Viewer viewer, string purpose, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(ticket);
        CheckViewer(viewer, nameof(viewer));
        CheckPurpose(purpose);
        var intake = ticket.Intake ?? throw new ArgumentException($"Ticket {ticket.Id} has not been registered.", nameof(ticket));
        var allowed = policy.MayReadPersonalData(ticket, viewer);
        await RecordAsync(Guid.NewGuid(), viewer, purpose, PersonalDataAccessKind.View, [(ticket.Id, allowed)], cancellationToken).ConfigureAwait(false);
        if (allowed)
        {
            return intake;
        }

        DeniedRead(logger, viewer.Id, ticket.Id, ticket.FeedbackNumber);
        return Mask(intake);
    }

    /// <summary>
    /// One ticket with its whole history as <paramref name="viewer"/> may see it, the decision recorded first (kind
    /// <see cref="PersonalDataAccessKind.View"/>): unchanged when the policy allows; otherwise every event masked
    /// (<see cref="Mask(TicketEvent)"/>: name, contact, address and customer number masked, every free text
    /// <see cref="Withheld"/>) and the ticket replayed from the masked events, so its <see cref="Ticket.Solution"/>,
    /// <see cref="Ticket.LastSurvey"/> and intake hold no free text either. A ticket whose customer data was erased shows
    /// <see cref="PersonalDataErased.Placeholder"/> for every personal value, even read from a store that kept free text in clear.
    /// Use it for any screen or API answer that shows more than the intake.
    /// </summary>
    /// <param name="history">The ticket's events as the store reads them (<see cref="TicketService.GetHistoryAsync"/>), oldest first, starting with the registration.</param>
    /// <param name="viewer">Who asks.</param>
    /// <param name="purpose">Why (e.g. <c>ticket screen</c>); 1 to 200 characters, recorded in clear, so no personal data.</param>
    /// <param name="cancellationToken">Cancels before the record is written (then nothing is shown).</param>
    /// <returns>The view: the decision, its audit access id, the ticket and the events as the viewer may see them.</returns>
    /// <exception cref="ArgumentException">The history is empty, holds a null entry or events of several tickets, or does not start with the registration; or the viewer's id or the purpose is blank or longer than 200 characters.</exception>
    public async ValueTask<PersonalDataView> ViewHistoryAsync(IReadOnlyList<RecordedEvent> history, Viewer viewer, string purpose, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(history);
        Preconditions.CheckArgument(history.Count > 0, nameof(history), $"'{nameof(history)}' must hold the ticket's events, starting with its registration; it is empty.");
        for (var i = 0; i < history.Count; i++)
        {
            Preconditions.CheckArgument(history[i]?.Event is not null, nameof(history), $"'{nameof(history)}[{i}]' is null.");
            Preconditions.CheckArgument(history[i].Event.TicketId == history[0].Event.TicketId, nameof(history), $"'{nameof(history)}[{i}]' belongs to ticket {history[i].Event.TicketId}, not {history[0].Event.TicketId}.");
        }

        Preconditions.CheckArgument(history[0].Event is TicketRegistered, nameof(history), $"'{nameof(history)}[0]' must be the ticket's registration; it is {history[0].Event.GetType().Name}.");
        CheckViewer(viewer, nameof(viewer));
        CheckPurpose(purpose);
        var id = history[0].Event.TicketId;
        if (history.Any(e => e.Event is PersonalDataErased))
        {
            // The shredding stores already read erased values as the placeholder; a store that keeps free text in clear does not.
            history = [.. history.Select(r => r with { Event = CustomerDataEncryption.Map(r.Event, (_, _) => PersonalDataErased.Placeholder) })];
        }

        var ticket = Ticket.Replay(id, history.Select(e => e.Event));
        var allowed = policy.MayReadPersonalData(ticket, viewer);
        var accessId = Guid.NewGuid();
        await RecordAsync(accessId, viewer, purpose, PersonalDataAccessKind.View, [(id, allowed)], cancellationToken).ConfigureAwait(false);
        if (allowed)
        {
            return new PersonalDataView(accessId, PersonalDataAccessDecision.Allowed, ticket, history);
        }

        DeniedRead(logger, viewer.Id, id, ticket.FeedbackNumber);
        RecordedEvent[] masked = [.. history.Select(r => r with { Event = Mask(r.Event) })];
        return new PersonalDataView(accessId, PersonalDataAccessDecision.Denied, Ticket.Replay(id, masked.Select(e => e.Event)), masked);
    }

    /// <summary>
    /// Decides, ticket by ticket, whose free text and personal data <paramref name="reader"/> may read for
    /// <paramref name="purpose"/> — keyword statistics, a KPI computed from text, a list screen — and records every decision
    /// before returning: one <see cref="PersonalDataAccessRecord"/> per ticket, all with the grant's
    /// <see cref="PersonalDataReadGrant.AccessId"/>, written in calls of up to 10 000 records (each all or none; a failure
    /// part-way leaves records of reads that then do not happen, never a read without its record). Read the text through
    /// the grant (<see cref="PersonalDataReadGrant.Reveal(TicketEvent)"/>): the text of a ticket the policy denies, or
    /// the grant did not decide, is <see cref="Withheld"/>. One record per ticket, not one per batch, so the audit answers a
    /// customer's question "who read my data" (<see cref="IPersonalDataAccessAudit.ListAccessesAsync"/> by ticket); the cost
    /// is one audit row per ticket read.
    /// </summary>
    /// <param name="tickets">The tickets whose text is to be read (their current state decides; each registered, each once). Empty: nothing is recorded.</param>
    /// <param name="reader">Who reads (a person, or the service account of a report job).</param>
    /// <param name="purpose">Why (e.g. <c>quality report 2024-Q1: keywords</c>); 1 to 200 characters, recorded in clear, so no personal data.</param>
    /// <param name="kind"><see cref="PersonalDataAccessKind.Statistics"/> (the default) for text aggregated into statistics, <see cref="PersonalDataAccessKind.View"/> for text shown.</param>
    /// <param name="cancellationToken">Cancels before the records are written (then nothing may be read).</param>
    /// <returns>The grant.</returns>
    /// <exception cref="ArgumentException">A ticket is null, not registered or listed twice; the reader's id or the purpose is blank or longer than 200 characters; or the kind is not View or Statistics.</exception>
    public async ValueTask<PersonalDataReadGrant> AuthorizeReadAsync(IReadOnlyCollection<Ticket> tickets, Viewer reader, string purpose, PersonalDataAccessKind kind = PersonalDataAccessKind.Statistics, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(tickets);
        CheckViewer(reader, nameof(reader));
        CheckPurpose(purpose);
        Preconditions.CheckArgument(kind is PersonalDataAccessKind.View or PersonalDataAccessKind.Statistics, nameof(kind), $"'{nameof(kind)}' must be View or Statistics (exports go through CustomerDataExporter); it was {kind}.");
        var decisions = new List<(TicketId TicketId, bool Allowed)>(tickets.Count);
        var seen = new HashSet<TicketId>();
        var index = 0;
        foreach (var ticket in tickets)
        {
            Preconditions.CheckArgument(ticket is not null, nameof(tickets), $"'{nameof(tickets)}[{index}]' is null.");
            Preconditions.CheckArgument(ticket.Intake is not null, nameof(tickets), $"'{nameof(tickets)}[{index}]' (ticket {ticket.Id}) has not been registered.");
            Preconditions.CheckArgument(seen.Add(ticket.Id), nameof(tickets), $"'{nameof(tickets)}[{index}]': ticket {ticket.Id} is listed twice.");
            decisions.Add((ticket.Id, policy.MayReadPersonalData(ticket, reader)));
            index++;
        }

        var accessId = Guid.NewGuid();
        if (decisions.Count > 0)
        {
            await RecordAsync(accessId, reader, purpose, kind, decisions, cancellationToken).ConfigureAwait(false);
        }

        var grant = new PersonalDataReadGrant(accessId, reader.Id, purpose, kind,
            [.. decisions.Where(d => d.Allowed).Select(d => d.TicketId)], [.. decisions.Where(d => !d.Allowed).Select(d => d.TicketId)]);
        if (grant.Denied.Count > 0)
        {
            DeniedBulkRead(logger, reader.Id, grant.Denied.Count, decisions.Count, purpose, accessId);
        }

        return grant;
    }

    /// <summary>
    /// The intake with its personal data masked (for reports and exports): name, contact, address and customer number
    /// masked (<see cref="PersonalDataMasking"/>), description, expectation and what was tried <see cref="Withheld"/>
    /// (a phone number typed into a description is personal data too). Values already erased stay
    /// <see cref="PersonalDataErased.Placeholder"/>.
    /// </summary>
    /// <param name="intake">The intake.</param>
    /// <returns>The masked intake.</returns>
    public static TicketIntake Mask(TicketIntake intake)
    {
        Preconditions.CheckNotNull(intake);
        string? M(string field, string? value) => value is null ? null : MaskValue(field, value);
        return intake with
        {
            CustomerName = MaskValue(nameof(TicketIntake.CustomerName), intake.CustomerName),
            Contact = MaskValue(nameof(TicketIntake.Contact), intake.Contact),
            Address = M(nameof(TicketIntake.Address), intake.Address),
            CustomerNumber = M(nameof(TicketIntake.CustomerNumber), intake.CustomerNumber),
            Description = MaskValue(nameof(TicketIntake.Description), intake.Description),
            CustomerExpectation = M(nameof(TicketIntake.CustomerExpectation), intake.CustomerExpectation),
            AlreadyTried = M(nameof(TicketIntake.AlreadyTried), intake.AlreadyTried),
        };
    }

    /// <summary>
    /// An event with its personal data masked and its free text <see cref="Withheld"/>: the registration as
    /// <see cref="Mask(TicketIntake)"/>, and the reply summary, solution, resources used, revisit notes and suggestions and
    /// survey comment withheld — every value the shredding stores encrypt. Other events are returned as they are.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <returns>The masked event.</returns>
    public static TicketEvent Mask(TicketEvent e)
    {
        Preconditions.CheckNotNull(e);
        return CustomerDataEncryption.Map(e, MaskValue);
    }

    private static string MaskValue(string field, string value) => value.Length == 0 || value == PersonalDataErased.Placeholder ? value : field switch
    {
        nameof(TicketIntake.CustomerName) => PersonalDataMasking.MaskName(value),
        nameof(TicketIntake.Contact) => PersonalDataMasking.MaskContact(value),
        nameof(TicketIntake.Address) or nameof(TicketIntake.CustomerNumber) => PersonalDataMasking.MaskText(value),
        _ => Withheld,
    };

    private async ValueTask RecordAsync(Guid accessId, Viewer viewer, string purpose, PersonalDataAccessKind kind, IReadOnlyList<(TicketId TicketId, bool Allowed)> decisions, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        for (var offset = 0; offset < decisions.Count; offset += RecordChunk)
        {
            var count = Math.Min(RecordChunk, decisions.Count - offset);
            var records = new PersonalDataAccessRecord[count];
            for (var i = 0; i < count; i++)
            {
                var (ticketId, allowed) = decisions[offset + i];
                records[i] = new PersonalDataAccessRecord(accessId, now, viewer.Id, purpose, kind, allowed ? PersonalDataAccessDecision.Allowed : PersonalDataAccessDecision.Denied, ticketId);
            }

            await audit.RecordAccessAsync(records, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void CheckViewer(Viewer viewer, string paramName)
    {
        Preconditions.CheckNotNull(viewer, paramName);
        Preconditions.CheckArgument(!string.IsNullOrWhiteSpace(viewer.Id) && viewer.Id.Length <= 200, paramName, $"'{paramName}.{nameof(Viewer.Id)}' must be 1 to 200 characters, not blank.");
        Preconditions.CheckArgument(viewer.Roles is not null, paramName, $"'{paramName}.{nameof(Viewer.Roles)}' must be a set (empty for none).");
    }

    private static void CheckPurpose(string purpose) =>
        Preconditions.CheckArgument(!string.IsNullOrWhiteSpace(purpose) && purpose.Length <= 200, nameof(purpose), $"'{nameof(purpose)}' must be 1 to 200 characters, not blank.");

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "{Viewer} may not read the personal data of ticket {TicketId} ({FeedbackNumber}); it was shown masked")]
    private static partial void DeniedRead(ILogger logger, string viewer, TicketId ticketId, string feedbackNumber);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Reader} may not read the free text of {Denied} of {Tickets} tickets for '{Purpose}' (access {AccessId}); it was withheld")]
    private static partial void DeniedBulkRead(ILogger logger, string reader, int denied, int tickets, string purpose, Guid accessId);
}

/// <summary>One ticket as a viewer may see it (<see cref="PersonalDataGuard.ViewHistoryAsync"/>).</summary>
/// <param name="AccessId">The id of the audit record of this view.</param>
/// <param name="Decision">What the policy decided: <see cref="PersonalDataAccessDecision.Denied"/> means everything personal is masked.</param>
/// <param name="Ticket">The ticket's state, replayed from <paramref name="Events"/>.</param>
/// <param name="Events">The history, oldest first, masked when denied.</param>
public sealed record PersonalDataView(Guid AccessId, PersonalDataAccessDecision Decision, Ticket Ticket, IReadOnlyList<RecordedEvent> Events);

/// <summary>
/// What <see cref="PersonalDataGuard.AuthorizeReadAsync"/> decided for many tickets, every decision already recorded: read
/// free text through it. A ticket it did not decide is treated as denied. Immutable, thread-safe.
/// </summary>
public sealed class PersonalDataReadGrant
{
    private readonly HashSet<TicketId> allowed;
    private readonly HashSet<TicketId> denied;

    internal PersonalDataReadGrant(Guid accessId, string reader, string purpose, PersonalDataAccessKind kind, HashSet<TicketId> allowed, HashSet<TicketId> denied)
    {
        AccessId = accessId;
        Reader = reader;
        Purpose = purpose;
        Kind = kind;
        this.allowed = allowed;
        this.denied = denied;
    }

    /// <summary>The access id of the audit records (one per ticket).</summary>
    public Guid AccessId { get; }

    /// <summary>Who reads (the reader's id).</summary>
    public string Reader { get; }

    /// <summary>Why, as recorded.</summary>
    public string Purpose { get; }

    /// <summary>The kind recorded (<see cref="PersonalDataAccessKind.Statistics"/> or <see cref="PersonalDataAccessKind.View"/>).</summary>
    public PersonalDataAccessKind Kind { get; }

    /// <summary>The tickets whose text may be read.</summary>
    public IReadOnlySet<TicketId> Allowed => allowed;

    /// <summary>The tickets the policy refused.</summary>
    public IReadOnlySet<TicketId> Denied => denied;

    /// <summary>Whether the text of a ticket may be read (false for a ticket the grant did not decide).</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool IsAllowed(TicketId ticketId) => allowed.Contains(ticketId);

    /// <summary>An event as the reader may see it: unchanged when allowed, masked otherwise (<see cref="PersonalDataGuard.Mask(TicketEvent)"/>).</summary>
    /// <param name="e">The event.</param>
    /// <returns>The event.</returns>
    public TicketEvent Reveal(TicketEvent e)
    {
        Preconditions.CheckNotNull(e);
        return IsAllowed(e.TicketId) ? e : PersonalDataGuard.Mask(e);
    }

    /// <summary>A free text of a ticket as the reader may see it: the text when allowed, <see cref="PersonalDataGuard.Withheld"/> otherwise; null stays null.</summary>
    /// <param name="ticketId">The ticket the text belongs to.</param>
    /// <param name="text">The text.</param>
    /// <returns>The text, or the withheld marker.</returns>
    public string? Reveal(TicketId ticketId, string? text) => text is null ? null : IsAllowed(ticketId) ? text : PersonalDataGuard.Withheld;
}
