using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <summary>Whether a ticket met an SLA target.</summary>
public enum SlaOutcome : byte
{
    /// <summary>No such target applies to the ticket.</summary>
    NotApplicable = 0,

    /// <summary>The clock is still open and within its target.</summary>
    Open = 1,

    /// <summary>Met.</summary>
    Met = 2,

    /// <summary>Missed (stopped late, or open past due).</summary>
    Missed = 3,
}

/// <summary>
/// Everything the KPI formulas need from one ticket, measured from its event history: the
/// instants, the durations (wall-clock and working time on the SLA policy's calendar), the
/// quality flags, SLA outcomes, survey answers and dimensions. The projection from the ticket log
/// to the KPI fact table builds one per ticket. Immutable.
/// </summary>
/// <remarks>
/// Definitions: <b>accepted</b> is the first start of work (else the first assignment);
/// <b>handling time</b> is the last resolution − accepted (the guides' AHT, "from acceptance to resolution");
/// <b>resolution time</b> is the last resolution − received, wall-clock (so it includes any time the ticket sat
/// resolved before a reopen: the guides' "from the customer raising the problem to its final resolution"). A
/// reopened ticket is not solved until it is resolved again (the guides re-process "until the customer accepts"):
/// until then it has no handling, resolution or resolution working time, and leaves those KPIs as any unresolved
/// ticket does; once resolved again they run to the final resolution from the first acceptance / receipt. a <b>reply's response time</b>
/// runs from the customer's latest turn (the receipt, their answer ending a wait on them, a reopen) or the
/// previous reply, whichever is later, to the reply (the first reply's is the first response time); <b>FCR</b> is resolved with no transfer, no escalation and no reopen;
/// <b>resolved</b> means the ticket's state is resolved, revisited or closed.
/// </remarks>
public sealed record TicketOutcome
{
    /// <summary>The ticket.</summary>
    public required TicketId TicketId { get; init; }

    /// <summary>The feedback number.</summary>
    public required string FeedbackNumber { get; init; }

    /// <summary>The state at measurement.</summary>
    public required TicketState State { get; init; }

    /// <summary>When the feedback was received.</summary>
    public required Instant ReceivedAt { get; init; }

    /// <summary>The first human reply.</summary>
    public Instant? FirstResponseAt { get; init; }

    /// <summary>When work was accepted (first start of work, else first assignment).</summary>
    public Instant? AcceptedAt { get; init; }

    /// <summary>The last resolution (kept while the ticket is reopened; the durations below are null then).</summary>
    public Instant? ResolvedAt { get; init; }

    /// <summary>When the ticket was closed.</summary>
    public Instant? ClosedAt { get; init; }

    /// <summary>First response time, wall-clock.</summary>
    public Duration? FirstResponseTime => FirstResponseAt - ReceivedAt;

    /// <summary>First response time in working time on the first-response target's calendar (null without a reply or a target).</summary>
    public Duration? FirstResponseWorkingTime { get; init; }

    /// <summary>Handling time (last resolution − accepted), wall-clock; null while the ticket is not resolved, including while a reopened ticket is worked again.</summary>
    public Duration? HandlingTime => IsResolved ? ResolvedAt - AcceptedAt : null;

    /// <summary>Resolution time (last resolution − received), wall-clock; null while the ticket is not resolved, including while a reopened ticket is worked again.</summary>
    public Duration? ResolutionTime => IsResolved ? ResolvedAt - ReceivedAt : null;

    /// <summary>The replies to the customer (every <see cref="ResponseRecorded"/>, not only the first).</summary>
    public int ReplyCount { get; init; }

    /// <summary>
    /// The replies' total response time: each reply timed from the customer's latest turn (the receipt, their
    /// answer ending a wait on them, a reopen) or the previous reply, whichever is later. The guides' response
    /// time "Σ each response time / responses" is this sum over the replies' count. Null without a reply.
    /// </summary>
    public Duration? ReplyTime { get; init; }

    /// <summary>Resolution working time, pauses left out, on the resolution target's calendar (null when unresolved or without a target).</summary>
    public Duration? ResolutionWorkingTime { get; init; }

    /// <summary>Whether the ticket is resolved (resolved, revisited or closed).</summary>
    public bool IsResolved => State is TicketState.Resolved or TicketState.Revisited or TicketState.Closed;

    /// <summary>First contact resolution: resolved with no transfer, no escalation, no reopen.</summary>
    public bool IsFirstContactResolution => IsResolved && !WasTransferred && !WasEscalated && ReopenCount == 0;

    /// <summary>How many times the ticket was reopened.</summary>
    public required int ReopenCount { get; init; }

    /// <summary>Whether it was escalated.</summary>
    public required bool WasEscalated { get; init; }

    /// <summary>Whether it was transferred to another agent.</summary>
    public required bool WasTransferred { get; init; }

    /// <summary>Whether it is a complaint.</summary>
    public bool IsComplaint => Category == TicketCategory.Complaint;

    /// <summary>First response SLA.</summary>
    public required SlaOutcome FirstResponseSla { get; init; }

    /// <summary>
    /// Resolution SLA of the first resolution cycle (from receipt to the first resolution, pauses left
    /// out): settled when the ticket is first resolved and never changed by a later reopen or re-triage,
    /// so a closed period's attainment stays as reported. Later cycles are in <see cref="SlaClock"/>'s result.
    /// </summary>
    public required SlaOutcome ResolutionSla { get; init; }

    /// <summary>Escalation SLA.</summary>
    public required SlaOutcome EscalationSla { get; init; }

    /// <summary>Negative-feedback contact SLA.</summary>
    public required SlaOutcome NegativeFeedbackContactSla { get; init; }

    /// <summary>Negative-feedback resolve-and-revisit SLA.</summary>
    public required SlaOutcome NegativeFeedbackResolutionSla { get; init; }

    /// <summary>Revisits that came due (a revisit clock stopped, or open past due).</summary>
    public required int RevisitsDue { get; init; }

    /// <summary>Revisits done within their target.</summary>
    public required int RevisitsOnTime { get; init; }

    /// <summary>
    /// The ticket's CSAT score (1–5): the latest survey's (its overall satisfaction, else the mean of its dimensions:
    /// <see cref="SurveyAnswers.OverallSatisfaction"/>); without a survey, the latest revisit's satisfaction score (the
    /// guides' table 4 asks it on the revisit call); null when neither gave one.
    /// </summary>
    public int? Satisfaction { get; init; }

    /// <summary>The latest survey's four dimensions (response speed, accuracy, attitude, resolution effect), each 1–5 or null.</summary>
    public (int? ResponseSpeed, int? Accuracy, int? Attitude, int? ResolutionEffect) SurveyDimensions { get; init; }

    /// <summary>The latest survey's 0–10 recommendation.</summary>
    public int? LikelihoodToRecommend { get; init; }

    /// <summary>Whether the customer is a promoter, from either recommendation form; null when not answered.</summary>
    public bool? IsPromoter { get; init; }

    /// <summary>Whether the customer is a detractor, from either recommendation form; null when not answered.</summary>
    public bool? IsDetractor { get; init; }

    /// <summary>The latest survey's effort score (1–7).</summary>
    public int? EffortScore { get; init; }

    /// <summary>The latest quality inspection verdict (null when not inspected).</summary>
    public bool? InspectedAccurate { get; init; }

    /// <summary>Team dimension: the department the ticket was routed to.</summary>
    public string? Team { get; init; }

    /// <summary>Agent dimension: the last assignee.</summary>
    public string? Agent { get; init; }

    /// <summary>Channel dimension.</summary>
    public required ServiceChannel Channel { get; init; }

    /// <summary>Product line dimension.</summary>
    public string? ProductLine { get; init; }

    /// <summary>Product model dimension.</summary>
    public required string ProductModel { get; init; }

    /// <summary>Category dimension.</summary>
    public TicketCategory? Category { get; init; }

    /// <summary>Priority dimension.</summary>
    public Priority? Priority { get; init; }

    /// <summary>Customer segment dimension.</summary>
    public string? CustomerSegment { get; init; }

    /// <summary>Measures a ticket from its history.</summary>
    /// <param name="history">The ticket's events, oldest first, starting with the registration.</param>
    /// <param name="policies">The SLA policies in force.</param>
    /// <param name="now">The instant open clocks are read at.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">The history does not start with a registration.</exception>
    public static TicketOutcome Measure(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now) =>
        Measure(history, policies, now, out _);

    /// <summary>
    /// Measures a ticket, and tells until when the outcome stays the same if no event is added: the earliest due instant of
    /// a clock running within its target (an outcome measured at any instant from <paramref name="now"/> up to it, inclusive,
    /// is this one); null when no clock runs within its target, so only a new event changes the outcome.
    /// </summary>
    internal static TicketOutcome Measure(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now, out Instant? stableUntil)
    {
        Preconditions.CheckNotNull(history);
        Preconditions.CheckNotNull(policies);
        Preconditions.CheckArgument(history.Count > 0 && history[0] is TicketRegistered, nameof(history), "A ticket's history starts with its registration.");
        var registered = (TicketRegistered)history[0];
        var sla = SlaClock.Evaluate(history, policies, now, out var ticket, outcomesOnly: true); // one replay for the clocks and the state
        Instant? accepted = null;
        Instant? firstAssigned = null;
        int? revisitScore = null;
        var replies = 0;
        var replyTime = Duration.Zero;
        var turn = registered.Intake.ReceivedAt; // what the next reply answers: the customer's latest turn or the previous reply
        foreach (var e in history)
        {
            if (e is ResponseRecorded)
            {
                replies++;
                if (e.OccurredAt > turn)
                {
                    replyTime += e.OccurredAt - turn;
                    turn = e.OccurredAt;
                }

                continue;
            }

            if (e is PendingCustomerEnded or TicketReopened && e.OccurredAt > turn)
            {
                turn = e.OccurredAt;
            }

            if (e is RevisitRecorded { Score: { } score })
            {
                revisitScore = score; // the latest revisit's satisfaction score (table 4)
            }
            else if (e is WorkStarted && accepted is null)
            {
                accepted = e.OccurredAt;
            }
            else if (e is TicketAssigned && firstAssigned is null)
            {
                firstAssigned = e.OccurredAt;
            }
        }

        stableUntil = null;
        foreach (var target in sla.Targets)
        {
            if (target.State == SlaClockState.Running && target.Due is { } due && (stableUntil is not { } earliest || due < earliest))
            {
                stableUntil = due;
            }
        }

        var frt = sla.Find(SlaTargetKind.FirstResponse);
        var resolution = sla.Find(SlaTargetKind.Resolution);
        var revisits = sla.Targets.Where(t => t.Kind == SlaTargetKind.RevisitAfterResolution && (t.StoppedAt is not null || t.State == SlaClockState.Overdue) && t.State != SlaClockState.Cancelled).ToArray();
        var survey = ticket.LastSurvey;
        return new TicketOutcome
        {
            TicketId = ticket.Id,
            FeedbackNumber = ticket.FeedbackNumber,
            State = ticket.State,
            ReceivedAt = registered.Intake.ReceivedAt,
            FirstResponseAt = ticket.FirstResponseAt,
            AcceptedAt = accepted ?? firstAssigned,
            ResolvedAt = ticket.ResolvedAt,
            ClosedAt = ticket.ClosedAt,
            FirstResponseWorkingTime = ticket.FirstResponseAt is null ? null : frt?.Elapsed,
            ResolutionWorkingTime = ticket.State is TicketState.Resolved or TicketState.Revisited or TicketState.Closed ? resolution?.Elapsed : null,
            ReplyCount = replies,
            ReplyTime = replies == 0 ? null : replyTime,
            ReopenCount = ticket.ReopenCount,
            WasEscalated = ticket.EscalationCount > 0,
            WasTransferred = ticket.ReassignmentCount > 0,
            FirstResponseSla = OutcomeOf(frt),
            ResolutionSla = OutcomeOf(sla.Find(SlaTargetKind.Resolution, 1)),
            EscalationSla = OutcomeOf(sla.Find(SlaTargetKind.Escalation)),
            NegativeFeedbackContactSla = OutcomeOf(sla.Find(SlaTargetKind.NegativeFeedbackContact)),
            NegativeFeedbackResolutionSla = OutcomeOf(sla.Find(SlaTargetKind.NegativeFeedbackResolution)),
            RevisitsDue = revisits.Length,
            RevisitsOnTime = revisits.Count(r => r.State == SlaClockState.Met),
            Satisfaction = survey?.OverallSatisfaction ?? revisitScore,
            SurveyDimensions = (survey?.ResponseSpeed, survey?.Accuracy, survey?.Attitude, survey?.ResolutionEffect),
            LikelihoodToRecommend = survey?.LikelihoodToRecommend,
            IsPromoter = survey?.IsPromoter,
            IsDetractor = survey?.IsDetractor,
            EffortScore = survey?.EffortScore,
            InspectedAccurate = ticket.InspectedAccurate,
            Team = ticket.Route?.Department,
            Agent = ticket.Assignee ?? history.OfType<TicketAssigned>().LastOrDefault()?.Assignee,
            Channel = registered.Intake.Channel,
            ProductLine = registered.Intake.ProductLine,
            ProductModel = registered.Intake.ProductModel,
            Category = ticket.Category,
            Priority = ticket.Priority,
            CustomerSegment = registered.Intake.CustomerSegment,
        };
    }

    private static SlaOutcome OutcomeOf(SlaTargetStatus? status) => status?.State switch
    {
        null or SlaClockState.Cancelled => SlaOutcome.NotApplicable,
        SlaClockState.Met => SlaOutcome.Met,
        SlaClockState.Breached or SlaClockState.Overdue => SlaOutcome.Missed,
        _ => SlaOutcome.Open,
    };
}
