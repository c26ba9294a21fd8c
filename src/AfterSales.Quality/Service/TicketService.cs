using System.Diagnostics;
using System.Diagnostics.Metrics;
using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.Calendars;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace AfterSales.Quality.Service;

/// <summary>The outcome of a command.</summary>
/// <param name="Ticket">The ticket after the command.</param>
/// <param name="NewEvents">The events the command appended (empty for an idempotent retry).</param>
/// <param name="AlreadyApplied">Whether the command id had been applied before, so nothing was appended.</param>
public sealed record TicketCommandResult(Ticket Ticket, IReadOnlyList<RecordedEvent> NewEvents, bool AlreadyApplied);

/// <summary>
/// The entry point for CRM code: executes ticket commands against a store. For each command it
/// reads the ticket's stream, replays it, decides (validation, lifecycle, rules), and appends the
/// new events with the expected version. A retried command (same <see cref="TicketCommand.CommandId"/>)
/// appends nothing; a concurrent writer gets a <see cref="TicketConcurrencyException"/>.
/// Thread-safe: one instance serves the whole application. Each command is traced as an
/// activity of <see cref="QualityTelemetry.Name"/> and counted on its meter (<see cref="QualityMetrics"/>); log messages carry
/// ids and numbers, never the customer's personal data.
/// </summary>
public sealed class TicketService
{
    private readonly ITicketStore store;
    private readonly IClock clock;
    private readonly DocumentNumberGenerator numbers;
    private readonly ILogger logger;
    private readonly ICommandRetryStrategy? retry;
    private readonly QualityMetrics metrics;
    private volatile TicketServiceOptions options;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="sequences">Where daily number sequences are kept (usually the same store).</param>
    /// <param name="clock">The clock; inject a fake clock in tests.</param>
    /// <param name="options">The rules; defaults to the guides when null. Validated here.</param>
    /// <param name="logger">Where to log; nothing is logged when null.</param>
    /// <param name="slaPolicies">
    /// The SLA policies <see cref="GetSlaAsync"/> evaluates; validated here. Null keeps
    /// <see cref="SlaPolicySet.Default"/> on a 24×7 calendar in the numbering zone (the desk's zone),
    /// never UTC by accident; pass the desk's business calendar with <see cref="SlaPolicySet.WithCalendar"/>.
    /// </param>
    /// <param name="retry">
    /// Runs each command and read again after a transient store failure (with the same command id, so a command
    /// that committed before the failure is applied once); null runs each once and lets the failure reach the caller.
    /// </param>
    /// <param name="metrics">
    /// The instruments commands are counted on: with DI, the host's (<see cref="IMeterFactory"/>); null records on
    /// <see cref="QualityMetrics.Shared"/>.
    /// </param>
    /// <exception cref="QualityValidationException">The options or the SLA policies are invalid; the message names every bad setting.</exception>
    public TicketService(ITicketStore store, ISequenceStore sequences, IClock clock, TicketServiceOptions? options = null, ILogger<TicketService>? logger = null, SlaPolicySet? slaPolicies = null, ICommandRetryStrategy? retry = null, QualityMetrics? metrics = null)
    {
        this.retry = retry;
        this.metrics = metrics ?? QualityMetrics.Shared;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        this.store = Preconditions.CheckNotNull(store);
        Preconditions.CheckNotNull(sequences);
        this.clock = Preconditions.CheckNotNull(clock);
        var rules = options ?? new TicketServiceOptions();
        rules.Validate();
        this.options = rules;
        numbers = new DocumentNumberGenerator(sequences, rules.Numbering);
        SlaPolicies = slaPolicies ?? SlaPolicySet.Default.WithCalendar(SlaPolicySet.DefaultCalendarName, BusinessCalendar.TwentyFourSeven(Options.Numbering.TimeZone));
        SlaPolicies.Validate();
    }

    /// <summary>The rules in force (replaced whole by <see cref="ReplaceRules"/>; treat the instance as read-only).</summary>
    public TicketServiceOptions Options => options;

    /// <summary>
    /// Replaces the rules later commands are decided by — the priority rules, the routing table, the revisit and
    /// negative-feedback rules and <see cref="TicketServiceOptions.AllowClosureBySource"/> — without a restart: a command
    /// already running finishes under the rules it started with, the next one takes the new rules, and tickets already
    /// triaged keep their priority and route. The numbering stays the one the service was created with (its formats and
    /// zone date the daily sequences: a change needs a restart); <paramref name="rules"/>'s numbering is not read.
    /// With dependency injection a configuration change calls this (see the README's "Conventions").
    /// </summary>
    /// <param name="rules">The new rules; validated, and copied (later changes to the instance do not apply).</param>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> is null.</exception>
    /// <exception cref="QualityValidationException">The rules are invalid; the message names every bad setting, and the rules in force stay.</exception>
    public void ReplaceRules(TicketServiceOptions rules)
    {
        Preconditions.CheckNotNull(rules);
        var replacement = new TicketServiceOptions
        {
            PriorityRules = rules.PriorityRules,
            Routing = rules.Routing,
            Revisit = rules.Revisit,
            NegativeFeedback = rules.NegativeFeedback,
            AllowClosureBySource = rules.AllowClosureBySource,
            Numbering = options.Numbering,
        };
        replacement.Validate();
        options = replacement;
    }

    /// <summary>The SLA policies and calendars <see cref="GetSlaAsync"/> evaluates.</summary>
    public SlaPolicySet SlaPolicies { get; }

    /// <summary>
    /// A ticket's SLA now, in one call: every clock that applies (ticket level and per cycle) with its
    /// policy, target, state, due instant, remaining working time, elapsed share, breach instant and,
    /// for a paused clock, when it would be due if it resumed now. Computed from the ticket's history on
    /// <see cref="SlaPolicies"/>; a clock computed across dates its calendar's holiday data does not
    /// cover (a calendar set to warn) is flagged and logged as a warning.
    /// </summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ticket's SLA, evaluated at the clock's current instant.</returns>
    /// <exception cref="TicketNotFoundException">The ticket does not exist.</exception>
    /// <exception cref="CalendarCoverageException">A clock reaches a date its (dated) calendar does not cover.</exception>
    public async Task<TicketSla> GetSlaAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        var stream = await ReadStreamAsync(ticketId, cancellationToken).ConfigureAwait(false);
        if (!stream.Exists)
        {
            throw new TicketNotFoundException(ticketId);
        }

        var sla = SlaClock.Evaluate([.. stream.Events.Select(e => e.Event)], SlaPolicies, clock.GetCurrentInstant());
        foreach (var target in sla.Targets.Where(t => t.OutsideCalendarCoverage))
        {
            TicketServiceLog.SlaOutsideCalendarCoverage(logger, ticketId, target.Kind, target.Cycle, target.Calendar);
        }

        return sla;
    }

    /// <summary>Executes a command.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the call; nothing is appended once cancelled before the append.</param>
    /// <returns>The ticket after the command and the events appended.</returns>
    /// <exception cref="QualityValidationException">The command has a missing or malformed field (named in the message).</exception>
    /// <exception cref="TicketNotFoundException">The ticket does not exist.</exception>
    /// <exception cref="IllegalTicketCommandException">The command is not permitted in the ticket's state.</exception>
    /// <exception cref="TicketRuleViolationException">The command breaks a rule of the guides.</exception>
    /// <exception cref="TicketConcurrencyException">Another writer changed the ticket since it was read.</exception>
    /// <exception cref="AfterSales.Quality.Storage.TicketStoreUnavailableException">
    /// The store could not complete a call (<see cref="AfterSales.Quality.Storage.TicketStoreUnavailableException.IsTransient"/> says whether
    /// a retry soon may succeed). The command may have committed: retry with the same <see cref="TicketCommand.CommandId"/>,
    /// which applies it once (a command already applied returns <see cref="TicketCommandResult.AlreadyApplied"/>).
    /// </exception>
    public async Task<TicketCommandResult> ExecuteAsync(TicketCommand command, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(command);
        var name = command.GetType().Name;
        using var activity = QualityTelemetry.Source.StartActivity($"ticket {name}", ActivityKind.Internal);
        activity?.SetTag("aftersales.ticket.id", command.TicketId.ToString());
        activity?.SetTag("aftersales.command", name);
        try
        {
            var result = retry is null
                ? await ExecuteCoreAsync(command, cancellationToken).ConfigureAwait(false)
                : await retry.ExecuteAsync(attemptToken => new ValueTask<TicketCommandResult>(ExecuteCoreAsync(command, attemptToken)), cancellationToken).ConfigureAwait(false);
            var outcome = result.AlreadyApplied ? "duplicate" : "applied";
            metrics.Commands.Add(1, new("command", name), new("outcome", outcome));
            activity?.SetTag("aftersales.outcome", outcome);
            if (result.AlreadyApplied)
            {
                TicketServiceLog.CommandAlreadyApplied(logger, command.TicketId, name, command.CommandId);
                return result;
            }

            foreach (var e in result.NewEvents)
            {
                switch (e.Event)
                {
                    case TicketRegistered registered:
                        metrics.Registered.Add(1, new KeyValuePair<string, object?>("channel", registered.Intake.Channel.Name));
                        TicketServiceLog.TicketRegistered(logger, command.TicketId, registered.FeedbackNumber, registered.Intake.Channel.Name);
                        break;
                    case TicketResolved:
                        metrics.Resolved.Add(1, new KeyValuePair<string, object?>("priority", result.Ticket.Priority?.ToString()));
                        break;
                }
            }

            TicketServiceLog.CommandApplied(logger, command.TicketId, name, result.NewEvents.Count, result.Ticket.State, result.Ticket.Version);
            return result;
        }
        catch (TicketConcurrencyException ex)
        {
            metrics.Commands.Add(1, new("command", name), new("outcome", "conflict"));
            activity?.SetStatus(ActivityStatusCode.Error, "conflict");
            TicketServiceLog.CommandConflict(logger, command.TicketId, name, ex.ExpectedVersion);
            throw;
        }
        catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException or TicketNotFoundException or CommandIdConflictException)
        {
            metrics.Commands.Add(1, new("command", name), new("outcome", "rejected"));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            TicketServiceLog.CommandRefused(logger, command.TicketId, name, ex.Message);
            throw;
        }
    }

    private async Task<TicketCommandResult> ExecuteCoreAsync(TicketCommand command, CancellationToken cancellationToken)
    {
        var rules = options; // one set of rules for the whole command, even when ReplaceRules runs meanwhile
        var stream = await store.ReadStreamAsync(command.TicketId, cancellationToken).ConfigureAwait(false);
        var holder = store as ITicketStateHolder;
        var ticket = holder?.FindState(command.TicketId, stream.Version) is { } held && held.Id == command.TicketId && held.Version == stream.Version
            ? held
            : Ticket.Replay(command.TicketId, stream.Events.Select(e => e.Event));
        var fingerprint = CommandFingerprint.Of(command);
        if (ticket.ProcessedCommandIds.Contains(command.CommandId))
        {
            // Command ids are unique per ticket: the same id must carry the same command.
            var recordedFingerprint = stream.Events.Select(e => e.Event).First(e => e.CommandId == command.CommandId).CommandFingerprint;
            if (recordedFingerprint is not null && recordedFingerprint != fingerprint)
            {
                throw new CommandIdConflictException(command.TicketId, command.CommandId, recordedFingerprint, fingerprint);
            }

            if (command is EraseCustomerData retriedErasure)
            {
                await FinishErasureAsync(retriedErasure, cancellationToken).ConfigureAwait(false);
            }

            return new TicketCommandResult(ticket, [], AlreadyApplied: true);
        }

        var now = clock.GetCurrentInstant();
        string? number = null;
        if (command is RegisterTicket or RecordRevisit)
        {
            // Check first, so a refused command does not consume a number.
            TicketDecider.Check(ticket, command, now, rules);
            number = command is RegisterTicket register
                ? await numbers.NextAsync(DocumentKind.Feedback, register.Intake.ReceivedAt, cancellationToken).ConfigureAwait(false)
                : rules.Numbering.RevisitDatedBy == RevisitNumberDate.FeedbackDate
                    ? RevisitNumbers.FromFeedbackNumber(rules.Numbering, ticket.FeedbackNumber, ticket.ResolutionCycle)
                    : await numbers.NextAsync(DocumentKind.Revisit, now, cancellationToken).ConfigureAwait(false);
        }

        if (command is MarkDuplicate duplicate && store is IFeedbackNumberLookup lookup)
        {
            // Legal in this state first (no read for a refused command), then the number must be another ticket's.
            TicketDecider.Check(ticket, command, now, rules);
            var original = await lookup.FindByFeedbackNumberAsync(duplicate.DuplicateOf, cancellationToken).ConfigureAwait(false);
            if (original is null || original == command.TicketId)
            {
                throw new QualityValidationException(nameof(MarkDuplicate), [new ValidationError(nameof(MarkDuplicate.DuplicateOf), original is null
                    ? $"'{duplicate.DuplicateOf}' is not the feedback number of any ticket."
                    : $"'{duplicate.DuplicateOf}' is this ticket's own feedback number; a ticket cannot duplicate itself.")]);
            }
        }

        var events = TicketDecider.Decide(ticket, command, now, rules, number).Select(e => e with { CommandFingerprint = fingerprint }).ToArray();
        if (command is EraseCustomerData requested && (store as ICustomerKeyHolder)?.CustomerKeys is { } keys)
        {
            // Requested before anything else: from here on no read shows the data, and a crash is resumed by ResumeErasuresAsync.
            await keys.RequestErasureAsync(new ErasureRequest(command.TicketId, command.CommandId, command.Actor, requested.Reason, now, ErasureStage.Requested), cancellationToken).ConfigureAwait(false);
        }

        var recorded = await store.AppendAsync(command.TicketId, ticket.Version, events, cancellationToken).ConfigureAwait(false);
        if (command is EraseCustomerData erasure)
        {
            // The erasure is recorded first; a retry of the same command completes the rewrite if this fails.
            await FinishErasureAsync(erasure, cancellationToken).ConfigureAwait(false);
        }

        foreach (var e in events)
        {
            ticket = ticket.Apply(e);
        }

        holder?.HoldState(ticket);
        return new TicketCommandResult(ticket, recorded, AlreadyApplied: false);
    }

    /// <summary>
    /// Resumes every erasure a crash or a failure interrupted (requested, or keys destroyed, but not
    /// done): each is replayed with its own command id, so the <see cref="PersonalDataErased"/> event is
    /// appended once, the data key destroyed and the stored events' personal data overwritten. Call it at start-up
    /// (the DI package's hosted service does, before the host reports started). Sets the <see cref="QualityTelemetry.PendingErasures"/> gauge. Does nothing for stores without customer keys.
    /// </summary>
    /// <param name="cancellationToken">Cancels between erasures (a half-done one is resumed next time).</param>
    /// <returns>How many erasures were resumed.</returns>
    public async Task<int> ResumeErasuresAsync(CancellationToken cancellationToken = default)
    {
        if ((store as ICustomerKeyHolder)?.CustomerKeys is not { } keys)
        {
            return 0;
        }

        var pending = await keys.ListPendingErasuresAsync(cancellationToken).ConfigureAwait(false);
        QualityTelemetry.SetPendingErasures(keys, pending.Count);
        var left = pending.Count;
        foreach (var request in pending)
        {
            await ExecuteAsync(new EraseCustomerData { TicketId = request.TicketId, CommandId = request.CommandId, Actor = request.Actor, Reason = request.Reason }, cancellationToken).ConfigureAwait(false);
            QualityTelemetry.SetPendingErasures(keys, --left);
        }

        return pending.Count;
    }

    /// <summary>
    /// Erases a customer: every ticket registered with <paramref name="customerNumber"/> (<see cref="EraseCustomerData"/> on
    /// each, with its own command id). Every command is checked first, then the erasure of every ticket is requested in the
    /// key store before the first is carried out, so from then on none of the customer's tickets shows the data, and a crash
    /// leaves pending requests that <see cref="ResumeErasuresAsync"/> finishes. A store without customer keys erases ticket by
    /// ticket; a failure then leaves the rest to a retry, which finds only the tickets not erased yet.
    /// </summary>
    /// <param name="customerNumber">The customer's number, compared exactly. Found through the store's blind index (<see cref="ICustomerNumberLookup"/>) when it offers one, otherwise by reading the registrations of the whole feed (customer numbers are stored encrypted).</param>
    /// <param name="actor">Who asks (e.g. the data-protection officer).</param>
    /// <param name="reason">The request's reference, recorded with each erasure.</param>
    /// <param name="cancellationToken">Cancels between tickets (requested erasures are finished by <see cref="ResumeErasuresAsync"/>).</param>
    /// <returns>The tickets erased, in registration order; empty when no stored ticket has the number (erased tickets' numbers do not match).</returns>
    /// <exception cref="QualityValidationException">The customer number, the actor or the reason is missing or malformed (named in the message).</exception>
    public async Task<IReadOnlyList<TicketId>> EraseCustomerAsync(string customerNumber, string actor, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(customerNumber) || customerNumber == PersonalDataErased.Placeholder)
        {
            throw new QualityValidationException(nameof(EraseCustomerAsync), [new ValidationError(nameof(customerNumber), "is required: the customer's number (not the erasure placeholder).")]);
        }

        // The actor and the reason are checked before the search, so a bad request is refused even when no ticket matches.
        TicketDecider.CheckShape(new EraseCustomerData { TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = actor, Reason = reason }, clock.GetCurrentInstant(), Options);
        var tickets = await CustomerTickets.FindAsync(store, customerNumber, cancellationToken).ConfigureAwait(false);
        return await EraseTicketsAsync(tickets, actor, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Erases the customer of a ticket: that ticket and every other ticket registered with its customer number, as
    /// <see cref="EraseCustomerAsync(string, string, string, CancellationToken)"/> does (every command checked first, every
    /// erasure requested in the key store before the first is carried out). For when the request names a ticket (the
    /// customer called about it) rather than the customer number. A ticket without a customer number is erased alone: no
    /// other ticket can be attributed to its customer. A ticket already erased no longer has a number to match, so only the
    /// ticket itself is erased again (one more <see cref="PersonalDataErased"/> event; its key is already gone): erase by
    /// number, or by a ticket not yet erased, to reach the rest.
    /// </summary>
    /// <param name="ticketId">One of the customer's tickets.</param>
    /// <param name="actor">Who asks (e.g. the data-protection officer).</param>
    /// <param name="reason">The request's reference, recorded with each erasure.</param>
    /// <param name="cancellationToken">Cancels between tickets (requested erasures are finished by <see cref="ResumeErasuresAsync"/>).</param>
    /// <returns>The tickets erased, in registration order, <paramref name="ticketId"/> among them.</returns>
    /// <exception cref="QualityValidationException">The ticket id is empty, or the actor or the reason is missing or malformed (named in the message).</exception>
    /// <exception cref="TicketNotFoundException">The ticket does not exist.</exception>
    public async Task<IReadOnlyList<TicketId>> EraseCustomerAsync(TicketId ticketId, string actor, string reason, CancellationToken cancellationToken = default)
    {
        if (ticketId.IsEmpty)
        {
            throw new QualityValidationException(nameof(EraseCustomerAsync), [new ValidationError(nameof(ticketId), "is required: one of the customer's tickets (not the empty id).")]);
        }

        var stream = await ReadStreamAsync(ticketId, cancellationToken).ConfigureAwait(false);
        if (!stream.Exists)
        {
            throw new TicketNotFoundException(ticketId);
        }

        var customerNumber = Ticket.Replay(ticketId, stream.Events.Select(e => e.Event)).Intake?.CustomerNumber;
        List<TicketId> tickets = customerNumber is null || customerNumber == PersonalDataErased.Placeholder
            ? [ticketId]
            : await CustomerTickets.FindAsync(store, customerNumber, cancellationToken).ConfigureAwait(false);
        if (!tickets.Contains(ticketId))
        {
            tickets.Insert(0, ticketId);
        }

        return await EraseTicketsAsync(tickets, actor, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<TicketId>> EraseTicketsAsync(List<TicketId> tickets, string actor, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var commands = new List<EraseCustomerData>(tickets.Count);
        foreach (var id in tickets)
        {
            var command = new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = actor, Reason = reason };
            var stream = await ReadStreamAsync(id, cancellationToken).ConfigureAwait(false);
            TicketDecider.Check(Ticket.Replay(id, stream.Events.Select(e => e.Event)), command, now, Options);
            commands.Add(command);
        }

        if ((store as ICustomerKeyHolder)?.CustomerKeys is { } keys)
        {
            foreach (var command in commands)
            {
                await keys.RequestErasureAsync(new ErasureRequest(command.TicketId, command.CommandId, command.Actor, command.Reason, now, ErasureStage.Requested), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var command in commands)
        {
            await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }

        return tickets;
    }

    /// <summary>
    /// How many erasure requests are not done (requested, or keys destroyed, but interrupted before the end), and the
    /// <see cref="QualityTelemetry.PendingErasures"/> gauge set to it. One indexed query; 0 for stores without customer keys.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of pending erasures.</returns>
    public async Task<int> CountPendingErasuresAsync(CancellationToken cancellationToken = default)
    {
        if ((store as ICustomerKeyHolder)?.CustomerKeys is not { } keys)
        {
            return 0;
        }

        var pending = (await keys.ListPendingErasuresAsync(cancellationToken).ConfigureAwait(false)).Count;
        QualityTelemetry.SetPendingErasures(keys, pending);
        return pending;
    }

    /// <summary>
    /// The archive name of a ticket (customer number + feedback date + problem type, see
    /// <see cref="Ticket.ArchiveName"/>), dated in the numbering zone (the desk's zone).
    /// </summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns>The name, or null while the ticket has no customer number or no category.</returns>
    public string? ArchiveNameOf(Ticket ticket) => Preconditions.CheckNotNull(ticket).ArchiveName(Options.Numbering.TimeZone);

    private async Task FinishErasureAsync(EraseCustomerData command, CancellationToken cancellationToken)
    {
        var keys = (store as ICustomerKeyHolder)?.CustomerKeys;
        if (keys is not null)
        {
            // An erasure recorded before the store had keys has no request yet: make one, so the key is never used again.
            await keys.RequestErasureAsync(new ErasureRequest(command.TicketId, command.CommandId, command.Actor, command.Reason, clock.GetCurrentInstant(), ErasureStage.Requested), cancellationToken).ConfigureAwait(false);
            await keys.DestroyKeyAsync(command.TicketId, cancellationToken).ConfigureAwait(false);
        }

        if (store is IPersonalDataEraser eraser)
        {
            await eraser.ErasePersonalDataAsync(command.TicketId, cancellationToken).ConfigureAwait(false);
        }

        if (keys is not null)
        {
            await keys.CompleteErasureAsync(command.TicketId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a ticket's current state.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="TicketNotFoundException">The ticket does not exist.</exception>
    public async Task<Ticket> GetAsync(TicketId ticketId, CancellationToken cancellationToken = default) =>
        await FindAsync(ticketId, cancellationToken).ConfigureAwait(false) ?? throw new TicketNotFoundException(ticketId);

    /// <summary>Reads a ticket's current state, or null when it does not exist.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ticket, or null.</returns>
    public async Task<Ticket?> FindAsync(TicketId ticketId, CancellationToken cancellationToken = default)
    {
        var stream = await ReadStreamAsync(ticketId, cancellationToken).ConfigureAwait(false);
        return stream.Exists ? Ticket.Replay(ticketId, stream.Events.Select(e => e.Event)) : null;
    }

    /// <summary>Reads a ticket's full history (the audit trail), oldest first.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The recorded events; empty when the ticket does not exist.</returns>
    public async Task<IReadOnlyList<RecordedEvent>> GetHistoryAsync(TicketId ticketId, CancellationToken cancellationToken = default) =>
        (await ReadStreamAsync(ticketId, cancellationToken).ConfigureAwait(false)).Events;

    /// <summary>Reads a stream, again after a transient store failure when a retry strategy is set.</summary>
    private ValueTask<TicketStream> ReadStreamAsync(TicketId ticketId, CancellationToken cancellationToken) =>
        retry is null ? store.ReadStreamAsync(ticketId, cancellationToken) : retry.ExecuteAsync(attemptToken => store.ReadStreamAsync(ticketId, attemptToken), cancellationToken);
}
