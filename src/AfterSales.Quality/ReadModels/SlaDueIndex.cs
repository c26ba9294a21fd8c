using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels;

/// <summary>An open SLA clock and when it runs out.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="FeedbackNumber">The ticket's feedback number.</param>
/// <param name="Kind">The target.</param>
/// <param name="Cycle">0 for a ticket-level clock, else the resolution cycle.</param>
/// <param name="Due">When the target runs out (in the past when overdue).</param>
/// <param name="Policy">The policy that set the target.</param>
public sealed record SlaDueEntry(TicketId TicketId, string FeedbackNumber, SlaTargetKind Kind, int Cycle, Instant Due, string Policy);

/// <summary>
/// The SLA due index: a read model fed from the ticket event feed that answers "what is due or
/// overdue before instant X" over every open, running clock. Paused clocks are not due (their due
/// instant is unknown until they resume); closed, cancelled and duplicate tickets leave the index. A
/// ticket a dissatisfied survey reopens after its closure comes back through <see cref="CatchUpAsync"/>
/// (which reads its history back from the store; an event applied by hand for a ticket that left is ignored).
/// Applying a position twice is a no-op, so a projection can resume from a checkpoint.
/// Thread-safe.
/// </summary>
public sealed partial class SlaDueIndex : IReopenableFollower
{
    private readonly Lock gate = new();
    private readonly Dictionary<TicketId, List<TicketEvent>> histories = [];
    private readonly Dictionary<TicketId, SlaDueEntry[]> entries = [];

    // Histories of tickets that left the index since the last scan, kept for the monitor so that what they reached while open is announced.
    private readonly List<List<TicketEvent>> leftSinceScan = [];
    private bool retainLeft;
    private SlaPolicySet policies;
    private long position;

    /// <summary>Creates an empty index.</summary>
    /// <param name="policies">The policies in force; validated here.</param>
    /// <exception cref="QualityValidationException">The policy set is invalid.</exception>
    public SlaDueIndex(SlaPolicySet policies)
    {
        Preconditions.CheckNotNull(policies).Validate();
        this.policies = policies;
    }

    /// <summary>The last feed position applied (0 when none).</summary>
    public long Position
    {
        get
        {
            lock (gate)
            {
                return position;
            }
        }
    }

    /// <summary>The number of open tickets tracked.</summary>
    public int OpenTickets
    {
        get
        {
            lock (gate)
            {
                return histories.Count;
            }
        }
    }

    /// <summary>Applies one event of the feed. Positions at or below <see cref="Position"/> are ignored.</summary>
    /// <param name="recorded">The recorded event.</param>
    public void Apply(RecordedEvent recorded)
    {
        Preconditions.CheckNotNull(recorded);
        lock (gate)
        {
            if (recorded.Position <= position)
            {
                return;
            }

            position = recorded.Position;
            anchor = new Snapshots.FeedAnchor(recorded.Position, recorded.Event.TicketId, recorded.Version);
            var id = recorded.Event.TicketId;
            if (!histories.TryGetValue(id, out var history))
            {
                if (recorded.Event is not TicketRegistered)
                {
                    return; // The ticket was closed before, or its registration precedes the checkpoint.
                }

                histories[id] = history = [];
            }

            history.Add(recorded.Event);
            if (recorded.Event is TicketClosed or TicketCancelled or TicketMarkedDuplicate)
            {
                if (retainLeft)
                {
                    leftSinceScan.Add(history);
                }

                histories.Remove(id);
                entries.Remove(id);
                return;
            }

            Index(id, history);
        }
    }

    bool IReopenableFollower.Tracks(TicketId ticketId)
    {
        lock (gate)
        {
            return histories.ContainsKey(ticketId);
        }
    }

    void IReopenableFollower.Restore(TicketId ticketId, IReadOnlyList<TicketEvent> history)
    {
        lock (gate)
        {
            histories[ticketId] = [.. history];
        }
    }

    /// <summary>
    /// Applies one event of the feed, as <see cref="Apply"/> does, and takes back a ticket a dissatisfied survey
    /// reopens after its closure (its history is read from <paramref name="store"/>; <see cref="Apply"/> alone ignores
    /// events of a ticket that left). For hosts that pump the feed themselves.
    /// </summary>
    /// <param name="recorded">The recorded event.</param>
    /// <param name="store">The ticket log the feed comes from.</param>
    /// <param name="cancellationToken">Cancels the read-back; nothing is applied then.</param>
    /// <returns>A task that completes when the event is applied.</returns>
    public ValueTask ApplyAsync(RecordedEvent recorded, ITicketStore store, CancellationToken cancellationToken = default) =>
        FeedFollower.ApplyAsync(this, recorded, store, cancellationToken);

    /// <summary>Reads the feed from <see cref="Position"/> to its end and applies every event.</summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="cancellationToken">Cancels the catch-up; what was applied stays applied.</param>
    /// <returns>The position reached.</returns>
    public Task<long> CatchUpAsync(ITicketStore store, CancellationToken cancellationToken = default) => FeedFollower.CatchUpAsync(this, store, cancellationToken);

    /// <summary>Open, running clocks whose target runs out at or before <paramref name="before"/> (overdue ones included), earliest first.</summary>
    /// <param name="before">The horizon.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<SlaDueEntry> DueBefore(Instant before)
    {
        lock (gate)
        {
            return entries.Values.SelectMany(e => e).Where(e => e.Due <= before)
                .OrderBy(e => e.Due).ThenBy(e => e.FeedbackNumber, StringComparer.Ordinal).ThenBy(e => e.Kind).ToArray();
        }
    }

    /// <summary>Evaluates an open ticket's SLA at <paramref name="now"/>; null when the ticket is not open in the index.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="now">The instant open clocks are read at.</param>
    /// <returns>The ticket's SLA state, or null.</returns>
    public TicketSla? Evaluate(TicketId ticketId, Instant now)
    {
        lock (gate)
        {
            return histories.TryGetValue(ticketId, out var history) ? SlaClock.Evaluate(history, policies, now) : null;
        }
    }

    /// <summary>Evaluates every open ticket at <paramref name="now"/>.</summary>
    /// <param name="now">The instant open clocks are read at.</param>
    /// <returns>The SLA state of each open ticket.</returns>
    public IReadOnlyList<TicketSla> EvaluateAll(Instant now)
    {
        lock (gate)
        {
            return histories.Values.Select(h => SlaClock.Evaluate(h, policies, now)).ToArray();
        }
    }

    /// <summary>Starts keeping the histories of tickets that leave the index until the next <see cref="EvaluateForScan"/> (a monitor scans it).</summary>
    internal void RetainLeftTickets()
    {
        lock (gate)
        {
            retainLeft = true;
        }
    }

    /// <summary>Evaluates every open ticket and every ticket that left since the previous call, then forgets the latter.</summary>
    internal IReadOnlyList<TicketSla> EvaluateForScan(Instant now)
    {
        lock (gate)
        {
            var result = histories.Values.Concat(leftSinceScan).Select(h => SlaClock.Evaluate(h, policies, now)).ToArray();
            leftSinceScan.Clear();
            return result;
        }
    }

    /// <summary>
    /// Replaces the policies (or calendars) and recalculates every open ticket from its history,
    /// keeping every pause: the due instants move, nothing is lost.
    /// </summary>
    /// <param name="newPolicies">The new policy set; validated first, and nothing changes if it is invalid.</param>
    /// <exception cref="QualityValidationException">The policy set is invalid.</exception>
    public void ChangePolicies(SlaPolicySet newPolicies)
    {
        Preconditions.CheckNotNull(newPolicies).Validate();
        lock (gate)
        {
            policies = newPolicies;
            foreach (var (id, history) in histories)
            {
                Index(id, history);
            }
        }
    }

    private void Index(TicketId id, List<TicketEvent> history)
    {
        var registered = (TicketRegistered)history[0];
        var sla = SlaClock.Evaluate(history, policies, history[^1].OccurredAt);
        var ticketLevelResolutionDue = sla.Find(SlaTargetKind.Resolution)?.Due;
        entries[id] = sla.Targets
            .Where(t => t.IsRunning && t.Due is not null && t.State is SlaClockState.Running or SlaClockState.Overdue)
            // A first cycle that never reopened is the ticket-level resolution clock itself: list it once.
            .Where(t => !(t.Kind == SlaTargetKind.Resolution && t.Cycle > 0 && t.Due == ticketLevelResolutionDue))
            .Select(t => new SlaDueEntry(id, registered.FeedbackNumber, t.Kind, t.Cycle, t.Due!.Value, t.Policy))
            .ToArray();
    }
}
