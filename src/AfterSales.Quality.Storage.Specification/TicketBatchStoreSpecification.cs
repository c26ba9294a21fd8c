using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Storage.Specification;

/// <summary>
/// The batch-append contract (<see cref="ITicketBatchStore"/>) as reusable xunit tests, for a store
/// that offers the capability. Derive one class, return a fresh, empty store from
/// <see cref="CreateStoreAsync"/>: every test checks that a batch keeps the guarantees of a single
/// append — expected versions, all or nothing (a conflict in the middle of a batch leaves nothing
/// half-written), contiguous gap-free positions — and that source hashes are recorded with their
/// events. Every test is <c>public virtual</c>.
/// </summary>
/// <typeparam name="TStore">The store type.</typeparam>
public abstract class TicketBatchStoreSpecification<TStore>
    where TStore : class, ITicketBatchStore
{
    private static readonly Instant Start = Instant.FromUtc(2024, 3, 1, 2, 30);

    /// <summary>Creates a fresh, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<TStore> CreateStoreAsync();

    /// <summary>How many writers the concurrency tests run. Default 8.</summary>
    protected virtual int Writers => 8;

    /// <summary>A batch of new tickets is written whole: each stream reads back, and the feed holds them contiguous, in batch order.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_batch_writes_every_ticket_contiguously_in_batch_order()
    {
        var store = await CreateStoreAsync();
        var first = TicketId.New();
        await store.AppendAsync(first, 0, Events(first, 0, 2));
        var tickets = Enumerable.Range(0, 5).Select(_ => TicketId.New()).ToArray();
        var batch = tickets.Select((id, i) => new TicketAppend(id, 0, Events(id, 0, i + 1))).Append(new TicketAppend(first, 2, Events(first, 2, 3))).ToArray();
        var recorded = await store.AppendBatchAsync(batch);

        Assert.Equal(batch.SelectMany(a => a.Events), recorded.Select(r => r.Event));
        Assert.Equal(Enumerable.Range(0, recorded.Count).Select(i => recorded[0].Position + i), recorded.Select(r => r.Position));
        foreach (var append in batch)
        {
            var stream = await store.ReadStreamAsync(append.TicketId);
            Assert.Equal(append.ExpectedVersion + append.Events.Count, stream.Version);
            Assert.Equal(append.Events, stream.Events.Skip((int)append.ExpectedVersion).Select(e => e.Event));
            Assert.Equal(Enumerable.Range(1, (int)stream.Version).Select(v => (long)v), stream.Events.Select(e => e.Version));
        }

        var feed = await ReadFeed(store);
        Assert.Equal(2 + recorded.Count, feed.Count);
        Assert.Equal(Enumerable.Range(0, feed.Count).Select(i => feed[0].Position + i), feed.Select(e => e.Position));
        Assert.Equal(recorded.Select(r => r.Position), feed.Skip(2).Select(e => e.Position));
    }

    /// <summary>A stale expected version in the middle of a batch refuses the whole batch: no stream, no feed position and no source hash of it is written.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_conflict_in_the_middle_of_a_batch_leaves_nothing_half_written()
    {
        var store = await CreateStoreAsync();
        var existing = TicketId.New();
        await store.AppendAsync(existing, 0, Events(existing, 0, 3));
        var before = await ReadFeed(store);
        var fresh = Enumerable.Range(0, 4).Select(_ => TicketId.New()).ToArray();
        var batch = new[]
        {
            new TicketAppend(fresh[0], 0, Events(fresh[0], 0, 4)) { SourceHash = new TicketSourceHash("spec", "a") },
            new TicketAppend(fresh[1], 0, Events(fresh[1], 0, 2)) { SourceHash = new TicketSourceHash("spec", "b") },
            new TicketAppend(existing, 1, Events(existing, 1, 2)) { SourceHash = new TicketSourceHash("spec", "c") }, // the stream is at 3
            new TicketAppend(fresh[2], 0, Events(fresh[2], 0, 1)),
        };
        var error = await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await store.AppendBatchAsync(batch));
        Assert.Equal((existing, 1L), (error.TicketId, error.ExpectedVersion));

        foreach (var id in fresh)
        {
            Assert.Equal(0, (await store.ReadStreamAsync(id)).Version);
        }

        Assert.Equal(3, (await store.ReadStreamAsync(existing)).Version);
        Assert.Equal(before.Select(e => e.Position), (await ReadFeed(store)).Select(e => e.Position));
        Assert.Empty(await store.ReadSourceHashesAsync("spec"));

        // The positions the refused batch did not take go to the next append: the feed stays gap-free.
        await store.AppendAsync(fresh[3], 0, Events(fresh[3], 0, 1));
        var after = await ReadFeed(store);
        Assert.Equal(Enumerable.Range(0, after.Count).Select(i => after[0].Position + i), after.Select(e => e.Position));
    }

    /// <summary>Source hashes are recorded with their events, per source, replaced by a later one, and may be recorded alone (version still checked).</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Source_hashes_are_recorded_with_their_events_and_replaced_per_source()
    {
        var store = await CreateStoreAsync();
        var (a, b) = (TicketId.New(), TicketId.New());
        await store.AppendBatchAsync([
            new TicketAppend(a, 0, Events(a, 0, 2)) { SourceHash = new TicketSourceHash("servicenow", "h1") },
            new TicketAppend(b, 0, Events(b, 0, 1)) { SourceHash = new TicketSourceHash("zendesk", "z1") },
        ]);
        Assert.Equal(new Dictionary<TicketId, string> { [a] = "h1" }, await store.ReadSourceHashesAsync("servicenow"));
        Assert.Equal(new Dictionary<TicketId, string> { [b] = "z1" }, await store.ReadSourceHashesAsync("zendesk"));
        Assert.Empty(await store.ReadSourceHashesAsync("jira"));

        // A hash alone: nothing appended, the version checked all the same.
        await store.AppendBatchAsync([new TicketAppend(a, 2, []) { SourceHash = new TicketSourceHash("servicenow", "h2") }]);
        Assert.Equal("h2", (await store.ReadSourceHashesAsync("servicenow"))[a]);
        Assert.Equal(2, (await store.ReadStreamAsync(a)).Version);
        await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await store.AppendBatchAsync([new TicketAppend(a, 1, []) { SourceHash = new TicketSourceHash("servicenow", "h3") }]));
        Assert.Equal("h2", (await store.ReadSourceHashesAsync("servicenow"))[a]);
        Assert.Equal("source", (await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ReadSourceHashesAsync(" "))).ParamName);
    }

    /// <summary>Several streams read at once are each ticket's whole stream, in the order asked; an unknown ticket is empty.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Several_streams_read_at_once_are_whole_and_in_the_order_asked()
    {
        var store = await CreateStoreAsync();
        var (a, b, unknown) = (TicketId.New(), TicketId.New(), TicketId.New());
        await store.AppendBatchAsync([new TicketAppend(a, 0, Events(a, 0, 3)), new TicketAppend(b, 0, Events(b, 0, 2))]);
        await store.AppendAsync(a, 3, Events(a, 3, 1));
        var streams = await store.ReadStreamsAsync([b, unknown, a]);
        Assert.Equal([b, unknown, a], streams.Select(s => s.TicketId));
        Assert.Equal([2L, 0L, 4L], streams.Select(s => s.Version));
        foreach (var stream in streams)
        {
            var single = await store.ReadStreamAsync(stream.TicketId);
            Assert.Equal(single.Events, stream.Events);
        }

        Assert.Empty(await store.ReadStreamsAsync([]));
        Assert.Equal("ticketIds", (await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ReadStreamsAsync([a, a]))).ParamName);
    }

    /// <summary>Bad batches are refused with the append and field named, and nothing is written.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Bad_batches_are_refused_with_the_append_named()
    {
        var store = await CreateStoreAsync();
        var (a, b) = (TicketId.New(), TicketId.New());
        async Task<string> Refused(IReadOnlyList<TicketAppend> batch)
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.AppendBatchAsync(batch));
            Assert.Equal("appends", error.ParamName);
            return error.Message;
        }

        Assert.Contains("At least one append", await Refused([]));
        Assert.Contains("appends[1].TicketId", await Refused([new TicketAppend(a, 0, Events(a, 0, 1)), new TicketAppend(a, 1, Events(a, 1, 1))]));
        Assert.Contains("appends[1].Events[0] belongs to ticket", await Refused([new TicketAppend(a, 0, Events(a, 0, 1)), new TicketAppend(b, 0, Events(a, 1, 1))]));
        Assert.Contains("appends[0].Events is empty", await Refused([new TicketAppend(a, 0, [])]));
        Assert.Contains("appends[0].ExpectedVersion", await Refused([new TicketAppend(a, -1, Events(a, 0, 1))]));
        Assert.Contains("appends[1].SourceHash.Hash", await Refused([new TicketAppend(a, 0, Events(a, 0, 1)), new TicketAppend(b, 0, Events(b, 0, 1)) { SourceHash = new TicketSourceHash("s", "") }]));
        Assert.Empty(await ReadFeed(store));
    }

    /// <summary>A cancelled batch throws and writes nothing.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_cancelled_batch_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var id = TicketId.New();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.AppendBatchAsync([new TicketAppend(id, 0, Events(id, 0, 3))], cancelled.Token));
        Assert.Equal(0, (await store.ReadStreamAsync(id)).Version);
    }

    /// <summary>A large batch (thousands of tickets and events) is written whole.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_large_batch_is_written_whole()
    {
        var store = await CreateStoreAsync();
        var batch = Enumerable.Range(0, 2_000).Select(_ => TicketId.New()).Select(id => new TicketAppend(id, 0, Events(id, 0, 6)) { SourceHash = new TicketSourceHash("large", id.ToString()) }).ToArray();
        var recorded = await store.AppendBatchAsync(batch);
        Assert.Equal(12_000, recorded.Count);
        Assert.Equal(12_000, (await ReadFeed(store)).Count);
        Assert.Equal(6, (await store.ReadStreamAsync(batch[1_234].TicketId)).Version);
        Assert.Equal(2_000, (await store.ReadSourceHashesAsync("large")).Count);
    }

    /// <summary>Batch writers and single writers racing on the same tickets: each version is won once, nothing is lost, and the feed stays gap-free.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Racing_batches_and_single_appends_win_one_version_each()
    {
        var store = await CreateStoreAsync();
        var tickets = Enumerable.Range(0, 3).Select(_ => TicketId.New()).ToArray();
        foreach (var id in tickets)
        {
            await store.AppendAsync(id, 0, Events(id, 0, 1));
        }

        var won = new int[Writers];
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                try
                {
                    if (w % 2 == 0)
                    {
                        var appends = new List<TicketAppend>();
                        foreach (var id in tickets)
                        {
                            appends.Add(new TicketAppend(id, (await store.ReadStreamAsync(id)).Version, [Response(id, $"{w}/{attempt}")]));
                        }

                        await store.AppendBatchAsync(appends);
                        won[w] += appends.Count;
                    }
                    else
                    {
                        var id = tickets[attempt % tickets.Length];
                        await store.AppendAsync(id, (await store.ReadStreamAsync(id)).Version, [Response(id, $"{w}/{attempt}")]);
                        won[w]++;
                    }
                }
                catch (TicketConcurrencyException)
                {
                }
            }
        })));

        var versions = 0L;
        foreach (var id in tickets)
        {
            var stream = await store.ReadStreamAsync(id);
            Assert.Equal(Enumerable.Range(1, (int)stream.Version).Select(v => (long)v), stream.Events.Select(e => e.Version));
            versions += stream.Version;
        }

        Assert.Equal(tickets.Length + won.Sum(), versions);
        var feed = await ReadFeed(store);
        Assert.Equal(versions, feed.Count);
        Assert.Equal(Enumerable.Range(0, feed.Count).Select(i => feed[0].Position + i), feed.Select(e => e.Position));
    }

    /// <summary>Events for a ticket: a registration first (at version 0), then responses.</summary>
    private static TicketEvent[] Events(TicketId id, long fromVersion, int count) =>
        Enumerable.Range(0, count).Select(i => fromVersion + i == 0
            ? TicketStoreSpecification<InMemoryTicketStore>.OneOfEach(id)[0]
            : Response(id, $"v{fromVersion + i + 1}")).ToArray();

    private static TicketEvent Response(TicketId id, string summary) =>
        new ResponseRecorded { TicketId = id, OccurredAt = Start, Actor = "agent", CommandId = Guid.NewGuid(), Summary = summary };

    private static async Task<List<RecordedEvent>> ReadFeed(TStore store)
    {
        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        return feed;
    }
}
