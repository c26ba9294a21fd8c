using System.Collections;
using System.Collections.Immutable;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using NodaTime;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// A ticket's current state, folded from its event history. Immutable: applying an event returns
/// a new <see cref="Ticket"/>; replaying the same history always rebuilds an equal value.
/// Thread-safe.
/// </summary>
public sealed record Ticket
{
    private Ticket(TicketId id) => Id = id;

    /// <summary>The ticket's id.</summary>
    public TicketId Id { get; }

    // Set once on the fresh copy made by Apply, before it is published: the type stays immutable.
    private long version;
    private CommandIdSet processedCommandIds = CommandIdSet.Empty;

    /// <summary>The number of events in the ticket's history (0 before registration).</summary>
    public long Version => version;

    /// <summary>The lifecycle state.</summary>
    public TicketState State { get; private init; }

    /// <summary>The feedback number, e.g. <c>F20240301001</c> (empty before registration).</summary>
    public string FeedbackNumber { get; private init; } = "";

    /// <summary>The intake data (null before registration).</summary>
    public TicketIntake? Intake { get; private init; }

    /// <summary>When the ticket was registered.</summary>
    public Instant RegisteredAt { get; private init; }

    /// <summary>The category, once triaged.</summary>
    public TicketCategory? Category { get; private init; }

    /// <summary>The assessment of the latest triage.</summary>
    public PriorityAssessment? Assessment { get; private init; }

    /// <summary>The current priority (after any override), once triaged.</summary>
    public Priority? Priority { get; private init; }

    /// <summary>The rule behind the current priority (<c>override</c> after a manual override).</summary>
    public string? PriorityRule { get; private init; }

    /// <summary>The current route, once triaged.</summary>
    public Route? Route { get; private init; }

    /// <summary>The agent who owns the ticket, once assigned.</summary>
    public string? Assignee { get; private init; }

    /// <summary>When the first human reply was recorded.</summary>
    public Instant? FirstResponseAt { get; private init; }

    /// <summary>The current support level (0 = front line).</summary>
    public int EscalationLevel { get; private init; }

    /// <summary>How many times the ticket was escalated.</summary>
    public int EscalationCount { get; private init; }

    /// <summary>How many times the ticket was transferred to another agent.</summary>
    public int ReassignmentCount { get; private init; }

    /// <summary>How many times the priority was overridden by hand.</summary>
    public int PriorityOverrideCount { get; private init; }

    /// <summary>The latest solution recorded.</summary>
    public string? Solution { get; private init; }

    /// <summary>When the ticket was last resolved.</summary>
    public Instant? ResolvedAt { get; private init; }

    /// <summary>The current resolution cycle: 1 at first, one more after each reopen.</summary>
    public int ResolutionCycle { get; private init; }

    /// <summary>How many times the ticket was resolved.</summary>
    public int ResolutionCount { get; private init; }

    /// <summary>How many times an unsatisfied revisit reopened the ticket.</summary>
    public int ReopenCount { get; private init; }

    /// <summary>Failed revisit attempts in the current resolution cycle.</summary>
    public int RevisitAttempts { get; private init; }

    /// <summary>The latest revisit number, e.g. <c>HV20240311001</c>.</summary>
    public string? LastRevisitNumber { get; private init; }

    /// <summary>The latest revisit outcome.</summary>
    public RevisitOutcome? LastRevisitOutcome { get; private init; }

    /// <summary>The latest revisit score (1–5), when the customer was reached.</summary>
    public int? LastRevisitScore { get; private init; }

    /// <summary>The latest survey answers, if the customer answered.</summary>
    public SurveyAnswers? LastSurvey { get; private init; }

    /// <summary>The latest quality inspection verdict (true = accurate), if inspected.</summary>
    public bool? InspectedAccurate { get; private init; }

    /// <summary>When negative feedback first raised an early warning on this ticket.</summary>
    public Instant? NegativeFeedbackRaisedAt { get; private init; }

    /// <summary>Since when the ticket waits on the customer, while <see cref="TicketState.PendingCustomer"/>.</summary>
    public Instant? PendingCustomerSince { get; private init; }

    /// <summary>When the ticket was closed; null again once a dissatisfied survey reopens it.</summary>
    public Instant? ClosedAt { get; private init; }

    /// <summary>Why the ticket was cancelled.</summary>
    public string? CancellationReason { get; private init; }

    /// <summary>The feedback number the ticket duplicates.</summary>
    public string? DuplicateOf { get; private init; }

    /// <summary>Table 2's root-cause analysis (问题根源分析), once recorded at triage or by <see cref="RecordAnalysis"/>.</summary>
    public string? RootCauseAnalysis { get; private init; }

    /// <summary>Table 2's impact scope in words (影响范围), once recorded.</summary>
    public string? ImpactScopeDescription { get; private init; }

    /// <summary>Table 2's planned completion date (计划完成时间), once recorded.</summary>
    public LocalDate? PlannedCompletion { get; private init; }

    /// <summary>The resources used at the latest resolution (所用资源), if recorded.</summary>
    public string? ResourcesUsed { get; private init; }

    /// <summary>The latest delay explanation's reason, if a delay was explained (<see cref="ExplainDelay"/>).</summary>
    public string? LastDelayReason { get; private init; }

    /// <summary>Whether the customer was told of the latest explained delay; null when no delay was explained.</summary>
    public bool? CustomerInformedOfDelay { get; private init; }

    /// <summary>How many delay explanations were recorded.</summary>
    public int DelayExplanationCount { get; private init; }

    /// <summary>
    /// The archive name the guides prescribe (步骤六: 客户编号+反馈日期+问题类型):
    /// <c>{customer number}_{feedback date uuuuMMdd}_{category}</c>, e.g. <c>C10086_20240301_product-fault</c>.
    /// The feedback date is the day the ticket was received in <paramref name="zone"/> (use the desk's zone,
    /// the one feedback numbers are dated in). Null until the ticket has a customer number and a category.
    /// It holds the customer number, which is personal data (shown <c>[erased]</c> after an erasure).
    /// </summary>
    /// <param name="zone">The desk's zone.</param>
    /// <returns>The archive name, or null.</returns>
    [return: Privacy.PersonalData]
    public string? ArchiveName(DateTimeZone zone)
    {
        Preconditions.CheckNotNull(zone);
        return Intake?.CustomerNumber is { } number && Category is { } category
            ? $"{number}_{Intake.ReceivedAt.InZone(zone).Date.ToString("uuuuMMdd", System.Globalization.CultureInfo.InvariantCulture)}_{category.Name}"
            : null;
    }

    /// <summary>The ids of every command already applied (for idempotent retries).</summary>
    public IReadOnlySet<Guid> ProcessedCommandIds => processedCommandIds;

    /// <summary>The state of a ticket that has no event yet.</summary>
    /// <param name="id">The ticket id.</param>
    /// <returns>An empty ticket at version 0.</returns>
    public static Ticket Empty(TicketId id) => new(id);

    /// <summary>Rebuilds a ticket from its full history.</summary>
    /// <param name="id">The ticket id.</param>
    /// <param name="history">The events, oldest first.</param>
    /// <returns>The ticket's state after every event.</returns>
    /// <exception cref="ArgumentException">An event belongs to another ticket or does not fit the lifecycle.</exception>
    public static Ticket Replay(TicketId id, IEnumerable<TicketEvent> history)
    {
        Preconditions.CheckNotNull(history);
        var ticket = Empty(id);
        var commandIds = System.Collections.Immutable.ImmutableHashSet.CreateBuilder<Guid>();
        foreach (var e in history)
        {
            ticket = ticket.ApplyCore(e);
            commandIds.Add(e.CommandId);
        }

        ticket.processedCommandIds = CommandIdSet.From(commandIds.ToImmutable());
        return ticket;
    }

    /// <summary>Applies one event and returns the new state. The event must belong to this ticket.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The state after the event.</returns>
    /// <exception cref="ArgumentException">The event belongs to another ticket or is unknown.</exception>
    public Ticket Apply(TicketEvent e)
    {
        Preconditions.CheckNotNull(e);
        var next = ApplyCore(e);
        next.processedCommandIds = processedCommandIds.Add(e.CommandId);
        return next;
    }

    /// <summary>
    /// Applies an event for reading the state only (SLA clocks, KPI measures): the command ids are
    /// not tracked, so the result must not decide commands. Saves an immutable-set insert per event.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <returns>The state after the event.</returns>
    internal Ticket ApplyForReading(TicketEvent e) => ApplyCore(e);

    /// <summary>Applies an event to a fresh copy; the caller sets the command ids before publishing it.</summary>
    private Ticket ApplyCore(TicketEvent e)
    {
        Preconditions.CheckNotNull(e);
        Preconditions.CheckArgument(e.TicketId == Id, nameof(e), $"Event {e.GetType().Name} belongs to ticket {e.TicketId}, not {Id}.");
        var next = e switch
        {
            TicketRegistered r => this with
            {
                State = TicketState.Registered,
                FeedbackNumber = r.FeedbackNumber,
                Intake = r.Intake,
                RegisteredAt = r.OccurredAt,
                ResolutionCycle = 1,
            },
            TicketTriaged t => this with
            {
                State = TicketState.Triaged,
                Category = t.Category,
                Assessment = t.Assessment,
                Priority = t.Priority,
                PriorityRule = t.PriorityRule,
                Route = t.Route,
                RootCauseAnalysis = t.RootCauseAnalysis ?? RootCauseAnalysis,
                ImpactScopeDescription = t.ImpactScopeDescription ?? ImpactScopeDescription,
                PlannedCompletion = t.PlannedCompletion ?? PlannedCompletion,
            },
            AnalysisRecorded a => this with
            {
                RootCauseAnalysis = a.RootCauseAnalysis ?? RootCauseAnalysis,
                ImpactScopeDescription = a.ImpactScopeDescription ?? ImpactScopeDescription,
                PlannedCompletion = a.PlannedCompletion ?? PlannedCompletion,
            },
            DelayExplained d => this with { LastDelayReason = d.Reason, CustomerInformedOfDelay = d.CustomerInformed, DelayExplanationCount = DelayExplanationCount + 1 },
            PriorityOverridden o => this with { Priority = o.Priority, PriorityRule = "override", PriorityOverrideCount = PriorityOverrideCount + 1 },
            TicketAssigned a => this with { State = TicketState.Assigned, Assignee = a.Assignee },
            TicketReassigned r => this with
            {
                State = TicketState.Assigned,
                Assignee = r.Assignee,
                Route = (Route ?? new Route()) with { Department = r.Department },
                ReassignmentCount = ReassignmentCount + 1,
                PendingCustomerSince = null,
            },
            WorkStarted => this with { State = TicketState.InProgress },
            ResponseRecorded => this with { FirstResponseAt = FirstResponseAt ?? e.OccurredAt },
            PendingCustomerStarted => this with { State = TicketState.PendingCustomer, PendingCustomerSince = e.OccurredAt },
            PendingCustomerEnded => this with { State = TicketState.InProgress, PendingCustomerSince = null },
            TicketEscalated x => this with { EscalationLevel = x.Level, EscalationCount = EscalationCount + 1 },
            TicketResolved r => this with
            {
                State = TicketState.Resolved,
                Solution = r.Solution,
                ResourcesUsed = r.ResourcesUsed,
                ResolvedAt = r.OccurredAt,
                ResolutionCount = ResolutionCount + 1,
                RevisitAttempts = 0,
            },
            RevisitAttemptFailed => this with { RevisitAttempts = RevisitAttempts + 1 },
            RevisitRecorded v => this with
            {
                State = v.Outcome == RevisitOutcome.Unsatisfied ? State : TicketState.Revisited,
                LastRevisitNumber = v.RevisitNumber,
                LastRevisitOutcome = v.Outcome,
                LastRevisitScore = v.Score,
            },
            TicketReopened r => this with
            {
                State = TicketState.Reopened,
                ReopenCount = r.ReopenCount,
                ResolutionCycle = ResolutionCycle + 1,
                RevisitAttempts = 0,
                Assignee = null,
                ClosedAt = null, // a dissatisfied survey may reopen a closed ticket
            },
            SurveyAnswered a => this with { LastSurvey = a.Answers },
            PersonalDataErased => this with
            {
                Intake = PersonalDataErased.Anonymize(Intake!),
                Solution = Erased(Solution),
                LastSurvey = LastSurvey?.Suggestion is null ? LastSurvey : LastSurvey with { Suggestion = PersonalDataErased.Placeholder },

                // The notes of internal work are the customer's personal data too.
                RootCauseAnalysis = Erased(RootCauseAnalysis),
                ImpactScopeDescription = Erased(ImpactScopeDescription),
                ResourcesUsed = Erased(ResourcesUsed),
                LastDelayReason = Erased(LastDelayReason),
                CancellationReason = Erased(CancellationReason),
            },
            SurveySent => this with { }, // recorded for the survey schedule; the state does not change
            QualityInspected q => this with { InspectedAccurate = q.Accurate },
            NegativeFeedbackRaised => this with { NegativeFeedbackRaisedAt = NegativeFeedbackRaisedAt ?? e.OccurredAt },
            TicketClosed => this with { State = TicketState.Closed, ClosedAt = e.OccurredAt },
            TicketCancelled c => this with { State = TicketState.Cancelled, CancellationReason = c.Reason, PendingCustomerSince = null },
            TicketMarkedDuplicate d => this with { State = TicketState.Duplicate, DuplicateOf = d.DuplicateOf, PendingCustomerSince = null },
            _ => throw new ArgumentException($"'{e.GetType().FullName}' is not a ticket event this version understands.", nameof(e)),
        };
        next.version = version + 1;
        return next;
    }

    private static string? Erased(string? value) => value is null ? null : PersonalDataErased.Placeholder;
}

/// <summary>An immutable set of command ids compared by content, so replayed tickets compare equal.</summary>
internal sealed class CommandIdSet : IReadOnlySet<Guid>, IEquatable<CommandIdSet>
{
    public static readonly CommandIdSet Empty = new(ImmutableHashSet<Guid>.Empty);

    private readonly ImmutableHashSet<Guid> items;

    private CommandIdSet(ImmutableHashSet<Guid> items) => this.items = items;

    public static CommandIdSet From(ImmutableHashSet<Guid> items) => items.Count == 0 ? Empty : new CommandIdSet(items);

    public int Count => items.Count;

    public CommandIdSet Add(Guid id) => items.Contains(id) ? this : new CommandIdSet(items.Add(id));

    public bool Contains(Guid item) => items.Contains(item);

    public bool IsProperSubsetOf(IEnumerable<Guid> other) => items.IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<Guid> other) => items.IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<Guid> other) => items.IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<Guid> other) => items.IsSupersetOf(other);

    public bool Overlaps(IEnumerable<Guid> other) => items.Overlaps(other);

    public bool SetEquals(IEnumerable<Guid> other) => items.SetEquals(other);

    public IEnumerator<Guid> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(CommandIdSet? other) => other is not null && items.SetEquals(other.items);

    public override bool Equals(object? obj) => obj is CommandIdSet other && Equals(other);

    public override int GetHashCode()
    {
        var hash = items.Count;
        foreach (var id in items)
        {
            hash ^= id.GetHashCode();
        }

        return hash;
    }
}
