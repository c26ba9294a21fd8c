using AfterSales.Quality.Storage;
namespace AfterSales.Quality.ReadModels;

/// <summary>An in-memory read model that follows the feed one recorded event at a time, ignoring positions it has applied.</summary>
internal interface IFeedFollower
{
    /// <summary>The feed position of the last event applied.</summary>
    long Position { get; }

    /// <summary>Applies one event of the feed.</summary>
    void Apply(RecordedEvent recorded);
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
            follower.Apply(recorded);
        }

        return follower.Position;
    }
}
