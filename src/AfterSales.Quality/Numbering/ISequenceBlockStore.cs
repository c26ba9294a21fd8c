namespace AfterSales.Quality.Numbering;

/// <summary>
/// A sequence store that also hands out blocks of numbers: many values of one key in one call, for bulk paths such as
/// the importer, which would otherwise spend one store transaction per registration. Optional: a store that implements
/// only <see cref="ISequenceStore"/> keeps working, one call per number.
/// </summary>
/// <remarks>
/// A block is reserved like <see cref="ISequenceStore.NextAsync"/> values are drawn: never handed out again, safe across
/// processes. A block's unused tail is given back with <see cref="ReleaseAsync"/>, which succeeds only while nothing was
/// drawn after the block; otherwise the tail stays unused, a gap in that key's numbers (as a registration that draws a
/// number and then fails leaves one).
/// </remarks>
public interface ISequenceBlockStore : ISequenceStore
{
    /// <summary>Reserves <paramref name="count"/> consecutive values of the sequence <paramref name="key"/>.</summary>
    /// <param name="key">The sequence name, e.g. <c>F20240301</c>.</param>
    /// <param name="count">How many values (1 to 100,000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The first value of the block; the block is <c>[first, first + count)</c>, none of it returned again for that key.</returns>
    ValueTask<long> ReserveAsync(string key, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives back the values <c>[first, first + count)</c> of <paramref name="key"/>, the unused tail of a block, when they
    /// are still the last values drawn (no one drew after them): the next value drawn is then <paramref name="first"/>.
    /// </summary>
    /// <param name="key">The sequence name.</param>
    /// <param name="first">The first unused value.</param>
    /// <param name="count">How many unused values (1 to 100,000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether they were given back; false when a value was drawn after them (they stay unused).</returns>
    ValueTask<bool> ReleaseAsync(string key, long first, int count, CancellationToken cancellationToken = default);
}
