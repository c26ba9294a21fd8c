using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using NodaTime;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// Something that happened to a ticket: the unit of the event-sourced ticket history, and the
/// audit trail. Every event carries the ticket, the actor, the instant and the command that
/// produced it. Immutable; stores persist events, never state.
/// </summary>
public abstract record TicketEvent
{
    /// <summary>The ticket the event belongs to.</summary>
    public required TicketId TicketId { get; init; }

    /// <summary>When it happened (from the injected <see cref="IClock"/>).</summary>
    public required Instant OccurredAt { get; init; }

    /// <summary>Who did it: an agent, a supervisor, the customer, or a system process.</summary>
    public required string Actor { get; init; }

    /// <summary>The command that produced the event; a retried command with the same id appends nothing.</summary>
    public required Guid CommandId { get; init; }

    /// <summary>
    /// What that command was — its type and a hash of its payload, personal data left out — so that a
    /// command id reused for a different command is refused (<c>CommandIdConflictException</c>) instead
    /// of being taken for a retry. Set by the ticket service; null on events recorded before it was.
    /// </summary>
    public string? CommandFingerprint { get; init; }
}

/// <summary>A ticket was registered with its intake data and feedback number.</summary>
public sealed record TicketRegistered : TicketEvent
{
    /// <summary>The human-readable feedback number, e.g. <c>F20240301001</c>.</summary>
    public required string FeedbackNumber { get; init; }

    /// <summary>The intake data.</summary>
    public required TicketIntake Intake { get; init; }
}

/// <summary>A ticket was classified, prioritised and routed (again, after a reopen, when <see cref="IsRetriage"/>).</summary>
public sealed record TicketTriaged : TicketEvent
{
    /// <summary>The category.</summary>
    public required TicketCategory Category { get; init; }

    /// <summary>The assessment the priority was judged on.</summary>
    public required PriorityAssessment Assessment { get; init; }

    /// <summary>The priority given.</summary>
    public required Priority Priority { get; init; }

    /// <summary>The priority rule that decided it.</summary>
    public required string PriorityRule { get; init; }

    /// <summary>Where the ticket was routed.</summary>
    public required Route Route { get; init; }

    /// <summary>The routing rule that chose the route (<c>manual</c> when the command named the department).</summary>
    public required string RoutingRule { get; init; }

    /// <summary>Whether this is a triage after a reopen (priority judged again).</summary>
    public bool IsRetriage { get; init; }

    /// <summary>Table 2's root-cause analysis, when the triage recorded one; null on events recorded before this field existed.</summary>
    public string? RootCauseAnalysis { get; init; }

    /// <summary>Table 2's impact scope in words, when the triage recorded one.</summary>
    public string? ImpactScopeDescription { get; init; }

    /// <summary>Table 2's planned completion date, when the triage recorded one.</summary>
    public LocalDate? PlannedCompletion { get; init; }
}

/// <summary>Table 2's problem analysis was recorded or updated; a null field keeps the value recorded before.</summary>
public sealed record AnalysisRecorded : TicketEvent
{
    /// <summary>The root-cause analysis.</summary>
    public string? RootCauseAnalysis { get; init; }

    /// <summary>The impact scope in words.</summary>
    public string? ImpactScopeDescription { get; init; }

    /// <summary>The planned completion date.</summary>
    public LocalDate? PlannedCompletion { get; init; }
}

/// <summary>Why a ticket is late on an SLA target, and whether the customer was told.</summary>
public sealed record DelayExplained : TicketEvent
{
    /// <summary>The SLA target's kind name, or null for the ticket as a whole.</summary>
    public string? Target { get; init; }

    /// <summary>Why the ticket is late.</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the customer has been told.</summary>
    public required bool CustomerInformed { get; init; }
}

/// <summary>A person overrode the priority the rules gave, with a reason.</summary>
public sealed record PriorityOverridden : TicketEvent
{
    /// <summary>The priority before.</summary>
    public required Priority PreviousPriority { get; init; }

    /// <summary>The priority now.</summary>
    public required Priority Priority { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>An agent was assigned to a triaged ticket.</summary>
public sealed record TicketAssigned : TicketEvent
{
    /// <summary>The agent who owns the ticket now.</summary>
    public required string Assignee { get; init; }
}

/// <summary>The ticket was transferred to another agent (and possibly another department).</summary>
public sealed record TicketReassigned : TicketEvent
{
    /// <summary>The agent before.</summary>
    public required string PreviousAssignee { get; init; }

    /// <summary>The agent now.</summary>
    public required string Assignee { get; init; }

    /// <summary>The department before.</summary>
    public required string PreviousDepartment { get; init; }

    /// <summary>The department now (equal to <see cref="PreviousDepartment"/> for a transfer inside the department).</summary>
    public required string Department { get; init; }

    /// <summary>Why the ticket was transferred.</summary>
    public required string Reason { get; init; }
}

/// <summary>The assigned agent started working on the ticket.</summary>
public sealed record WorkStarted : TicketEvent;

/// <summary>An agent replied to the customer; the first one is the first response (FRT).</summary>
public sealed record ResponseRecorded : TicketEvent
{
    /// <summary>A short summary of the reply, if the host records one.</summary>
    public string? Summary { get; init; }

    /// <summary>Whether this is the ticket's first human reply.</summary>
    public bool IsFirstResponse { get; init; }
}

/// <summary>The ticket now waits on the customer: the resolution clock pauses.</summary>
public sealed record PendingCustomerStarted : TicketEvent
{
    /// <summary>What the customer is asked for.</summary>
    public required string Reason { get; init; }
}

/// <summary>The customer answered: work resumes and the resolution clock runs again.</summary>
public sealed record PendingCustomerEnded : TicketEvent;

/// <summary>The ticket was escalated to a higher support level.</summary>
public sealed record TicketEscalated : TicketEvent
{
    /// <summary>The support level now (1 = first escalation level above the front line).</summary>
    public required int Level { get; init; }

    /// <summary>Why it was escalated.</summary>
    public required string Reason { get; init; }

    /// <summary>Who or which team it was escalated to, if named.</summary>
    public string? EscalatedTo { get; init; }
}

/// <summary>A solution was recorded: the ticket is resolved and its revisit is due.</summary>
public sealed record TicketResolved : TicketEvent
{
    /// <summary>The solution; never empty.</summary>
    public required string Solution { get; init; }

    /// <summary>The resolution cycle this resolution ends (1 for the first, 2 after one reopen, ...).</summary>
    public required int Cycle { get; init; }

    /// <summary>The resources used to resolve it, if recorded; null on events recorded before this field existed.</summary>
    public string? ResourcesUsed { get; init; }
}

/// <summary>A revisit was tried but the customer could not be reached.</summary>
public sealed record RevisitAttemptFailed : TicketEvent
{
    /// <summary>How the revisit was tried.</summary>
    public required RevisitMethod Method { get; init; }

    /// <summary>The attempt number in this resolution cycle (1, 2, ...).</summary>
    public required int Attempt { get; init; }

    /// <summary>A note, e.g. "no answer".</summary>
    public string? Note { get; init; }
}

/// <summary>The revisit outcome was recorded.</summary>
public sealed record RevisitRecorded : TicketEvent
{
    /// <summary>The revisit number, e.g. <c>HV20240311001</c>.</summary>
    public required string RevisitNumber { get; init; }

    /// <summary>How the revisit was made.</summary>
    public required RevisitMethod Method { get; init; }

    /// <summary>The outcome; <see cref="RevisitOutcome.Unsatisfied"/> reopens the ticket.</summary>
    public required RevisitOutcome Outcome { get; init; }

    /// <summary>Whether the customer says the problem is resolved; <see langword="null"/> when unreachable.</summary>
    public bool? Resolved { get; init; }

    /// <summary>The satisfaction score 1–5; <see langword="null"/> when unreachable.</summary>
    public int? Score { get; init; }

    /// <summary>The customer's suggestions, if any.</summary>
    public string? Suggestions { get; init; }
}

/// <summary>The ticket went back to triage after an unsatisfied revisit, or a dissatisfied survey after the revisit.</summary>
public sealed record TicketReopened : TicketEvent
{
    /// <summary>Why (the revisit's or the survey's verdict).</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// Whether a dissatisfied survey reopened a revisited or closed ticket (<see cref="TicketTrigger.SurveyDissatisfied"/>);
    /// false for an unsatisfied revisit, and on events recorded before this field existed.
    /// </summary>
    public bool BySurvey { get; init; }

    /// <summary>How many times the ticket has been reopened, this one included.</summary>
    public required int ReopenCount { get; init; }
}

/// <summary>The ticket was closed and archived.</summary>
public sealed record TicketClosed : TicketEvent
{
    /// <summary>Set when the source system of an import closed the ticket without a revisit: its recorded reason. Null for the guides' closure after a revisit.</summary>
    public string? ClosedBySource { get; init; }
}

/// <summary>The ticket was cancelled.</summary>
public sealed record TicketCancelled : TicketEvent
{
    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>The ticket was found to duplicate another one.</summary>
public sealed record TicketMarkedDuplicate : TicketEvent
{
    /// <summary>The feedback number of the ticket it duplicates.</summary>
    public required string DuplicateOf { get; init; }

    /// <summary>Why it is a duplicate.</summary>
    public required string Reason { get; init; }
}

/// <summary>The customer answered the satisfaction survey.</summary>
public sealed record SurveyAnswered : TicketEvent
{
    /// <summary>The answers.</summary>
    public required SurveyAnswers Answers { get; init; }

    /// <summary>The resolution cycle the survey is about.</summary>
    public required int Cycle { get; init; }
}

/// <summary>The customer's personal data was erased on request.</summary>
public sealed record PersonalDataErased : TicketEvent
{
    /// <summary>What erased values read as: <c>[erased]</c>.</summary>
    public const string Placeholder = "[erased]";

    /// <summary>The request's reference.</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// The intake with the customer's name, contact, address and customer number, and the free text the
    /// customer gave (description, expectation, what was tried — a phone number typed there is personal data too),
    /// replaced by <see cref="Placeholder"/>.
    /// </summary>
    /// <param name="intake">The intake.</param>
    /// <returns>The anonymised intake.</returns>
    public static TicketIntake Anonymize(TicketIntake intake)
    {
        Preconditions.CheckNotNull(intake);
        return intake with
        {
            CustomerName = Placeholder,
            Contact = Placeholder,
            Address = intake.Address is null ? null : Placeholder,
            CustomerNumber = intake.CustomerNumber is null ? null : Placeholder,
            Description = Placeholder,
            CustomerExpectation = intake.CustomerExpectation is null ? null : Placeholder,
            AlreadyTried = intake.AlreadyTried is null ? null : Placeholder,
        };
    }
}

/// <summary>The host sent the satisfaction survey.</summary>
public sealed record SurveySent : TicketEvent
{
    /// <summary>How it was sent.</summary>
    public required string Channel { get; init; }

    /// <summary>The resolution cycle the survey is about.</summary>
    public required int Cycle { get; init; }
}

/// <summary>A quality inspector judged the ticket's answer.</summary>
public sealed record QualityInspected : TicketEvent
{
    /// <summary>Whether the answer was accurate.</summary>
    public required bool Accurate { get; init; }

    /// <summary>The inspector's notes.</summary>
    public string? Notes { get; init; }
}

/// <summary>
/// Negative feedback (a complaint, a low survey score or an unsatisfied revisit) raised an early
/// warning to a named owner; the negative-feedback SLA targets run from the first one.
/// </summary>
public sealed record NegativeFeedbackRaised : TicketEvent
{
    /// <summary>Who must act: contact the customer within 24 h, resolve and revisit within 72 h.</summary>
    public required string Owner { get; init; }

    /// <summary>What raised it: <c>complaint</c>, <c>low-survey-score</c> or <c>unsatisfied-revisit</c>.</summary>
    public required string Reason { get; init; }
}

/// <summary>
/// The registry of ticket event types with their stable names, for stores that serialise events.
/// A name never changes once shipped.
/// </summary>
public static class TicketEventTypes
{
    internal static readonly (string Name, Type Type)[] All =
    [
        ("ticket-registered", typeof(TicketRegistered)),
        ("ticket-triaged", typeof(TicketTriaged)),
        ("priority-overridden", typeof(PriorityOverridden)),
        ("ticket-assigned", typeof(TicketAssigned)),
        ("ticket-reassigned", typeof(TicketReassigned)),
        ("work-started", typeof(WorkStarted)),
        ("response-recorded", typeof(ResponseRecorded)),
        ("pending-customer-started", typeof(PendingCustomerStarted)),
        ("pending-customer-ended", typeof(PendingCustomerEnded)),
        ("ticket-escalated", typeof(TicketEscalated)),
        ("ticket-resolved", typeof(TicketResolved)),
        ("revisit-attempt-failed", typeof(RevisitAttemptFailed)),
        ("revisit-recorded", typeof(RevisitRecorded)),
        ("ticket-reopened", typeof(TicketReopened)),
        ("ticket-closed", typeof(TicketClosed)),
        ("ticket-cancelled", typeof(TicketCancelled)),
        ("ticket-marked-duplicate", typeof(TicketMarkedDuplicate)),
        ("survey-answered", typeof(SurveyAnswered)),
        ("quality-inspected", typeof(QualityInspected)),
        ("negative-feedback-raised", typeof(NegativeFeedbackRaised)),
        ("survey-sent", typeof(SurveySent)),
        ("personal-data-erased", typeof(PersonalDataErased)),
        ("analysis-recorded", typeof(AnalysisRecorded)),
        ("delay-explained", typeof(DelayExplained)),
    ];

    private static readonly Dictionary<string, Type> ByName = All.ToDictionary(e => e.Name, e => e.Type, StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> ByType = All.ToDictionary(e => e.Type, e => e.Name);

    /// <summary>Every event type with its stable name.</summary>
    public static IReadOnlyList<(string Name, Type Type)> Registered => All;

    /// <summary>The stable name of an event type.</summary>
    /// <param name="type">A concrete <see cref="TicketEvent"/> type.</param>
    /// <returns>The name, e.g. <c>ticket-resolved</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a registered event type.</exception>
    public static string NameOf(Type type) =>
        ByType.TryGetValue(Preconditions.CheckNotNull(type), out var name)
            ? name
            : throw new ArgumentException($"'{type.FullName}' is not a registered ticket event type.", nameof(type));

    /// <summary>The event type with a stable name.</summary>
    /// <param name="name">The name, e.g. <c>ticket-resolved</c>.</param>
    /// <returns>The type.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown.</exception>
    public static Type TypeOf(string name) =>
        ByName.TryGetValue(Preconditions.CheckNotNull(name), out var type)
            ? type
            : throw new ArgumentException($"'{name}' is not a registered ticket event name.", nameof(name));
}
