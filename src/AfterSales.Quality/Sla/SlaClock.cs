using AfterSales.Quality.Calendars;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Sla;

/// <summary>
/// Computes a ticket's SLA state from its event history — never from stored numbers, so pauses
/// survive priority and policy changes, and a changed calendar or policy recalculates every open
/// ticket the next time it is evaluated.
/// </summary>
/// <remarks>
/// <para>Clock semantics:</para>
/// <list type="bullet">
/// <item><b>First response</b> runs from <see cref="TicketIntake.ReceivedAt"/> to the first human reply.</item>
/// <item><b>Resolution</b> runs from receipt to resolution and pauses while the ticket is pending the
/// customer. Every reopen starts a new <i>resolution cycle</i> with its own clock and breach (cycle 1,
/// 2, ...; as Jira Service Management does), and the ticket-level clock (cycle 0) resumes: it sums
/// working time across cycles and leaves out the time the ticket sat resolved (Zendesk's "requester
/// wait"-style pause).</item>
/// <item><b>Revisit after resolution</b> runs from each resolution to its revisit outcome (one per cycle).</item>
/// <item><b>Escalation</b> runs from the first start of work to the first escalation, and applies to
/// escalated tickets only (a complex issue is known as such when it is escalated). Every ticket whose work
/// began has an <see cref="TicketSla.EscalationPoint"/> (the escalation target from the first start of work)
/// and, while it is neither escalated, resolved, closed nor cancelled, raises an
/// <see cref="SlaAlertKind.EscalationWarning"/> <see cref="SlaPolicySet.EscalationWarningLeadTime"/> of working
/// time before it.</item>
/// <item><b>Negative feedback</b> clocks start when a ticket becomes negative feedback — at receipt for
/// a complaint, at the reopen for an unsatisfied revisit or a dissatisfied survey after the revisit, at the
/// survey for a dissatisfied survey before the revisit: contact stops at the next reply or revisit that
/// reaches the customer, resolve-and-revisit at the next satisfied (or unreachable) revisit outcome, pausing
/// while pending the customer. One episode runs at a time; the first is reported as cycle 0, a later one
/// under the resolution cycle it starts in.</item>
/// <item>A clock still open when the ticket is closed (no reply was recorded, the customer was never reached)
/// stops at the closure: no closed ticket has a running clock. A reopen from closed (a dissatisfied survey)
/// starts new cycles; the clocks the closure stopped stay as they were.</item>
/// <item>An <i>open</i> clock's policy is chosen by the ticket's current attributes and the clock always
/// runs from its original start: a priority change re-targets it retroactively ("retroactive start").
/// A <i>stopped</i> clock keeps the policy, target and outcome it had when it stopped (chosen by the
/// ticket's attributes right after the stopping event; when no policy applied then, by the first later
/// state one applies to): events after the stop — a re-triage after a reopen, a priority override —
/// never change its state, due or elapsed, so a closed period's SLA attainment never changes.</item>
/// <item>The ticket-level resolution clock (cycle 0) is <i>paused</i> while the ticket sits resolved or
/// revisited (a reopen resumes it) and stops at the last resolution when the ticket is closed.</item>
/// <item>Boundary rule: a target is <b>met</b> when the clock stops with at most the target's working
/// time elapsed, <b>breached</b> when more has elapsed. <see cref="SlaTargetStatus.Due"/> is the earliest
/// instant the target is used up and <see cref="SlaTargetStatus.BreachAt"/> the last instant the clock
/// can still stop and meet it (the due instant, or the next working instant after it when the target
/// runs out at the end of working hours); state, alerts (<see cref="TicketSla.AlertsBetween"/>) and
/// KPIs all use this rule.</item>
/// <item>Cancelling or marking a duplicate stops open clocks as <see cref="SlaClockState.Cancelled"/>.</item>
/// </list>
/// </remarks>
public static class SlaClock
{
    /// <summary>Evaluates every target that applies to a ticket.</summary>
    /// <param name="history">The ticket's events, oldest first (at least the registration).</param>
    /// <param name="policies">The policies and calendars in force.</param>
    /// <param name="now">The instant open clocks are read at.</param>
    /// <returns>The ticket's SLA state.</returns>
    /// <exception cref="ArgumentException">The history is empty or does not start with a registration.</exception>
    /// <exception cref="QualityValidationException">The policy set is invalid (validated once per instance; the message names the path, e.g. <c>SlaPolicySet.Policies[1].Targets[0].Duration</c>).</exception>
    public static TicketSla Evaluate(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now) => Evaluate(history, policies, now, out _);

    /// <summary>Evaluates the clocks and gives the ticket's state after its history (for reading only: no command ids).</summary>
    internal static TicketSla Evaluate(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now, out Ticket ticket) =>
        Evaluate(history, policies, now, out ticket, outcomesOnly: false);

    /// <summary>
    /// Evaluates the clocks; with <paramref name="outcomesOnly"/> each target's status carries only what a KPI reads — kind,
    /// cycle, policy, target, start, stop, state, elapsed — and no due instants, milestones, warnings or coverage (the
    /// calendar work of projecting them is most of an evaluation), for <see cref="Kpi.TicketOutcome.Measure(IReadOnlyList{TicketEvent}, SlaPolicySet, Instant)"/>.
    /// </summary>
    internal static TicketSla Evaluate(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now, out Ticket ticket, bool outcomesOnly)
    {
        Preconditions.CheckNotNull(history);
        Preconditions.CheckNotNull(policies);
        Preconditions.CheckArgument(history.Count > 0 && history[0] is TicketRegistered, nameof(history), "A ticket's history starts with its registration.");
        policies.EnsureValid();
        var tracks = Walk(history, policies, out ticket, out var watch);
        var statuses = new List<SlaTargetStatus>();
        foreach (var (kind, cycle, track) in tracks)
        {
            // An open clock follows the ticket as it is now; a stopped one keeps the attributes it stopped with.
            var basis = track.IsOpen ? ticket : track.Basis;
            if (basis is null || policies.Select(basis, kind) is not { } selected)
            {
                continue;
            }

            if (!policies.Calendars.TryGetValue(selected.Target.Calendar, out var calendar))
            {
                throw new InvalidOperationException($"SLA policy '{selected.Policy.Name}' names calendar '{selected.Target.Calendar}', which the policy set does not have.");
            }

            statuses.Add(outcomesOnly
                ? track.EvaluateOutcome(kind, cycle, selected.Policy.Name, selected.Target, calendar, now)
                : track.Evaluate(kind, cycle, selected.Policy.Name, selected.Target, calendar, policies.WarningThresholds, now));
        }

        return new TicketSla(ticket.Id, now, statuses) { EscalationPoint = outcomesOnly ? null : EscalationPointOf(watch, ticket, policies) };
    }

    /// <summary>
    /// The escalation point of a ticket not escalated when its work began: the instant its escalation target runs out,
    /// and the warning <see cref="SlaPolicySet.EscalationWarningLeadTime"/> of working time before it.
    /// </summary>
    private static SlaEscalationPoint? EscalationPointOf((Instant Start, Instant? End, Ticket? Basis)? watch, Ticket ticket, SlaPolicySet policies)
    {
        if (watch is not { } w || (w.End is null ? ticket : w.Basis) is not { } basis || policies.Select(basis, SlaTargetKind.Escalation) is not { } selected
            || !policies.Calendars.TryGetValue(selected.Target.Calendar, out var calendar))
        {
            return null;
        }

        var target = selected.Target.Duration;
        var lead = policies.EscalationWarningLeadTime < target ? policies.EscalationWarningLeadTime : target;
        try
        {
            return new SlaEscalationPoint(w.Start, calendar.AddWorkingTime(w.Start, target), calendar.AddWorkingTime(w.Start, target - lead), w.End, selected.Policy.Name, selected.Target.Calendar, target, lead);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // past the calendar's range: no escalation point to warn of
        }
    }

    private static List<(SlaTargetKind Kind, int Cycle, ClockTrack Track)> Walk(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, out Ticket ticket, out (Instant Start, Instant? End, Ticket? Basis)? watch)
    {
        // The escalation watch: from the first start of work until the ticket is escalated, resolved by the front line,
        // closed or cancelled — the span in which the escalation point can still be reached unescalated.
        watch = null;
        var registered = (TicketRegistered)history[0];
        ticket = Ticket.Empty(registered.TicketId);
        var received = registered.Intake.ReceivedAt;
        var all = new List<ClockTrack>(8);
        var firstResponse = Track(received, SlaTargetKind.FirstResponse);
        var resolution = Track(received, SlaTargetKind.Resolution);
        var cycles = new List<ClockTrack> { Track(received, SlaTargetKind.Resolution) };
        var revisits = new List<ClockTrack>();
        Ticket? lastResolved = null;
        ClockTrack? escalation = null;
        var escalated = false;
        var negative = new List<(ClockTrack Contact, ClockTrack Resolution, int Cycle)>();
        var replies = new List<Instant>();

        // One negative-feedback episode runs at a time: a complaint counts every reply since receipt; a reopen or a
        // dissatisfied survey only the contacts that follow it. The first episode is the ticket-level pair (cycle 0);
        // a later one is reported under the resolution cycle it starts in.
        void StartNegative(Instant at, bool countEarlierReplies, int cycle)
        {
            if (negative.Count > 0 && negative[^1].Resolution.IsOpen)
            {
                return;
            }

            var contact = Track(at, SlaTargetKind.NegativeFeedbackContact);
            if (countEarlierReplies && replies.Count > 0)
            {
                contact.Stop(replies[0]);
            }

            negative.Add((contact, Track(at, SlaTargetKind.NegativeFeedbackResolution), negative.Count == 0 ? 0 : cycle));
        }

        // Every clock begun, in one list: stopping, cancelling and settling them all walks it, with no sequence built per event.
        ClockTrack Track(Instant start, SlaTargetKind kind)
        {
            var track = ClockTrack.Begin(start, kind);
            all.Add(track);
            return track;
        }

        foreach (var e in history)
        {
            ticket = ticket.ApplyForReading(e);
            var at = e.OccurredAt;
            switch (e)
            {
                case TicketTriaged t when t.Category == TicketCategory.Complaint && negative.Count == 0:
                    StartNegative(received, countEarlierReplies: true, ticket.ResolutionCycle);
                    break;
                case NegativeFeedbackRaised when ticket.State == TicketState.Resolved:
                    // A dissatisfied survey before the revisit: the revisit still decides, the clocks run from now.
                    StartNegative(at, countEarlierReplies: false, ticket.ResolutionCycle);
                    break;
                case ResponseRecorded:
                    replies.Add(at);
                    firstResponse.Stop(at);
                    foreach (var n in negative)
                    {
                        n.Contact.Stop(at);
                    }

                    break;
                case WorkStarted:
                    escalation ??= Track(at, SlaTargetKind.Escalation);
                    if (!escalated)
                    {
                        watch ??= (at, null, null); // escalated before work began: no point to reach
                    }

                    break;
                case TicketEscalated:
                    escalated = true;
                    (escalation ??= Track(at, SlaTargetKind.Escalation)).Stop(at);
                    break;
                case PendingCustomerStarted:
                    resolution.Pause(at);
                    cycles[^1].Pause(at);
                    foreach (var n in negative)
                    {
                        n.Resolution.Pause(at);
                    }

                    break;
                case PendingCustomerEnded:
                    resolution.Resume(at);
                    cycles[^1].Resume(at);
                    foreach (var n in negative)
                    {
                        n.Resolution.Resume(at);
                    }

                    break;
                case TicketResolved:
                    resolution.Pause(at);
                    cycles[^1].Stop(at);
                    revisits.Add(Track(at, SlaTargetKind.RevisitAfterResolution));
                    lastResolved = ticket;
                    break;
                case RevisitRecorded v:
                    if (revisits.Count > 0)
                    {
                        revisits[^1].Stop(at);
                    }

                    foreach (var n in negative)
                    {
                        // A revisit that reached the customer is a contact; a satisfied (or unreachable) one ends the episode.
                        if (v.Outcome != RevisitOutcome.Unreachable)
                        {
                            n.Contact.Stop(at);
                        }

                        if (v.Outcome != RevisitOutcome.Unsatisfied)
                        {
                            n.Resolution.Stop(at);
                        }
                    }

                    break;
                case TicketReopened:
                    resolution.Resume(at);
                    cycles.Add(Track(at, SlaTargetKind.Resolution));
                    StartNegative(at, countEarlierReplies: false, ticket.ResolutionCycle);
                    break;
                case TicketClosed closed:
                    // Closed after a resolution: the ticket-level clock stops where it paused, at the last resolution.
                    if (resolution.StopAtLastPause())
                    {
                        resolution.Settle(lastResolved, policies);
                    }

                    resolution.Stop(at);
                    if (closed.ClosedBySource is not null && revisits.Count > 0 && revisits[^1].IsOpen)
                    {
                        revisits[^1].Cancel(at); // closed by the source without a revisit: none came due here
                    }

                    // The loop is closed: a clock still open (no reply was recorded, the customer was never reached)
                    // is measured up to the closure, so no closed ticket keeps a running clock.
                    foreach (var track in all)
                    {
                        track.Stop(at);
                    }

                    break;
                case TicketCancelled or TicketMarkedDuplicate:
                    foreach (var track in all)
                    {
                        track.Cancel(at);
                    }

                    break;
            }

            if (watch is { End: null } open && e is TicketEscalated or TicketResolved or TicketClosed or TicketCancelled or TicketMarkedDuplicate)
            {
                watch = (open.Start, at, ticket);
            }

            // A clock that has stopped takes its policy from the ticket as it is right after the stop, once.
            foreach (var track in all)
            {
                track.Settle(ticket, policies);
            }
        }

        var result = new List<(SlaTargetKind, int, ClockTrack)> { (SlaTargetKind.FirstResponse, 0, firstResponse), (SlaTargetKind.Resolution, 0, resolution) };
        if (escalated && escalation is not null)
        {
            result.Add((SlaTargetKind.Escalation, 0, escalation));
        }

        foreach (var (contact, negativeResolution, cycle) in negative)
        {
            result.Add((SlaTargetKind.NegativeFeedbackContact, cycle, contact));
            result.Add((SlaTargetKind.NegativeFeedbackResolution, cycle, negativeResolution));
        }

        // Every resolution cycle is reported, also the first of a ticket never reopened (it then equals cycle 0).
        result.AddRange(cycles.Select((c, i) => (SlaTargetKind.Resolution, i + 1, c)));

        result.AddRange(revisits.Select((r, i) => (SlaTargetKind.RevisitAfterResolution, i + 1, r)));
        return result;
    }

    /// <summary>The running intervals of one clock.</summary>
    private sealed class ClockTrack
    {
        private readonly List<(Instant Start, Instant? End)> intervals = [];
        private bool cancelled;

        private ClockTrack(Instant start, SlaTargetKind kind)
        {
            StartedAt = start;
            Kind = kind;
            intervals.Add((start, null));
        }

        public Instant StartedAt { get; }

        public SlaTargetKind Kind { get; }

        /// <summary>For a stopped clock, the ticket state whose attributes choose its policy; null while open or while no policy applied yet.</summary>
        public Ticket? Basis { get; private set; }

        public Instant? StoppedAt { get; private set; }

        public bool IsOpen => StoppedAt is null;

        private bool IsRunning => IsOpen && intervals[^1].End is null;

        public static ClockTrack Begin(Instant start, SlaTargetKind kind) => new(start, kind);

        /// <summary>Fixes the basis of a stopped clock the first time a policy applies to it.</summary>
        public void Settle(Ticket? ticket, SlaPolicySet policies)
        {
            if (!IsOpen && Basis is null && ticket is not null && policies.Select(ticket, Kind) is not null)
            {
                Basis = ticket;
            }
        }

        public void Pause(Instant at)
        {
            if (IsRunning)
            {
                intervals[^1] = (intervals[^1].Start, Max(at, intervals[^1].Start));
            }
        }

        public void Resume(Instant at)
        {
            if (IsOpen && !IsRunning)
            {
                intervals.Add((Max(at, intervals[^1].End!.Value), null));
            }
        }

        public void Stop(Instant at)
        {
            if (IsOpen)
            {
                Pause(at);
                StoppedAt = intervals[^1].End;
            }
        }

        public bool StopAtLastPause()
        {
            if (IsOpen && !IsRunning)
            {
                StoppedAt = intervals[^1].End;
                return true;
            }

            return false;
        }

        public void Cancel(Instant at)
        {
            if (IsOpen)
            {
                Stop(at);
                cancelled = true;
            }
        }

        public SlaTargetStatus Evaluate(SlaTargetKind kind, int cycle, string policy, SlaTarget target, BusinessCalendar calendar, IReadOnlyList<double> thresholds, Instant now)
        {
            var elapsed = ElapsedAt(calendar, now);
            var milestones = new SlaMilestone[thresholds.Count + 1];
            var reached = new List<double>();
            for (var i = 0; i < thresholds.Count; i++)
            {
                milestones[i] = new SlaMilestone(thresholds[i], InstantAt(calendar, Scale(target.Duration, thresholds[i])));
                if (elapsed >= Scale(target.Duration, thresholds[i]))
                {
                    reached.Add(thresholds[i]);
                }
            }

            var due = InstantAt(calendar, target.Duration);
            milestones[^1] = new SlaMilestone(1.0, due);
            var breachAt = due is null ? null : BreachInstant(calendar, target.Duration, due.Value);
            var state = StateOf(elapsed, target);
            return new SlaTargetStatus
            {
                Kind = kind,
                Cycle = cycle,
                Policy = policy,
                Calendar = target.Calendar,
                Target = target.Duration,
                StartedAt = StartedAt,
                StoppedAt = StoppedAt,
                State = state,
                Elapsed = elapsed,
                Due = due,
                BreachAt = breachAt,
                DueIfResumedNow = StoppedAt is not null ? null : IsRunning ? due : DueIfResumed(calendar, target.Duration, elapsed, due, now),
                IsRunning = IsRunning,
                OutsideCalendarCoverage = calendar.CoveredYears is not null && !calendar.Covers(StartedAt, Max(StoppedAt ?? now, due ?? StartedAt)),
                WarningsReached = reached,
                Milestones = milestones,
            };
        }

        /// <summary>
        /// The status with what a KPI reads only (see <c>Evaluate</c>'s <c>outcomesOnly</c>): the same kind, cycle, policy, target,
        /// start, stop, state and elapsed as <see cref="Evaluate"/>; and, only while it runs within its target, the due instant
        /// (after which it is overdue: what makes a measured outcome change with time alone).
        /// </summary>
        public SlaTargetStatus EvaluateOutcome(SlaTargetKind kind, int cycle, string policy, SlaTarget target, BusinessCalendar calendar, Instant now)
        {
            var elapsed = ElapsedAt(calendar, now);
            var state = StateOf(elapsed, target);
            return new SlaTargetStatus
            {
                Due = state == SlaClockState.Running ? InstantAt(calendar, target.Duration) : null,
                Kind = kind,
                Cycle = cycle,
                Policy = policy,
                Calendar = target.Calendar,
                Target = target.Duration,
                StartedAt = StartedAt,
                StoppedAt = StoppedAt,
                State = state,
                Elapsed = elapsed,
                IsRunning = IsRunning,
                WarningsReached = [],
                Milestones = [],
            };
        }

        /// <summary>The working time the clock has run by <paramref name="now"/>.</summary>
        private Duration ElapsedAt(BusinessCalendar calendar, Instant now)
        {
            var elapsed = Duration.Zero;
            foreach (var (start, end) in intervals)
            {
                var to = end ?? now;
                if (to > start)
                {
                    elapsed += calendar.WorkingTimeBetween(start, to);
                }
            }

            return elapsed;
        }

        /// <summary>The boundary rule: met at most the target's working time, breached (or overdue while open) beyond it.</summary>
        private SlaClockState StateOf(Duration elapsed, SlaTarget target)
        {
            var late = elapsed > target.Duration;
            return cancelled ? SlaClockState.Cancelled
                : StoppedAt is not null ? (late ? SlaClockState.Breached : SlaClockState.Met)
                : late ? SlaClockState.Overdue
                : IsRunning ? SlaClockState.Running
                : SlaClockState.Paused;
        }

        /// <summary>The instant the clock's working time reaches <paramref name="offset"/>; projected past a stop; null while paused short of it.</summary>
        private Instant? InstantAt(BusinessCalendar calendar, Duration offset)
        {
            var remaining = offset;
            Instant lastEnd = StartedAt;
            foreach (var (start, end) in intervals)
            {
                if (end is null)
                {
                    return calendar.AddWorkingTime(start, remaining);
                }

                var worked = calendar.WorkingTimeBetween(start, end.Value);
                if (worked >= remaining)
                {
                    return calendar.AddWorkingTime(start, remaining);
                }

                remaining -= worked;
                lastEnd = end.Value;
            }

            return StoppedAt is not null ? calendar.AddWorkingTime(lastEnd, remaining) : null;
        }

        /// <summary>
        /// The last instant the clock can stop and still meet a target due at <paramref name="due"/>: the
        /// first working instant at or after the due instant while the clock runs (where more working time
        /// would start to pass); projected past a stop; null while paused exactly at the target.
        /// </summary>
        private Instant? BreachInstant(BusinessCalendar calendar, Duration target, Instant due)
        {
            try
            {
                foreach (var (start, end) in intervals)
                {
                    var from = start > due ? start : due;
                    if (end is { } e && e < from)
                    {
                        continue; // wholly before the due instant
                    }

                    var next = calendar.NextWorkingInstant(from);
                    if (end is null || next < end.Value)
                    {
                        return next;
                    }
                }

                // No running working time after the due instant: unknown while paused; for a stopped clock
                // (stopped within its target) projected as if it had kept running.
                return StoppedAt is { } stopped ? calendar.NextWorkingInstant(Max(stopped, due)) : null;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentOutOfRangeException)
            {
                return null; // no working time follows inside the calendar's range: never breached
            }
        }

        private Instant? DueIfResumed(BusinessCalendar calendar, Duration target, Duration elapsed, Instant? due, Instant now)
        {
            if (elapsed >= target)
            {
                return due; // already used up: due in the past
            }

            try
            {
                return calendar.AddWorkingTime(Max(now, intervals[^1].End ?? now), target - elapsed);
            }
            catch (ArgumentOutOfRangeException)
            {
                return null; // past the calendar's range
            }
        }

        private static Duration Scale(Duration duration, double share) => Duration.FromTicks((long)Math.Round(duration.BclCompatibleTicks * share));

        private static Instant Max(Instant a, Instant b) => a > b ? a : b;
    }
}
