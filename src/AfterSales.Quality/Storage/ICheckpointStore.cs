using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Storage;

/// <summary>
/// Where projections keep how far they have read the event feed, so a restarted host resumes
/// instead of starting over. Implementations must be safe for concurrent use.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>The last feed position a projection processed (0 when it never ran).</summary>
    /// <param name="projection">The projection's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position.</returns>
    ValueTask<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken = default);

    /// <summary>Records the last feed position a projection processed.</summary>
    /// <param name="projection">The projection's name.</param>
    /// <param name="position">The position (0 or more).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the checkpoint is stored.</returns>
    ValueTask SetCheckpointAsync(string projection, long position, CancellationToken cancellationToken = default);
}
