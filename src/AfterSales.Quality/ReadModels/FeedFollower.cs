using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.ReadModels;

/// <summary>An in-memory read model that follows the feed one recorded event at a time, ignoring positions it has applied.</summary>
internal interface IFeedFollower
{
    /// <summary>The feed position of the last event applied.</summary>
    long Position { get; }

    /// <summary>Applies one event of the feed.</summary>
    void Apply(RecordedEvent recorded);
}

/// <summary>
/// A follower that drops closed tickets and takes one back when a dissatisfied survey reopens it: the catch-up
/// reads its history back from the store before applying the reopen.
/// </summary>
internal interface IReopenableFollower : IFeedFollower
{
    /// <summary>Whether the follower holds the ticket (open, or still known).</summary>
    bool Tracks(TicketId ticketId);

    /// <summary>Takes a ticket back with its history up to (not including) the event at the next position.</summary>
    void Restore(TicketId ticketId, IReadOnlyList<TicketEvent> history);
}

/// <summary>The catch-up loop every feed-following read model shares.</summary>
internal static class FeedFollower
{
    /// <summary>Reads the feed from the follower's position to its end and applies every event.</summary>
    /// <returns>The position reached.</returns>
    public static async Task<long> CatchUpAsync(IFeedFollower follower, ITicketStore store, CancellationToken cancellationToken)
    {
        Preconditions.CheckNotNull(store);
        await foreach (var recorded in store.ReadFeedAsync(follower.Position, cancellationToken).ConfigureAwait(false))
        {
            await ApplyAsync(follower, recorded, store, cancellationToken).ConfigureAwait(false);
        }

        return follower.Position;
    }

    /// <summary>Applies one event; a ticket reopened after its closure is first read back from the store.</summary>
    public static async ValueTask ApplyAsync(IFeedFollower follower, RecordedEvent recorded, ITicketStore store, CancellationToken cancellationToken)
    {
        Preconditions.CheckNotNull(recorded);
        Preconditions.CheckNotNull(store);
        if (recorded.Event is TicketReopened && follower is IReopenableFollower reopenable && recorded.Position > follower.Position && !reopenable.Tracks(recorded.Event.TicketId))
        {
            // Reopened after its closure (a dissatisfied survey): the follower dropped it at the close; read it back.
            var stream = await store.ReadStreamAsync(recorded.Event.TicketId, cancellationToken).ConfigureAwait(false);
            var earlier = stream.Events.Where(r => r.Position < recorded.Position).Select(r => r.Event).ToArray();
            if (earlier.Length > 0 && earlier[0] is TicketRegistered)
            {
                reopenable.Restore(recorded.Event.TicketId, earlier);
            }
        }

        follower.Apply(recorded);
    }
}
