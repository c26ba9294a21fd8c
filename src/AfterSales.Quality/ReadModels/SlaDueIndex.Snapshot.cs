using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.ReadModels;

/// <summary>What a snapshot of the SLA due index needs from inside it (the codec is in <c>ReadModels/Snapshots</c>).</summary>
public sealed partial class SlaDueIndex
{
    private FeedAnchor anchor;

    internal string SettingsFingerprint
    {
        get
        {
            lock (gate)
            {
                return SnapshotFormat.Fingerprint(policies);
            }
        }
    }

    /// <summary>The position covered, the open tickets and those that left since the last scan (their histories are in the ticket log).</summary>
    internal OpenTicketsState CaptureState()
    {
        lock (gate)
        {
            return new OpenTicketsState(anchor, [.. histories.Keys], [.. leftSinceScan.Select(h => h[0].TicketId)], SnapshotFormat.Fingerprint(policies));
        }
    }

    internal bool IsEmpty
    {
        get
        {
            lock (gate)
            {
                return position == 0 && histories.Count == 0 && leftSinceScan.Count == 0;
            }
        }
    }

    /// <summary>Installs the histories read back for a snapshot (each starting with its registration) into an empty index.</summary>
    internal void RestoreState(FeedAnchor at, IReadOnlyList<(TicketId Id, List<TicketEvent> History)> open, IReadOnlyList<List<TicketEvent>> left)
    {
        lock (gate)
        {
            foreach (var (id, history) in open)
            {
                histories[id] = history;
                Index(id, history);
            }

            if (retainLeft)
            {
                leftSinceScan.AddRange(left);
            }

            position = at.Position;
            anchor = at;
        }
    }
}
