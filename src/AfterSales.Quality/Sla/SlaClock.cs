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
/// escalated tickets only (a complex issue is known as such when it is escalated).</item>
/// <item><b>Negative feedback</b> clocks start when a ticket becomes negative feedback — at receipt for
/// a complaint, at the reopen for an unsatisfied revisit: contact stops at the next reply, resolution
/// at the next satisfied (or unreachable) revisit outcome, pausing while pending the customer.</item>
/// <item>The policy is chosen by the ticket's <i>current</i> attributes and the clock always runs from
/// its original start: a priority change re-targets retroactively ("retroactive start").</item>
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
    public static TicketSla Evaluate(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now) => Evaluate(history, policies, now, out _);

    /// <summary>Evaluates the clocks and gives the ticket's state after its history (for reading only: no command ids).</summary>
    internal static TicketSla Evaluate(IReadOnlyList<TicketEvent> history, SlaPolicySet policies, Instant now, out Ticket ticket)
    {
        Preconditions.CheckNotNull(history);
        Preconditions.CheckNotNull(policies);
        Preconditions.CheckArgument(history.Count > 0 && history[0] is TicketRegistered, nameof(history), "A ticket's history starts with its registration.");
        var tracks = Walk(history, out ticket);
        var statuses = new List<SlaTargetStatus>();
        foreach (var (kind, cycle, track) in tracks)
        {
            if (policies.Select(ticket, kind) is not { } selected)
            {
                continue;
            }

            if (!policies.Calendars.TryGetValue(selected.Target.Calendar, out var calendar))
            {
                throw new InvalidOperationException($"SLA policy '{selected.Policy.Name}' names calendar '{selected.Target.Calendar}', which the policy set does not have.");
            }

            statuses.Add(track.Evaluate(kind, cycle, selected.Policy.Name, selected.Target, calendar, policies.WarningThresholds, now));
        }

        return new TicketSla(ticket.Id, now, statuses);
    }

    private static List<(SlaTargetKind Kind, int Cycle, ClockTrack Track)> Walk(IReadOnlyList<TicketEvent> history, out Ticket ticket)
    {
        var registered = (TicketRegistered)history[0];
        ticket = Ticket.Empty(registered.TicketId);
        var received = registered.Intake.ReceivedAt;
        var firstResponse = ClockTrack.Begin(received);
        var resolution = ClockTrack.Begin(received);
        var cycles = new List<ClockTrack> { ClockTrack.Begin(received) };
        var revisits = new List<ClockTrack>();
        ClockTrack? escalation = null;
        var escalated = false;
        ClockTrack? negativeContact = null;
        ClockTrack? negativeResolution = null;
        var replies = new List<Instant>();

        // A complaint counts every reply since receipt; a reopen only the replies that follow it.
        void StartNegative(Instant at, bool countEarlierReplies)
        {
            if (negativeContact is not null)
            {
                return;
            }

            negativeContact = ClockTrack.Begin(at);
            negativeResolution = ClockTrack.Begin(at);
            if (countEarlierReplies && replies.Count > 0)
            {
                negativeContact.Stop(replies[0]);
            }
        }

        foreach (var e in history)
        {
            ticket = ticket.ApplyForReading(e);
            var at = e.OccurredAt;
            switch (e)
            {
                case TicketTriaged t when t.Category == TicketCategory.Complaint:
                    StartNegative(received, countEarlierReplies: true);
                    break;
                case ResponseRecorded:
                    replies.Add(at);
                    firstResponse.Stop(at);
                    if (negativeContact is { IsOpen: true })
                    {
                        negativeContact.Stop(at);
                    }

                    break;
                case WorkStarted:
                    escalation ??= ClockTrack.Begin(at);
                    break;
                case TicketEscalated:
                    escalated = true;
                    (escalation ??= ClockTrack.Begin(at)).Stop(at);
                    break;
                case PendingCustomerStarted:
                    resolution.Pause(at);
                    cycles[^1].Pause(at);
                    negativeResolution?.Pause(at);
                    break;
                case PendingCustomerEnded:
                    resolution.Resume(at);
                    cycles[^1].Resume(at);
                    negativeResolution?.Resume(at);
                    break;
                case TicketResolved:
                    resolution.Pause(at);
                    cycles[^1].Stop(at);
                    revisits.Add(ClockTrack.Begin(at));
                    break;
                case RevisitRecorded v:
                    if (revisits.Count > 0)
                    {
                        revisits[^1].Stop(at);
                    }

                    if (v.Outcome != RevisitOutcome.Unsatisfied && negativeResolution is { IsOpen: true })
                    {
                        negativeResolution.Stop(at);
                    }

                    break;
                case TicketReopened:
                    resolution.Resume(at);
                    cycles.Add(ClockTrack.Begin(at));
                    StartNegative(at, countEarlierReplies: false);
                    break;
                case TicketClosed closed:
                    resolution.Stop(at);
                    if (closed.ClosedBySource is not null && revisits.Count > 0 && revisits[^1].IsOpen)
                    {
                        revisits[^1].Cancel(at); // closed by the source without a revisit: none came due here
                    }

                    break;
                case TicketCancelled or TicketMarkedDuplicate:
                    foreach (var track in new[] { firstResponse, resolution, escalation, negativeContact, negativeResolution }.Concat(cycles).Concat(revisits))
                    {
                        track?.Cancel(at);
                    }

                    break;
            }
        }

        // The ticket-level resolution clock stops at the last resolution once the ticket is closed or revisited.
        if (ticket.State is TicketState.Resolved or TicketState.Revisited or TicketState.Closed && resolution.IsOpen)
        {
            resolution.StopAtLastPause();
        }

        var result = new List<(SlaTargetKind, int, ClockTrack)> { (SlaTargetKind.FirstResponse, 0, firstResponse), (SlaTargetKind.Resolution, 0, resolution) };
        if (escalated && escalation is not null)
        {
            result.Add((SlaTargetKind.Escalation, 0, escalation));
        }

        if (negativeContact is not null)
        {
            result.Add((SlaTargetKind.NegativeFeedbackContact, 0, negativeContact));
            result.Add((SlaTargetKind.NegativeFeedbackResolution, 0, negativeResolution!));
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

        private ClockTrack(Instant start)
        {
            StartedAt = start;
            intervals.Add((start, null));
        }

        public Instant StartedAt { get; }

        public Instant? StoppedAt { get; private set; }

        public bool IsOpen => StoppedAt is null;

        private bool IsRunning => IsOpen && intervals[^1].End is null;

        public static ClockTrack Begin(Instant start) => new(start);

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

        public void StopAtLastPause()
        {
            if (IsOpen && !IsRunning)
            {
                StoppedAt = intervals[^1].End;
            }
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
            var elapsed = Duration.Zero;
            foreach (var (start, end) in intervals)
            {
                var to = end ?? now;
                if (to > start)
                {
                    elapsed += calendar.WorkingTimeBetween(start, to);
                }
            }

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
            var late = elapsed > target.Duration;
            var state = cancelled ? SlaClockState.Cancelled
                : StoppedAt is not null ? (late ? SlaClockState.Breached : SlaClockState.Met)
                : late ? SlaClockState.Overdue
                : IsRunning ? SlaClockState.Running
                : SlaClockState.Paused;
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
                WarningsReached = reached,
                Milestones = milestones,
            };
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

        private static Duration Scale(Duration duration, double share) => Duration.FromTicks((long)Math.Round(duration.BclCompatibleTicks * share));

        private static Instant Max(Instant a, Instant b) => a > b ? a : b;
    }
}
