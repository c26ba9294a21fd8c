using System.Text.Json;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>
/// The feed is decoded straight from SQLite's UTF-8 buffers, in parallel across the cores, and read a page ahead: it gives
/// exactly the events the driver-based stream read gives, in position order without gaps, and a row that does not decode
/// fails the read with its own exception (not an aggregate of the parallel decode).
/// </summary>
public sealed class SqliteFeedDecodingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-feed-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task The_feed_decodes_every_event_as_the_stream_read_does()
    {
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = Path.Combine(directory, "feed.db") });
        var ids = Enumerable.Range(0, 120).Select(_ => TicketId.New()).ToArray();
        foreach (var id in ids)
        {
            await store.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).ToArray());
        }

        var serializer = new TicketEventSerializer();
        var feed = await store.ReadFeedAsync(0).ToListAsync();
        Assert.Equal(Enumerable.Range(1, feed.Count).Select(p => (long)p), feed.Select(e => e.Position)); // several pages, no gap
        Assert.True(feed.Count > 1000);
        var byTicket = feed.GroupBy(e => e.Event.TicketId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var id in ids)
        {
            var stream = await store.ReadStreamAsync(id);
            Assert.Equal(stream.Events.Select(e => (e.Position, e.Version, serializer.Serialize(e.Event))), byTicket[id].Select(e => (e.Position, e.Version, serializer.Serialize(e.Event))));
        }

        // From the middle of a page, too.
        Assert.Equal(feed.Skip(777).Select(e => e.Position), (await store.ReadFeedAsync(777).ToListAsync()).Select(e => e.Position));
    }

    [Fact]
    public async Task A_row_that_does_not_decode_fails_the_read_with_its_own_exception()
    {
        var path = Path.Combine(directory, "broken.db");
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path });
        for (var i = 0; i < 20; i++)
        {
            var id = TicketId.New();
            await store.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).ToArray());
        }

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE events SET data = '{\"ticketId\": 12' WHERE position = 130; UPDATE events SET type = 'no-such-event' WHERE position = 340;";
            await command.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAnyAsync<JsonException>(async () => await store.ReadFeedAsync(0).ToListAsync());
        var unknown = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ReadFeedAsync(200).ToListAsync());
        Assert.Contains("no-such-event", unknown.Message, StringComparison.Ordinal);
    }
}
