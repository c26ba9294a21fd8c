using AfterSales.Quality.Kpi;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels;

/// <summary>
/// The KPI core's read model: follows a store's event feed and keeps one <see cref="TicketFact"/>
/// per ticket in a <see cref="FactTable"/>, ready for <see cref="KpiEngine"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="RefreshAsync"/> reads the feed after <see cref="Position"/>, then measures again every
/// ticket that received events and every ticket whose measures changed with the clock since it was
/// last measured: a ticket keeps, with its fact, the earliest due instant of its SLA clocks running
/// within their targets, and a refresh after that instant measures it again (the target is then
/// missed). So a refresh at a later instant turns a pending target into a missed one without new
/// events, and a refresh measures only the open tickets whose outcome changed.
/// </para>
/// <para>
/// Memory: the history of a settled ticket (closed, cancelled or duplicate, no clock running) is
/// dropped once measured; if an event arrives for it later (a late survey, an erasure) its stream
/// is read back from the store. A year of tickets therefore holds the histories of open work
/// only, plus 40 bytes a fact and one dictionary entry (ticket id → row) a ticket.
/// </para>
/// <para>
/// A long catch-up (a rebuild of a year) settles as it reads: every 1,024 events the tickets
/// closed in that slice are measured and, when settled, their histories dropped, so a rebuild
/// holds the open work and one slice, not the whole feed.
/// </para>
/// <para>Not thread-safe: refresh and query from one thread, or guard the projection with a lock.</para>
/// </remarks>
public sealed partial class TicketFactProjection
{
    private readonly ITicketStore store;
    private readonly SlaPolicySet policies;
    // Tickets whose measures may still change (open, a clock running, or new events not yet
    // measured) keep an entry with their history; settled tickets keep only their row, a struct
    // value, so a year of tickets adds no object a ticket for the garbage collector to trace.
    private readonly Dictionary<TicketId, Entry> open = [];
    private readonly Dictionary<TicketId, int> settledRows = [];

    /// <summary>Creates an empty projection of a store.</summary>
    /// <param name="store">The ticket log to follow.</param>
    /// <param name="policies">The SLA policies tickets are measured against.</param>
    /// <param name="dimensions">The dimension dictionaries to encode into; a new set when null.</param>
    /// <param name="capacity">The expected number of tickets (sizes the fact table).</param>
    /// <param name="timeZone">The service desk's zone (<see cref="FactTable.TimeZone"/>): KPI queries that name no zone take their periods in it. Default UTC.</param>
    public TicketFactProjection(ITicketStore store, SlaPolicySet policies, FactDimensions? dimensions = null, int capacity = 1024, DateTimeZone? timeZone = null)
    {
        this.store = Preconditions.CheckNotNull(store);
        this.policies = Preconditions.CheckNotNull(policies);
        Preconditions.CheckArgument(capacity >= 0, nameof(capacity), $"capacity: must be 0 or more; it was {capacity}.");
        Dimensions = dimensions ?? new FactDimensions();
        Facts = new FactTable(capacity, timeZone);
    }

    /// <summary>The dimension dictionaries the facts are encoded with.</summary>
    public FactDimensions Dimensions { get; }

    /// <summary>The facts, one row per ticket (a ticket keeps its row; rows are assigned as tickets are first measured).</summary>
    public FactTable Facts { get; }

    /// <summary>The feed position of the last event applied (0 before the first refresh).</summary>
    public long Position { get; private set; }

    /// <summary>The instant the facts were last measured at.</summary>
    public Instant? MeasuredAt { get; private set; }

    /// <summary>The number of tickets whose measures still depend on the clock (histories held in memory).</summary>
    public int OpenTickets => open.Count;

    /// <summary>The row of a ticket in <see cref="Facts"/>.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="row">Its row.</param>
    /// <returns>Whether the ticket is in the table.</returns>
    public bool TryGetRow(TicketId ticketId, out int row)
    {
        if (open.TryGetValue(ticketId, out var entry) && entry.Row >= 0)
        {
            row = entry.Row;
            return true;
        }

        if (settledRows.TryGetValue(ticketId, out row))
        {
            return true;
        }

        row = -1;
        return false;
    }

    /// <summary>Applies the events recorded since the last refresh and measures the tickets that need it at <paramref name="now"/>.</summary>
    /// <param name="now">The instant open clocks are read at; not before the previous refresh.</param>
    /// <param name="cancellationToken">Cancels the refresh. A cancelled refresh leaves the projection consistent: the events read so far are applied and measured by the next refresh.</param>
    /// <returns>The number of events applied.</returns>
    /// <exception cref="ArgumentException"><paramref name="now"/> is before the previous refresh.</exception>
    public async ValueTask<int> RefreshAsync(Instant now, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckArgument(MeasuredAt is not { } last || now >= last, nameof(now), $"now: must not be before the previous refresh ({MeasuredAt}); it was {now}.");
        var applied = 0;
        var sinceSettle = 0;
        var closedSince = new HashSet<Entry>();
        await foreach (var recorded in store.ReadFeedAsync(Position, cancellationToken).ConfigureAwait(false))
        {
            var e = recorded.Event;
            if (!open.TryGetValue(e.TicketId, out var entry))
            {
                // A new ticket, or a late event for a settled one: its history is read back when measured.
                entry = settledRows.Remove(e.TicketId, out var row) ? new Entry(e.TicketId) { Row = row, History = null } : new Entry(e.TicketId);
                open.Add(e.TicketId, entry);
            }

            entry.Dirty = true;
            if (entry.History is { } history)
            {
                history.Add(e);
            }
            else
            {
                entry.ReloadUpTo = recorded.Position;
            }

            if (e is TicketClosed or TicketCancelled or TicketMarkedDuplicate)
            {
                closedSince.Add(entry);
            }

            Position = recorded.Position;
            anchor = new Snapshots.FeedAnchor(recorded.Position, e.TicketId, recorded.Version);
            applied++;
            if (++sinceSettle == SettleEvery)
            {
                // Bounded memory on a long catch-up: measure the tickets closed in this slice and drop the
                // settled ones' histories now rather than holding every event until the end of the feed.
                await MeasureAsync(closedSince, now, cancellationToken).ConfigureAwait(false);
                closedSince.Clear();
                sinceSettle = 0;
            }
        }

        // Measured again: what received events, and what a clock makes change by now (its earliest due instant passed).
        await MeasureAsync(open.Values.Where(e => e.Dirty || e.StableUntil < now), now, cancellationToken).ConfigureAwait(false);
        MeasuredAt = now;
        return applied;
    }

    /// <summary>
    /// Events read between two settling passes of a long catch-up (1,024; tests set fewer). Short slices keep the histories
    /// young: a history dropped within the garbage collector's first generation costs nothing to collect, while one held
    /// for 131,072 events (the first setting) was promoted and made a 200,000-ticket rebuild spend 1.9 of its 5.3 s in
    /// collections (0.3 s at 1,024; 2026-12-04, SQLite).
    /// </summary>
    internal int SettleEvery { get; init; } = 1 << 10;

    private async ValueTask MeasureAsync(IEnumerable<Entry> which, Instant now, CancellationToken cancellationToken)
    {
        var entries = which.ToArray();
        await ReloadHistoriesAsync(entries, cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.History is null)
            {
                var stream = await store.ReadStreamAsync(entry.TicketId, cancellationToken).ConfigureAwait(false);
                entry.History = stream.Events.Where(r => r.Position <= entry.ReloadUpTo).Select(r => r.Event).ToList();
            }

            if (entry.History.Count == 0 || entry.History[0] is not TicketRegistered)
            {
                // A stream whose registration has not been read (a custom store's feed out of order) waits for it.
                continue;
            }

            var outcome = TicketOutcome.Measure(entry.History, policies, now, out var stableUntil);
            entry.Dirty = false;
            entry.StableUntil = stableUntil ?? Instant.MaxValue;
            var fact = Dimensions.ToFact(outcome);
            if (entry.Row < 0)
            {
                entry.Row = Facts.Count;
                Facts.Add(fact);
            }
            else
            {
                Facts.Set(entry.Row, fact);
            }

            if (IsSettled(outcome))
            {
                open.Remove(entry.TicketId);
                settledRows.Add(entry.TicketId, entry.Row);
            }
        }
    }

    private static bool IsSettled(TicketOutcome outcome) =>
        outcome.State is TicketState.Closed or TicketState.Cancelled or TicketState.Duplicate
        && outcome.FirstResponseSla != SlaOutcome.Open && outcome.ResolutionSla != SlaOutcome.Open && outcome.EscalationSla != SlaOutcome.Open
        && outcome.NegativeFeedbackContactSla != SlaOutcome.Open && outcome.NegativeFeedbackResolutionSla != SlaOutcome.Open;

    private sealed class Entry(TicketId ticketId)
    {
        public TicketId TicketId { get; } = ticketId;

        public int Row { get; set; } = -1;

        public List<TicketEvent>? History { get; set; } = [];

        public long ReloadUpTo { get; set; }

        /// <summary>Whether events arrived since the ticket was last measured (or it never was).</summary>
        public bool Dirty { get; set; } = true;

        /// <summary>The last instant its measured outcome holds without new events (<see cref="Instant.MaxValue"/>: until one arrives).</summary>
        public Instant StableUntil { get; set; } = Instant.MaxValue;
    }
}
