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
    [Fact]
    public async Task Reading_ahead_reads_every_event_after_the_position_once_in_order()
    {
        // 300 random feeds, page sizes and start positions (awaited, not blocked on: the page read ahead needs a pool thread).
        var random = new Random(20261204);
        for (var round = 0; round < 300; round++)
        {
            var sorted = Enumerable.Range(0, random.Next(0, 60)).Select(_ => (long)random.Next(0, 200)).Distinct().Order().Select(p => new RecordedEvent(p, 1, null!)).ToList();
            var start = (long)random.Next(0, 220);
            var size = random.Next(1, 8);
            var calls = 0;
            var read = new List<long>();
            await foreach (var e in FeedPager.ReadFeedAsync(start, size, (from, limit, _) =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(sorted.Where(e => e.Position > from).Take(limit).ToList());
            }, readAhead: true))
            {
                read.Add(e.Position);
            }

            var expected = sorted.Where(e => e.Position > start).Select(e => e.Position).ToList();
            Assert.Equal(expected, read);
            Assert.Equal(expected.Count / size + 1, calls); // one read per full page, plus the short one that ends it
        }
    }

    [Fact]
    public async Task Reading_ahead_overlaps_the_next_page_with_the_callers_work_and_cancels_it_when_the_caller_stops()
    {
        var events = Enumerable.Range(1, 100).Select(p => new RecordedEvent(p, 1, null!)).ToList();
        var secondPageAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thirdPageAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlightCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var feed = FeedPager.ReadFeedAsync(0, 10, async (after, limit, token) =>
        {
            if (after == 10)
            {
                secondPageAsked.SetResult();
            }

            if (after == 20)
            {
                thirdPageAsked.SetResult();

                // The third page never comes: the caller stops first, and the read in flight must be cancelled.
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    inFlightCancelled.SetResult();
                    throw;
                }
            }

            return events.Where(e => e.Position > after).Take(limit).ToList();
        }, readAhead: true);

        var seen = new List<long>();
        await foreach (var e in feed)
        {
            seen.Add(e.Position);
            if (e.Position == 1)
            {
                // Still on the first page: the second is being read meanwhile.
                await secondPageAsked.Task.WaitAsync(TimeSpan.FromMinutes(1));
            }

            if (e.Position == 15)
            {
                await thirdPageAsked.Task.WaitAsync(TimeSpan.FromMinutes(1)); // its read is in flight (not merely scheduled)
                break;
            }
        }

        await inFlightCancelled.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(Enumerable.Range(1, 15).Select(p => (long)p), seen);
    }

    [Fact]
    public async Task Reading_ahead_checks_a_page_before_handing_out_any_of_it()
    {
        var bad = FeedPager.ReadFeedAsync(0, 3, (after, _, _) => ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(
            after == 0 ? [new(1, 1, null!), new(2, 1, null!), new(3, 1, null!)] : [new(4, 1, null!), new(4, 1, null!)]), readAhead: true);
        var seen = new List<long>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var e in bad)
            {
                seen.Add(e.Position);
            }
        });
        Assert.Contains("keys must increase", error.Message);
        Assert.Equal([1L, 2L, 3L], seen);
        Assert.Equal("afterPosition", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await FeedPager.ReadFeedAsync(-1, 3, (_, _, _) => ValueTask.FromResult<IReadOnlyList<RecordedEvent>>([]), readAhead: true).ToListAsync())).ParamName);
    }
}
