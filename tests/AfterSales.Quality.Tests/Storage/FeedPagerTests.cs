using AfterSales.Quality.Storage;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Storage;

public sealed class FeedPagerTests
{
    private static Func<int, int, CancellationToken, ValueTask<IReadOnlyList<int>>> Reader(IReadOnlyList<int> sorted, List<int> calls) =>
        (after, limit, _) =>
        {
            calls.Add(after);
            return ValueTask.FromResult<IReadOnlyList<int>>(sorted.Where(k => k > after).Take(limit).ToList());
        };

    [Property(MaxTest = 300)]
    public bool Paging_reads_every_row_after_the_key_once_in_order(int[] keys, byte pageSize, int after)
    {
        var sorted = keys.Distinct().Order().ToList();
        var size = pageSize % 7 + 1;
        var calls = new List<int>();
        var read = FeedPager.ReadPagesAsync(after, size, Reader(sorted, calls), k => k, Comparer<int>.Default).ToBlockingEnumerable().ToList();
        var expected = sorted.Where(k => k > after).ToList();
        // One read per full page, plus the short (possibly empty) one that ends it.
        return read.SequenceEqual(expected) && calls.Count == expected.Count / size + 1;
    }

    [Fact]
    public async Task The_feed_is_read_after_the_position_in_pages()
    {
        var events = Enumerable.Range(1, 25).Select(p => new RecordedEvent(p, 1, null!)).ToList();
        var asked = new List<(long After, int Limit)>();
        var feed = FeedPager.ReadFeedAsync(3, 10, (after, limit, _) =>
        {
            asked.Add((after, limit));
            return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(events.Where(e => e.Position > after).Take(limit).ToList());
        });
        Assert.Equal(Enumerable.Range(4, 22).Select(p => (long)p), (await feed.ToListAsync()).Select(e => e.Position));
        Assert.Equal([(3L, 10), (13L, 10), (23L, 10)], asked);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_when_enumeration_starts()
    {
        var empty = (long _, int _, CancellationToken _) => ValueTask.FromResult<IReadOnlyList<RecordedEvent>>([]);
        var negative = FeedPager.ReadFeedAsync(-1, 10, empty); // nothing thrown yet, as an async iterator
        Assert.Equal("afterPosition", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await negative.ToListAsync())).ParamName);
        Assert.Equal("pageSize", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await FeedPager.ReadFeedAsync(0, 0, empty).ToListAsync())).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await FeedPager.ReadFeedAsync(0, 10, null!).ToListAsync());
    }

    [Fact]
    public async Task A_reader_that_would_loop_forever_is_stopped()
    {
        var stuck = FeedPager.ReadPagesAsync(0, 2, (_, _, _) => ValueTask.FromResult<IReadOnlyList<int>>([1, 2]), k => k, Comparer<int>.Default);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await stuck.ToListAsync());
        Assert.Contains("keys must increase", error.Message);
        var tooMany = FeedPager.ReadPagesAsync(0, 2, (after, _, _) => ValueTask.FromResult<IReadOnlyList<int>>([after + 1, after + 2, after + 3]), k => k, Comparer<int>.Default);
        Assert.Contains("3 rows for a page of 2", (await Assert.ThrowsAsync<InvalidOperationException>(async () => await tooMany.ToListAsync())).Message);
    }

    [Fact]
    public async Task Cancellation_stops_between_pages()
    {
        using var cancel = new CancellationTokenSource();
        var pages = 0;
        var feed = FeedPager.ReadPagesAsync(0, 1, (after, _, _) =>
        {
            pages++;
            return ValueTask.FromResult<IReadOnlyList<int>>([after + 1]);
        }, k => k, Comparer<int>.Default, cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var key in feed)
            {
                if (key == 3)
                {
                    cancel.Cancel();
                }
            }
        });
        Assert.Equal(3, pages);
    }
}
