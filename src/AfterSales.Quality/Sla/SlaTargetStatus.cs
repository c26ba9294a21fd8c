using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Sla;

/// <summary>Where an SLA clock stands.</summary>
public enum SlaClockState
{
    /// <summary>Running and within its target.</summary>
    Running = 0,

    /// <summary>Paused (waiting on the customer, or the ticket sits resolved); within its target.</summary>
    Paused = 1,

    /// <summary>Running or paused, and past its target: breached, still open.</summary>
    Overdue = 2,

    /// <summary>Stopped within the target.</summary>
    Met = 3,

    /// <summary>Stopped after the target.</summary>
    Breached = 4,

    /// <summary>The ticket was cancelled or marked duplicate before the clock stopped: counts neither as met nor breached.</summary>
    Cancelled = 5,
}

/// <summary>A point on an SLA clock: the instant a share of the target is used up (1.0 is the due instant).</summary>
/// <param name="Share">The share of the target, e.g. 0.75.</param>
/// <param name="At">When that share is reached; null when the clock is paused or stopped before it.</param>
public sealed record SlaMilestone(double Share, Instant? At);

/// <summary>
/// One SLA target of one ticket, as evaluated at <see cref="TicketSla.EvaluatedAt"/>. Times are
/// working time on the target's calendar. Immutable.
/// </summary>
public sealed record SlaTargetStatus
{
    /// <summary>What is measured.</summary>
    public required SlaTargetKind Kind { get; init; }

    /// <summary>0 for a ticket-level clock; 1, 2, ... for the clock of one resolution cycle (resolution, revisit).</summary>
    public required int Cycle { get; init; }

    /// <summary>The policy that set the target.</summary>
    public required string Policy { get; init; }

    /// <summary>The calendar the target runs on.</summary>
    public required string Calendar { get; init; }

    /// <summary>The working time allowed.</summary>
    public required Duration Target { get; init; }

    /// <summary>When the clock started.</summary>
    public required Instant StartedAt { get; init; }

    /// <summary>When the clock stopped (the target was reached or the ticket cancelled); null while open.</summary>
    public Instant? StoppedAt { get; init; }

    /// <summary>The state of the clock.</summary>
    public required SlaClockState State { get; init; }

    /// <summary>Working time used so far (up to the stop, or up to the evaluation instant), pauses left out.</summary>
    public required Duration Elapsed { get; init; }

    /// <summary>Working time left before the target is missed; zero once missed.</summary>
    public Duration Remaining => Elapsed >= Target ? Duration.Zero : Target - Elapsed;

    /// <summary>Elapsed as a share of the target (1.0 = due; more when breached).</summary>
    public double ElapsedShare => Elapsed.TotalTicks / Target.TotalTicks;

    /// <summary>
    /// When the target is (or was) due: for a running clock the instant the target runs out; for a
    /// stopped clock the instant it would have run out had it kept running; null while paused
    /// before the target ran out.
    /// </summary>
    public Instant? Due { get; init; }

    /// <summary>
    /// The last instant at which the clock can stop and still meet its target: the due instant, or —
    /// when the target runs out at the end of working hours — the next working instant the clock runs
    /// at (a ticket due at 18:00 and resolved at 08:30 the next morning met its target). Stopping later
    /// breaches it; the breach alert is raised for the window containing this instant, and only for a
    /// clock that ends up late. Projected past a stop like <see cref="Due"/>; null while paused at or
    /// before the target.
    /// </summary>
    public Instant? BreachAt { get; init; }

    /// <summary>
    /// When the target would run out if the clock resumed at the evaluation instant: for a paused clock
    /// the instant the remaining working time is used up from then (from the end of its pause when that
    /// is later); for a running clock <see cref="Due"/>; null once stopped.
    /// </summary>
    public Instant? DueIfResumedNow { get; init; }

    /// <summary>Whether the clock is running (open and not paused) at the evaluation instant.</summary>
    public bool IsRunning { get; init; }

    /// <summary>
    /// Whether the clock's span (start to stop, evaluation instant or due instant, whichever is last)
    /// reaches dates the calendar's holiday data does not cover — computed with the weekly hours
    /// alone. Only a calendar set to <see cref="Calendars.UncoveredDateHandling.Warn"/> gets this far;
    /// one set to throw refuses the evaluation with a <see cref="Calendars.CalendarCoverageException"/>.
    /// </summary>
    public bool OutsideCalendarCoverage { get; init; }

    /// <summary>Whether the target is missed (stopped late, or open past due).</summary>
    public bool IsBreached => State is SlaClockState.Breached or SlaClockState.Overdue;

    /// <summary>How far past the target the clock is (zero when not breached).</summary>
    public Duration BreachedBy => Elapsed > Target ? Elapsed - Target : Duration.Zero;

    /// <summary>The warning thresholds already reached (shares of the target, ascending).</summary>
    public required IReadOnlyList<double> WarningsReached { get; init; }

    /// <summary>The instants each warning threshold and the due instant (share 1.0) are reached, ascending by share.</summary>
    public required IReadOnlyList<SlaMilestone> Milestones { get; init; }
}

/// <summary>
/// Where a ticket must be escalated by, if the front line cannot solve it (the guides: a complex issue is
/// escalated within 2 h): the escalation target counted in working time from the first start of work, and the
/// warning instant <see cref="LeadTime"/> of working time before it. It exists for every ticket whose work began,
/// escalated or not (the <see cref="SlaTargetKind.Escalation"/> status, which the KPIs count, applies to escalated
/// tickets only). Immutable.
/// </summary>
/// <param name="StartedAt">The first start of work.</param>
/// <param name="Due">The escalation point: when the escalation target runs out.</param>
/// <param name="WarnAt">The warning instant: <see cref="LeadTime"/> of working time before <see cref="Due"/> (at the start when the lead is not shorter than the target).</param>
/// <param name="EndedAt">When the ticket was escalated, resolved by the front line, closed or cancelled; null while it can still reach the point unescalated.</param>
/// <param name="Policy">The policy that set the escalation target.</param>
/// <param name="Calendar">The calendar the target runs on.</param>
/// <param name="Target">The escalation target (working time).</param>
/// <param name="LeadTime">The working time between the warning and the point.</param>
public sealed record SlaEscalationPoint(Instant StartedAt, Instant Due, Instant WarnAt, Instant? EndedAt, string Policy, string Calendar, Duration Target, Duration LeadTime);

/// <summary>Every SLA target of one ticket, evaluated at one instant. Immutable.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="EvaluatedAt">The instant the open clocks were read at.</param>
/// <param name="Targets">The targets that apply, ticket-level first, then per cycle.</param>
public sealed record TicketSla(TicketId TicketId, Instant EvaluatedAt, IReadOnlyList<SlaTargetStatus> Targets)
{
    /// <summary>The ticket's escalation point once its work began (null before, or when no policy sets an escalation target).</summary>
    public SlaEscalationPoint? EscalationPoint { get; init; }

    /// <summary>The status of a target, or null when it does not apply.</summary>
    /// <param name="kind">The target kind.</param>
    /// <param name="cycle">0 for the ticket-level clock; 1, 2, ... for a resolution cycle.</param>
    /// <returns>The status, or null.</returns>
    public SlaTargetStatus? Find(SlaTargetKind kind, int cycle = 0) =>
        Targets.FirstOrDefault(t => t.Kind == kind && t.Cycle == cycle);

    /// <summary>
    /// The warnings and breaches reached in the window (<paramref name="after"/>, <paramref name="upTo"/>]:
    /// what a scanner that last ran at <paramref name="after"/> must announce now. Restart-safe: a
    /// host that keeps its last scan instant announces each alert once. A warning is announced when its
    /// share is used up (at or before the stop); a breach only once the clock is late: its
    /// <see cref="SlaTargetStatus.BreachAt"/> lies in [<paramref name="after"/>, <paramref name="upTo"/>)
    /// and the clock ran on past it — so a Breach alert is raised exactly for a clock that ends
    /// <see cref="SlaClockState.Breached"/> or is still open past due (<see cref="SlaClockState.Overdue"/>).
    /// The alert's <see cref="SlaAlert.At"/> is the due instant. An <see cref="SlaAlertKind.EscalationWarning"/> is
    /// announced when <see cref="SlaEscalationPoint.WarnAt"/> lies in the window and the ticket was still unescalated
    /// and unresolved then (at or before <see cref="SlaEscalationPoint.EndedAt"/>).
    /// </summary>
    /// <param name="after">The end of the previous window (exclusive).</param>
    /// <param name="upTo">The end of this window (inclusive); not after <see cref="EvaluatedAt"/>.</param>
    /// <returns>The alerts, ordered by instant.</returns>
    public IReadOnlyList<SlaAlert> AlertsBetween(Instant after, Instant upTo)
    {
        var alerts = new List<SlaAlert>();
        var ticketLevelResolutionDue = Find(SlaTargetKind.Resolution)?.Due;
        foreach (var target in Targets)
        {
            // A first cycle that never reopened is the ticket-level resolution clock itself: alert once (as the ticket-level clock).
            if (target.Kind == SlaTargetKind.Resolution && target.Cycle > 0 && target.Due is not null && target.Due == ticketLevelResolutionDue)
            {
                continue;
            }

            foreach (var milestone in target.Milestones)
            {
                if (milestone.Share >= 1)
                {
                    // Late once the clock runs past BreachAt: before the window's end, and before the stop.
                    if (milestone.At is { } due && target.BreachAt is { } breach && breach >= after && breach < upTo && (target.StoppedAt is null || breach < target.StoppedAt))
                    {
                        alerts.Add(new SlaAlert(TicketId, target.Kind, target.Cycle, SlaAlertKind.Breach, milestone.Share, due));
                    }
                }
                else if (milestone.At is { } at && at > after && at <= upTo && (target.StoppedAt is null || at <= target.StoppedAt))
                {
                    alerts.Add(new SlaAlert(TicketId, target.Kind, target.Cycle, SlaAlertKind.Warning, milestone.Share, at));
                }
            }
        }

        if (EscalationPoint is { } point && point.WarnAt > after && point.WarnAt <= upTo && (point.EndedAt is null || point.WarnAt <= point.EndedAt))
        {
            var share = (point.Target - point.LeadTime).TotalTicks / point.Target.TotalTicks;
            alerts.Add(new SlaAlert(TicketId, SlaTargetKind.Escalation, 0, SlaAlertKind.EscalationWarning, share, point.WarnAt));
        }

        alerts.Sort((a, b) => a.At.CompareTo(b.At));
        return alerts;
    }
}

/// <summary>Whether an alert warns or reports a breach.</summary>
public enum SlaAlertKind
{
    /// <summary>A warning threshold (e.g. 75 % of the target) was reached.</summary>
    Warning = 0,

    /// <summary>The target ran out.</summary>
    Breach = 1,

    /// <summary>
    /// The ticket nears its escalation point unescalated: <see cref="SlaPolicySet.EscalationWarningLeadTime"/> of working
    /// time is left before the escalation target (the guides' 2 h) runs out — escalate now if the front line cannot solve it.
    /// </summary>
    EscalationWarning = 2,
}

/// <summary>An SLA warning or breach, for the host to notify the owner.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="Kind">The target.</param>
/// <param name="Cycle">0 for a ticket-level clock, else the resolution cycle.</param>
/// <param name="AlertKind">Warning or breach.</param>
/// <param name="Share">The share of the target reached (1.0 for a breach).</param>
/// <param name="At">When it was reached.</param>
public sealed record SlaAlert(TicketId TicketId, SlaTargetKind Kind, int Cycle, SlaAlertKind AlertKind, double Share, Instant At)
{
    /// <summary>
    /// The alert's stable id, the same on every node and after every restart or failover:
    /// <c>sla:{ticket id, 32 hex digits}:{target}:{cycle}:{alert kind}:{share in per mille}</c>, e.g.
    /// <c>sla:6f0c…e1:FirstResponse:0:Warning:750</c>. One clock reaches each milestone once, so the id names one
    /// announcement: a handler that keeps the ids it handled (a unique key in its own table) can drop a repeat —
    /// the background service delivers at least once (see the README's "Running several nodes").
    /// </summary>
    public string Id => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sla:{TicketId.Value:N}:{Kind}:{Cycle}:{AlertKind}:{(int)Math.Round(Share * 1000, MidpointRounding.AwayFromZero)}");
}
