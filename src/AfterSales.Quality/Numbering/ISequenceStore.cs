using AfterSales.Quality.Tickets;

namespace AfterSales.Quality.Numbering;

/// <summary>
/// Allocates gap-free-per-key, never-repeating sequence numbers (for feedback, revisit and
/// improvement numbers). Implementations must be safe for concurrent use across processes that
/// share the store.
/// </summary>
public interface ISequenceStore
{
    /// <summary>Returns the next value of the sequence named <paramref name="key"/> (1 for a new key).</summary>
    /// <param name="key">The sequence name, e.g. <c>F20240301</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The next value; never returned again for that key.</returns>
    ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default);
}
