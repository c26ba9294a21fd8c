using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.ReadModels;

/// <summary>What a snapshot of the open work needs from inside it (the codec is in <c>ReadModels/Snapshots</c>).</summary>
public sealed partial class OpenWorkProjection
{
    private FeedAnchor anchor;

    /// <summary>The position covered and the open tickets (their histories are in the ticket log).</summary>
    internal OpenTicketsState CaptureState()
    {
        lock (gate)
        {
            return new OpenTicketsState(anchor, [.. open.Keys], [], "");
        }
    }

    internal bool IsEmpty
    {
        get
        {
            lock (gate)
            {
                return position == 0 && open.Count == 0;
            }
        }
    }

    /// <summary>Installs the histories read back for a snapshot (each starting with its registration) into an empty model.</summary>
    internal void RestoreState(FeedAnchor at, IReadOnlyList<(TicketId Id, List<TicketEvent> History)> tickets)
    {
        lock (gate)
        {
            foreach (var (id, history) in tickets)
            {
                open[id] = (Ticket.Replay(id, history), history[^1].OccurredAt);
            }

            position = at.Position;
            anchor = at;
        }
    }
}
