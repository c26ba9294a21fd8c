using AfterSales.Quality.Kpi;
using AfterSales.Quality.ReadModels.Snapshots;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.ReadModels;

/// <summary>What a snapshot of the fact projection needs from inside it (the codec is in <c>ReadModels/Snapshots</c>).</summary>
public sealed partial class TicketFactProjection
{
    private FeedAnchor anchor;

    internal ITicketStore Store => store;

    internal string SettingsFingerprint => SnapshotFormat.Fingerprint(policies, "zone " + Facts.TimeZone.Id);

    internal DimensionDictionary[] DimensionDictionaries => [Dimensions.Teams, Dimensions.Agents, Dimensions.Products, Dimensions.Channels, Dimensions.Categories, Dimensions.Segments];

    /// <summary>Copies the state (on the projection's thread; encoding happens later, elsewhere).</summary>
    internal FactProjectionState CaptureState()
    {
        var dimensions = DimensionDictionaries.Select(d => Enumerable.Range(0, d.Count).Select(d.Decode).ToArray()).ToArray();
        // Each open ticket with the last instant its fact holds (ticks; long.MinValue: to be measured, long.MaxValue: until an event).
        var openRows = new (TicketId, int, long)[open.Count];
        var i = 0;
        foreach (var entry in open.Values)
        {
            openRows[i++] = (entry.TicketId, entry.Row, entry.Dirty || entry.Row < 0 ? long.MinValue : entry.StableUntil == Instant.MaxValue ? long.MaxValue : entry.StableUntil.ToUnixTimeTicks());
        }

        var settled = new (TicketId, int)[settledRows.Count];
        i = 0;
        foreach (var (id, row) in settledRows)
        {
            settled[i++] = (id, row);
        }

        return new FactProjectionState(anchor, MeasuredAt, Facts.Facts.ToArray(), dimensions, openRows, settled);
    }

    /// <summary>Installs a decoded snapshot into an empty projection; tickets not settled are read back from the store when next measured (when an event arrives, or their clocks make their fact change).</summary>
    internal void RestoreState(FactProjectionState state)
    {
        var dictionaries = DimensionDictionaries;
        foreach (var (dictionary, values) in dictionaries.Zip(state.Dimensions))
        {
            foreach (var value in values)
            {
                dictionary.Encode(value);
            }
        }

        foreach (var fact in state.Facts)
        {
            Facts.Add(fact);
        }

        settledRows.EnsureCapacity(state.Settled.Length);
        foreach (var (id, row) in state.Settled)
        {
            settledRows.Add(id, row);
        }

        foreach (var (id, row, stable) in state.Open)
        {
            open.Add(id, new Entry(id)
            {
                Row = row,
                History = null,
                ReloadUpTo = state.Anchor.Position,
                Dirty = stable == long.MinValue || row < 0,
                StableUntil = stable is long.MinValue or long.MaxValue ? Instant.MaxValue : Instant.FromUnixTimeTicks(stable),
            });
        }

        Position = state.Anchor.Position;
        anchor = state.Anchor;
        MeasuredAt = state.MeasuredAt;
    }

    /// <summary>Whether the projection holds nothing yet (a snapshot can be restored into it).</summary>
    internal bool IsEmpty => Position == 0 && Facts.Count == 0 && open.Count == 0 && settledRows.Count == 0;

    /// <summary>Reads back, many at once where the store can, the histories of the tickets about to be measured that dropped theirs.</summary>
    private async ValueTask ReloadHistoriesAsync(IReadOnlyList<Entry> entries, CancellationToken cancellationToken)
    {
        if (store is not ITicketBatchStore)
        {
            return; // measured one at a time, as before
        }

        var missing = entries.Where(e => e.History is null).ToArray();
        var streams = await SnapshotHistories.ReadStreamsAsync(store, missing.Select(e => e.TicketId).ToArray(), cancellationToken).ConfigureAwait(false);
        foreach (var entry in missing)
        {
            entry.History = streams[entry.TicketId].Events.Where(r => r.Position <= entry.ReloadUpTo).Select(r => r.Event).ToList();
        }
    }
}
