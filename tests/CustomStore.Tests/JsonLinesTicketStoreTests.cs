using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Samples.CustomStore;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace CustomStore.Tests;

/// <summary>The proof that a custom store passes the kit: the JSON-lines sample runs the whole storage contract.</summary>
public sealed class JsonLinesTicketStoreSpecification : TicketStoreSpecification<JsonLinesTicketStore>, IDisposable
{
    private readonly TemporaryDirectory directory = new();

    protected override Task<JsonLinesTicketStore> CreateStoreAsync() => Task.FromResult(directory.Open($"{Guid.NewGuid():N}.jsonl"));

    public void Dispose() => directory.Dispose();
}

public sealed class JsonLinesTicketStoreTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Reopening_rebuilds_streams_feed_sequences_and_checkpoints()
    {
        var (a, b) = (TicketId.New(), TicketId.New());
        var eventsA = TicketStoreSpecification<JsonLinesTicketStore>.OneOfEach(a);
        var eventsB = TicketStoreSpecification<JsonLinesTicketStore>.OneOfEach(b);
        using (var first = directory.Open("log.jsonl"))
        {
            await first.AppendAsync(a, 0, eventsA.Take(3).ToArray());
            await first.AppendAsync(b, 0, eventsB.Take(2).ToArray());
            await first.AppendAsync(a, 3, eventsA.Skip(3).Take(1).ToArray());
            Assert.Equal(1, await first.NextAsync("F20240301"));
            Assert.Equal(2, await first.NextAsync("F20240301"));
            await first.SetCheckpointAsync("sla-due-index", 4);
            await first.SetCheckpointAsync("sla-due-index", 6);
        }

        using var reopened = directory.Open("log.jsonl");
        Assert.Equal(0, reopened.TruncatedBytes);
        Assert.Equal(eventsA.Take(4), (await reopened.ReadStreamAsync(a)).Events.Select(e => e.Event));
        Assert.Equal(eventsB.Take(2), (await reopened.ReadStreamAsync(b)).Events.Select(e => e.Event));
        var feed = await FeedAsync(reopened);
        Assert.Equal([1L, 2, 3, 4, 5, 6], feed.Select(e => e.Position));
        Assert.Equal([a, a, a, b, b, a], feed.Select(e => e.Event.TicketId));
        Assert.Equal(3, await reopened.NextAsync("F20240301"));
        Assert.Equal(6, await reopened.GetCheckpointAsync("sla-due-index"));
        Assert.Equal(7, (await reopened.AppendAsync(b, 2, eventsB.Skip(2).Take(1).ToArray()))[0].Position);
    }

    [Fact]
    public async Task A_torn_last_line_is_cut_off_on_open_and_the_store_goes_on()
    {
        var id = TicketId.New();
        var events = TicketStoreSpecification<JsonLinesTicketStore>.OneOfEach(id);
        string path;
        using (var store = directory.Open("torn.jsonl"))
        {
            path = store.Path;
            await store.AppendAsync(id, 0, events.Take(2).ToArray());
            await store.AppendAsync(id, 2, events.Skip(2).Take(2).ToArray());
        }

        // What a process killed in the middle of writing the third append leaves behind.
        var whole = await File.ReadAllBytesAsync(path);
        var lines = Encoding.UTF8.GetString(whole).Split('\n');
        await File.AppendAllTextAsync(path, lines[1][..(lines[1].Length / 2)]);

        using (var reopened = directory.Open("torn.jsonl"))
        {
            Assert.Equal(lines[1].Length / 2, reopened.TruncatedBytes);
            Assert.Equal(4, (await reopened.ReadStreamAsync(id)).Version);
        }

        Assert.Equal(whole, await File.ReadAllBytesAsync(path)); // cut back to the last whole line
        using var again = directory.Open("torn.jsonl");
        var appended = await again.AppendAsync(id, 4, events.Skip(4).Take(3).ToArray());
        Assert.Equal([5L, 6, 7], appended.Select(e => e.Position));
    }

    [Fact]
    public async Task A_damaged_line_before_the_last_is_refused()
    {
        var id = TicketId.New();
        string path;
        using (var store = directory.Open("damaged.jsonl"))
        {
            path = store.Path;
            await store.AppendAsync(id, 0, TicketStoreSpecification<JsonLinesTicketStore>.OneOfEach(id).Take(1).ToArray());
            await store.NextAsync("F20240301");
        }

        var lines = await File.ReadAllLinesAsync(path);
        await File.WriteAllLinesAsync(path, [lines[0][..10], lines[1]]);
        var error = Assert.Throws<InvalidDataException>(() => directory.Open("damaged.jsonl"));
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_store_on_an_open_file_is_refused_and_bad_paths_are_named()
    {
        using var first = directory.Open("shared.jsonl");
        Assert.ThrowsAny<IOException>(() => JsonLinesTicketStore.Open(first.Path));
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => JsonLinesTicketStore.Open(" ")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => JsonLinesTicketStore.Open(Path.Combine(first.Path + ".missing", "x.jsonl"))).ParamName);
    }

    [Fact]
    public async Task With_a_protector_the_file_holds_no_plaintext_personal_data()
    {
        var id = TicketId.New();
        var protector = new AesGcmPersonalDataProtector("k1", RandomNumberGenerator.GetBytes(32));
        var store = directory.Open("protected.jsonl", protector);
        var service = new TicketService(store, store, new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 3, 1, 2, 0)));
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", Address = "1 Century Avenue", ProductModel = "Phone Pro", ReceivedAt = Instant.FromUtc(2024, 3, 1, 1, 0), Description = "slow charging", Owner = "agent" },
        });
        Assert.Equal("13812345678", (await service.GetAsync(id)).Intake!.Contact);
        store.Dispose(); // the store holds the file exclusively
        var raw = await File.ReadAllTextAsync(store.Path);
        Assert.Contains("Phone Pro", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Zhang San", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("1 Century Avenue", raw, StringComparison.Ordinal);
    }

    private static async Task<List<RecordedEvent>> FeedAsync(ITicketStore store)
    {
        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        return feed;
    }
}

/// <summary>A temporary directory for log files; disposes every store opened in it, then deletes it.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private readonly string path = Directory.CreateTempSubdirectory("aftersales-jsonl-").FullName;
    private readonly List<JsonLinesTicketStore> opened = [];

    public JsonLinesTicketStore Open(string name, IPersonalDataProtector? protector = null)
    {
        var store = JsonLinesTicketStore.Open(Path.Combine(path, name), protector);
        lock (opened)
        {
            opened.Add(store);
        }

        return store;
    }

    public void Dispose()
    {
        foreach (var store in opened)
        {
            store.Dispose();
        }

        Directory.Delete(path, recursive: true);
    }
}
