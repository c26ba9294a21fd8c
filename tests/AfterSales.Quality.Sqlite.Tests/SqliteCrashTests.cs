using System.Diagnostics;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>A child process killed in the middle of its appends leaves a store that opens, holds only whole appends and keeps the contract.</summary>
public sealed class SqliteCrashTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_writer_killed_mid_append_leaves_only_whole_appends()
    {
        var path = Path.Combine(directory, "crash.db");
        var writer = Path.Combine(AppContext.BaseDirectory, "AfterSales.Quality.Sqlite.CrashWriter.dll");
        Assert.True(File.Exists(writer), $"{writer} is missing.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add("sqlite");
        start.ArgumentList.Add(path);
        using (var child = Process.Start(start)!)
        {
            string? line;
            while ((line = await child.StandardOutput.ReadLineAsync()) is not null && line != "appended 2000")
            {
            }

            Assert.NotNull(line);
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true });
        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        Assert.True(feed.Count >= 2000);
        Assert.Equal(Enumerable.Range(1, feed.Count).Select(p => (long)p), feed.Select(e => e.Position));
        foreach (var batch in feed.GroupBy(e => e.Event.CommandId))
        {
            var summaries = batch.Select(e => ((ResponseRecorded)e.Event).Summary!).ToArray();
            var size = int.Parse(summaries[0].Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Enumerable.Range(0, size).Select(i => $"{i}/{size}"), summaries);
        }

        foreach (var stream in feed.GroupBy(e => e.Event.TicketId))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version));
        }

        var id = feed[^1].Event.TicketId;
        var version = (await store.ReadStreamAsync(id)).Version;
        TicketEvent Reply(int n) => new ResponseRecorded { TicketId = id, OccurredAt = Instant.FromUnixTimeSeconds(1_700_000_000), Actor = "after-crash", CommandId = Guid.NewGuid(), Summary = $"after {n}" };
        await store.AppendAsync(id, version, [Reply(1)]);
        await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await store.AppendAsync(id, version, [Reply(2)]));
        output.WriteLine($"SQLite crash: child killed after {feed.GroupBy(e => e.Event.CommandId).Count()} whole appends ({feed.Count} events); no partial append, positions 1..{feed.Count} without gaps.");
    }
}
