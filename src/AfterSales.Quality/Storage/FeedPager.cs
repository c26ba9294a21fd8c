using System.Runtime.CompilerServices;

namespace AfterSales.Quality.Storage;

/// <summary>
/// Reads an ordered table in pages by key (keyset pagination): the page after a key, then the page
/// after the last key of that page, until a page comes back short. The stores read their global
/// feed (by position) and their improvement plans (by id) with it; a custom store over a database
/// can too. Stateless; each enumeration is independent.
/// </summary>
public static class FeedPager
{
    /// <summary>Reads the global feed after <paramref name="afterPosition"/>, page by page.</summary>
    /// <param name="afterPosition">The position to read after (0 for the whole feed).</param>
    /// <param name="pageSize">Events per page (1 or more).</param>
    /// <param name="readPage">Reads at most the given number of events after a position, in position order.</param>
    /// <param name="cancellationToken">Cancels the enumeration between pages and inside <paramref name="readPage"/>.</param>
    /// <returns>The recorded events in position order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterPosition"/> is negative or <paramref name="pageSize"/> is below 1 (thrown when enumeration starts).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="readPage"/> is null (thrown when enumeration starts).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="readPage"/> returned more events than asked, or positions that do not increase.</exception>
    public static IAsyncEnumerable<RecordedEvent> ReadFeedAsync(
        long afterPosition, int pageSize, Func<long, int, CancellationToken, ValueTask<IReadOnlyList<RecordedEvent>>> readPage, CancellationToken cancellationToken = default) =>
        ReadFeedAsync(afterPosition, pageSize, readPage, readAhead: false, cancellationToken);

    /// <summary>
    /// Reads the global feed after <paramref name="afterPosition"/>, page by page; with <paramref name="readAhead"/>, the next
    /// page is read (on the thread pool) while the caller works through the current one, so a long catch-up — a rebuild —
    /// overlaps reading and decoding with what the caller does with the events. <paramref name="readPage"/> must then
    /// tolerate being called while the caller still holds the previous page (a store that opens a connection per page
    /// does); an enumeration stopped early cancels and waits for the page in flight.
    /// </summary>
    /// <param name="afterPosition">The position to read after (0 for the whole feed).</param>
    /// <param name="pageSize">Events per page (1 or more).</param>
    /// <param name="readPage">Reads at most the given number of events after a position, in position order.</param>
    /// <param name="readAhead">Whether to read the next page while the current one is consumed.</param>
    /// <param name="cancellationToken">Cancels the enumeration between pages and inside <paramref name="readPage"/>.</param>
    /// <returns>The recorded events in position order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterPosition"/> is negative or <paramref name="pageSize"/> is below 1 (thrown when enumeration starts).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="readPage"/> is null (thrown when enumeration starts).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="readPage"/> returned more events than asked, or positions that do not increase (no event of that page is returned).</exception>
    public static IAsyncEnumerable<RecordedEvent> ReadFeedAsync(
        long afterPosition, int pageSize, Func<long, int, CancellationToken, ValueTask<IReadOnlyList<RecordedEvent>>> readPage, bool readAhead, CancellationToken cancellationToken = default)
    {
        return Pages(afterPosition, pageSize, readPage, e => e.Position, Comparer<long>.Default, cancellationToken, validate: () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        }, readAhead);
    }

    /// <summary>Reads rows after <paramref name="afterKey"/> in key order, page by page.</summary>
    /// <typeparam name="TKey">The key the rows are ordered by.</typeparam>
    /// <typeparam name="TRow">A row.</typeparam>
    /// <param name="afterKey">The key to read after.</param>
    /// <param name="pageSize">Rows per page (1 or more).</param>
    /// <param name="readPage">Reads at most the given number of rows after a key, in key order.</param>
    /// <param name="keyOf">A row's key.</param>
    /// <param name="order">The key order <paramref name="readPage"/> sorts by.</param>
    /// <param name="cancellationToken">Cancels the enumeration between pages and inside <paramref name="readPage"/>.</param>
    /// <returns>The rows in key order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="readPage"/>, <paramref name="keyOf"/> or <paramref name="order"/> is null (thrown when enumeration starts).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is below 1 (thrown when enumeration starts).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="readPage"/> returned more rows than asked, or keys that do not increase (it would loop forever).</exception>
    public static IAsyncEnumerable<TRow> ReadPagesAsync<TKey, TRow>(
        TKey afterKey, int pageSize, Func<TKey, int, CancellationToken, ValueTask<IReadOnlyList<TRow>>> readPage, Func<TRow, TKey> keyOf, IComparer<TKey> order, CancellationToken cancellationToken = default)
    {
        return Pages(afterKey, pageSize, readPage, keyOf, order, cancellationToken, validate: null);
    }

    private static async IAsyncEnumerable<TRow> Pages<TKey, TRow>(
        TKey afterKey, int pageSize, Func<TKey, int, CancellationToken, ValueTask<IReadOnlyList<TRow>>> readPage, Func<TRow, TKey> keyOf, IComparer<TKey> order,
        [EnumeratorCancellation] CancellationToken cancellationToken, Action? validate, bool readAhead = false)
    {
        // Checked on the first MoveNext, as an async iterator reports bad arguments (the stores always have).
        validate?.Invoke();
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        Preconditions.CheckNotNull(readPage);
        Preconditions.CheckNotNull(keyOf);
        Preconditions.CheckNotNull(order);

        // Reading ahead, the next page is read on the thread pool while the caller works through this one: the whole page is
        // checked first (its last key is where the next starts), and an enumeration stopped early cancels the page in flight.
        using var stop = readAhead ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        var token = stop?.Token ?? cancellationToken;
        Task<IReadOnlyList<TRow>>? next = null;
        try
        {
            var after = afterKey;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IReadOnlyList<TRow>? page;
                if (next is null)
                {
                    page = await readPage(after, pageSize, token).ConfigureAwait(false);
                }
                else
                {
                    var reading = next;
                    next = null;
                    page = await reading.ConfigureAwait(false);
                }

                if (page is null)
                {
                    throw new InvalidOperationException("The page reader returned null instead of a page.");
                }

                if (page.Count > pageSize)
                {
                    throw new InvalidOperationException($"The page reader returned {page.Count} rows for a page of {pageSize}.");
                }

                if (readAhead)
                {
                    var last = after;
                    foreach (var row in page)
                    {
                        last = NextKey(keyOf(row), last, order);
                    }

                    if (page.Count == pageSize)
                    {
                        next = Task.Run(async () => await readPage(last, pageSize, token).ConfigureAwait(false), token);
                    }
                }

                var previous = after;
                foreach (var row in page)
                {
                    previous = readAhead ? keyOf(row) : NextKey(keyOf(row), previous, order);
                    yield return row;
                }

                if (page.Count < pageSize)
                {
                    yield break;
                }

                after = previous;
            }
        }
        finally
        {
            if (next is not null)
            {
                // Stopped early (or failed): the page in flight is not wanted; its outcome is observed, never left unobserved.
                await stop!.CancelAsync().ConfigureAwait(false);
                try
                {
                    await next.ConfigureAwait(false);
                }
#pragma warning disable CA1031 // whatever the unwanted page's read ended with, the caller stopped reading (or is already failing)
                catch (Exception)
                {
                }
#pragma warning restore CA1031
            }
        }
    }

    /// <summary>A row's key, checked to come after the previous one (a reader that repeats keys would loop forever).</summary>
    private static TKey NextKey<TKey>(TKey key, TKey previous, IComparer<TKey> order) =>
        order.Compare(key, previous) > 0 ? key : throw new InvalidOperationException($"The page reader returned key {key} after {previous}: keys must increase.");
}
