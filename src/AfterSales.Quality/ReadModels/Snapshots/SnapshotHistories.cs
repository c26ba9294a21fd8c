using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>Reads tickets' histories back from the ticket log up to a feed position (many at once where the store can).</summary>
internal static class SnapshotHistories
{
    private const int Batch = 500;

    /// <summary>The events of each ticket at or before <paramref name="upTo"/>, oldest first (an empty list for a ticket with none).</summary>
    public static async Task<Dictionary<TicketId, List<TicketEvent>>> ReadAsync(ITicketStore store, IReadOnlyList<TicketId> ticketIds, long upTo, CancellationToken cancellationToken)
    {
        var streams = await ReadStreamsAsync(store, ticketIds, cancellationToken).ConfigureAwait(false);
        return streams.ToDictionary(s => s.Key, s => s.Value.Events.Where(r => r.Position <= upTo).Select(r => r.Event).ToList());
    }

    /// <summary>The whole streams of the tickets.</summary>
    public static async Task<Dictionary<TicketId, TicketStream>> ReadStreamsAsync(ITicketStore store, IReadOnlyList<TicketId> ticketIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<TicketId, TicketStream>(ticketIds.Count);
        if (store is ITicketBatchStore batch)
        {
            for (var i = 0; i < ticketIds.Count; i += Batch)
            {
                var slice = ticketIds.Skip(i).Take(Batch).ToArray();
                foreach (var stream in await batch.ReadStreamsAsync(slice, cancellationToken).ConfigureAwait(false))
                {
                    result[stream.TicketId] = stream;
                }
            }
        }
        else
        {
            foreach (var id in ticketIds)
            {
                result[id] = await store.ReadStreamAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }
}
