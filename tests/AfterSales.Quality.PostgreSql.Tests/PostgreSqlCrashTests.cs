using System.Diagnostics;
using System.Globalization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Npgsql;
using NodaTime;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>A child process killed in the middle of its appends to PostgreSQL leaves a schema that opens, holds only whole appends and keeps the contract.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlCrashTests(PostgreSqlServer server, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string WriterApplication = "aftersales-crash-writer";

    [Fact]
    public async Task A_writer_killed_mid_append_leaves_only_whole_appends()
    {
        var schema = PostgreSqlServer.NewSchema();
        var writer = Path.Combine(AppContext.BaseDirectory, "AfterSales.Quality.Sqlite.CrashWriter.dll");
        Assert.True(File.Exists(writer), $"{writer} is missing.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add("postgres");
        start.ArgumentList.Add(server.ConnectionString + ";Application Name=" + WriterApplication);
        start.ArgumentList.Add(schema);
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

        await WaitUntilTheWritersSessionsAreGoneAsync();

        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = schema, AllowPlaintextPersonalData = true });
        var feed = new List<RecordedEvent>();
        await foreach (var e in store.ReadFeedAsync(0))
        {
            feed.Add(e);
        }

        // Only whole appends: positions 1..N without gaps, every batch complete, every stream contiguous and equal to its part of the feed.
        Assert.True(feed.Count >= 2000);
        Assert.Equal(Enumerable.Range(1, feed.Count).Select(p => (long)p), feed.Select(e => e.Position));
        var appends = feed.GroupBy(e => e.Event.CommandId).ToArray();
        foreach (var batch in appends)
        {
            var summaries = batch.Select(e => ((ResponseRecorded)e.Event).Summary!).ToArray();
            var size = int.Parse(summaries[0].Split('/')[1], CultureInfo.InvariantCulture);
            Assert.Equal(Enumerable.Range(0, size).Select(i => $"{i}/{size}"), summaries);
            Assert.Equal(Enumerable.Range(0, size).Select(i => batch.First().Position + i), batch.Select(e => e.Position));
        }

        foreach (var stream in feed.GroupBy(e => e.Event.TicketId))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version));
            Assert.Equal(stream, (await store.ReadStreamAsync(stream.Key)).Events);
        }

        // The store accepts new appends right after the last landed position, and still refuses a stale one.
        var id = feed[^1].Event.TicketId;
        var version = (await store.ReadStreamAsync(id)).Version;
        TicketEvent Reply(int n) => new ResponseRecorded { TicketId = id, OccurredAt = Instant.FromUnixTimeSeconds(1_700_000_000), Actor = "after-crash", CommandId = Guid.NewGuid(), Summary = $"after {n}" };
        var appended = await store.AppendAsync(id, version, [Reply(1)]);
        Assert.Equal((feed.Count + 1L, version + 1), (appended[0].Position, appended[0].Version));
        await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await store.AppendAsync(id, version, [Reply(2)]));
        var fresh = TicketId.New();
        Assert.Equal(feed.Count + 2L, (await store.AppendAsync(fresh, 0, [Reply(3) with { TicketId = fresh }]))[0].Position);
        output.WriteLine($"PostgreSQL crash: child killed after {appends.Length} whole appends ({feed.Count} events) had landed; no partial append, positions 1..{feed.Count} without gaps, the next append got position {feed.Count + 1}.");
    }

    /// <summary>
    /// The killed client's server sessions end when the server notices the closed socket; an append
    /// already received may still commit. Waits for them (ending any that linger), so the checks see
    /// the final state. Waits for a condition, not for a time.
    /// </summary>
    private async Task WaitUntilTheWritersSessionsAreGoneAsync()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        for (var round = 0; ; round++)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name AND pid <> pg_backend_pid();", connection);
            command.Parameters.AddWithValue("name", WriterApplication);
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            if (round == 20)
            {
                await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @name;", connection);
                terminate.Parameters.AddWithValue("name", WriterApplication);
                await terminate.ExecuteNonQueryAsync();
            }

            Assert.True(round < 1_000, "The killed writer's sessions did not end.");
            await Task.Delay(50);
        }
    }
}
