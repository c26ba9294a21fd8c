using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>The SQLite store finds a ticket by its feedback number over the index of schema version 7.</summary>
public sealed class SqliteFeedbackNumberTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-numbers-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_ticket_is_found_by_its_feedback_number_through_the_index_and_an_unknown_number_is_not()
    {
        var path = Path.Combine(directory, "numbers.db");
        using var store = new SqliteTicketStore(new SqliteTicketStoreOptions { AllowPlaintextPersonalData = true, DataSource = path });
        var id = TicketId.New();
        var events = TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(2).ToArray();
        await store.AppendAsync(id, 0, events);
        var number = Assert.IsType<TicketRegistered>(events[0]).FeedbackNumber;

        Assert.Equal(id, await store.FindByFeedbackNumberAsync(number));
        Assert.Null(await store.FindByFeedbackNumberAsync(number + "9"));
        Assert.Null(await store.FindByFeedbackNumberAsync(number.ToLowerInvariant() == number ? number.ToUpperInvariant() : number.ToLowerInvariant()));

        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var plan = connection.CreateCommand();
        plan.CommandText = "EXPLAIN QUERY PLAN SELECT ticket_id FROM events WHERE type = 'ticket-registered' AND json_extract(data, '$.feedbackNumber') = 'x' LIMIT 1";
        await using var reader = await plan.ExecuteReaderAsync();
        var steps = new List<string>();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        Assert.Contains(steps, s => s.Contains("events_feedback_number", StringComparison.Ordinal));
    }
}
