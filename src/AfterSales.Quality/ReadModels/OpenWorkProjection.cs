using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels;

/// <summary>One ticket of the open work: what a queue, a team lead's board or an agent's inbox lists.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="FeedbackNumber">Its feedback number.</param>
/// <param name="State">Its state (never closed, cancelled or duplicate).</param>
/// <param name="Priority">Its priority; null before triage.</param>
/// <param name="Category">Its category; null before triage.</param>
/// <param name="Department">The department it is routed to; null before triage.</param>
/// <param name="Assignee">Who works on it; null when unassigned.</param>
/// <param name="ReceivedAt">When the customer's request arrived.</param>
/// <param name="LastChangedAt">When its last event happened.</param>
public sealed record OpenWorkItem(TicketId TicketId, string FeedbackNumber, TicketState State, Priority? Priority, TicketCategory? Category, string? Department, string? Assignee, Instant ReceivedAt, Instant LastChangedAt);

/// <summary>A filter over the open work; an unset condition matches everything. Immutable.</summary>
public sealed record OpenWorkQuery
{
    /// <summary>Only tickets routed to this department (ordinal, case-insensitive).</summary>
    public string? Department { get; init; }

    /// <summary>Only tickets assigned to this person (ordinal, case-insensitive).</summary>
    public string? Assignee { get; init; }

    /// <summary>Only unassigned tickets.</summary>
    public bool UnassignedOnly { get; init; }

    /// <summary>Only tickets in these states; empty for every open state.</summary>
    public IReadOnlySet<TicketState> States { get; init; } = new HashSet<TicketState>();

    /// <summary>Only tickets of these priorities; empty for every priority (and untriaged tickets).</summary>
    public IReadOnlySet<Priority> Priorities { get; init; } = new HashSet<Priority>();

    /// <summary>Only tickets received before this instant.</summary>
    public Instant? ReceivedBefore { get; init; }

    /// <summary>At most this many items (1–100,000). Default 1,000.</summary>
    public int Limit { get; init; } = 1_000;
}

/// <summary>
/// The open-work read model: every ticket not yet closed, cancelled or marked duplicate, kept
/// current from the store's feed (<see cref="CatchUpAsync"/> or <see cref="Apply"/>), listed most
/// urgent first (untriaged, then by priority, then by arrival). A settled ticket leaves the model, so memory follows the
/// open work, not the history; a ticket a dissatisfied survey reopens after its closure comes back through
/// <see cref="CatchUpAsync"/>, which reads its history back from the store. Rebuild it from position 0 on start, or persist <see cref="Position"/>
/// with an <see cref="ICheckpointStore"/> and a snapshot of your own. Thread-safe.
/// </summary>
public sealed partial class OpenWorkProjection : IReopenableFollower
{
    private readonly Lock gate = new();
    private readonly Dictionary<TicketId, (Ticket Ticket, Instant LastChangedAt)> open = [];
    private long position;

    /// <summary>The feed position of the last event applied.</summary>
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

    /// <summary>How many tickets are open.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return open.Count;
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
            var e = recorded.Event;
            Ticket ticket;
            if (open.TryGetValue(e.TicketId, out var entry))
            {
                ticket = entry.Ticket;
            }
            else if (e is TicketRegistered)
            {
                ticket = Ticket.Empty(e.TicketId);
            }
            else
            {
                return; // settled before, or registered before the position this model started from
            }

            ticket = ticket.Apply(e);
            if (ticket.State is TicketState.Closed or TicketState.Cancelled or TicketState.Duplicate)
            {
                open.Remove(e.TicketId);
            }
            else
            {
                open[e.TicketId] = (ticket, e.OccurredAt);
            }
        }
    }

    bool IReopenableFollower.Tracks(TicketId ticketId)
    {
        lock (gate)
        {
            return open.ContainsKey(ticketId);
        }
    }

    void IReopenableFollower.Restore(TicketId ticketId, IReadOnlyList<TicketEvent> history)
    {
        lock (gate)
        {
            open[ticketId] = (Ticket.Replay(ticketId, history), history[^1].OccurredAt);
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

    /// <summary>The open work matching a query, most urgent first: untriaged tickets, then P0 to P3, each by earliest arrival.</summary>
    /// <param name="query">The filter; everything (up to 1,000 items) when null.</param>
    /// <returns>The items.</returns>
    /// <exception cref="ArgumentException">The limit is outside 1–100,000.</exception>
    public IReadOnlyList<OpenWorkItem> Query(OpenWorkQuery? query = null)
    {
        query ??= new OpenWorkQuery();
        Preconditions.CheckArgument(query.Limit is >= 1 and <= 100_000, nameof(query), $"query.Limit: must be between 1 and 100000; it was {query.Limit}.");
        Preconditions.CheckArgument(query.States is not null && query.Priorities is not null, nameof(query), "query.States and query.Priorities: must not be null.");
        lock (gate)
        {
            return open.Values
                .Where(o => query.Department is null || string.Equals(o.Ticket.Route?.Department, query.Department, StringComparison.OrdinalIgnoreCase))
                .Where(o => query.Assignee is null || string.Equals(o.Ticket.Assignee, query.Assignee, StringComparison.OrdinalIgnoreCase))
                .Where(o => !query.UnassignedOnly || o.Ticket.Assignee is null)
                .Where(o => query.States.Count == 0 || query.States.Contains(o.Ticket.State))
                .Where(o => query.Priorities.Count == 0 || (o.Ticket.Priority is { } p && query.Priorities.Contains(p)))
                .Where(o => query.ReceivedBefore is not { } before || o.Ticket.Intake!.ReceivedAt < before)
                .OrderBy(o => o.Ticket.Priority is { } p ? (int)p : -1).ThenBy(o => o.Ticket.Intake!.ReceivedAt).ThenBy(o => o.Ticket.FeedbackNumber, StringComparer.Ordinal)
                .Take(query.Limit)
                .Select(o => new OpenWorkItem(o.Ticket.Id, o.Ticket.FeedbackNumber, o.Ticket.State, o.Ticket.Priority, o.Ticket.Category, o.Ticket.Route?.Department, o.Ticket.Assignee, o.Ticket.Intake!.ReceivedAt, o.LastChangedAt))
                .ToArray();
        }
    }

    /// <summary>Open tickets per department (untriaged tickets under <c>(untriaged)</c>) and state.</summary>
    /// <returns>The counts, by department then state.</returns>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<TicketState, int>> CountByDepartmentAndState()
    {
        lock (gate)
        {
            return open.Values.Select(o => o.Ticket).GroupBy(t => t.Route?.Department ?? "(untriaged)", StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<TicketState, int>)g.GroupBy(t => t.State).ToDictionary(s => s.Key, s => s.Count()), StringComparer.OrdinalIgnoreCase);
        }
    }
}
