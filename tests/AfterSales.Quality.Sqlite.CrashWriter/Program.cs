using System.Globalization;
using AfterSales.Quality.PostgreSql;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

// Usage: CrashWriter sqlite <database path> | CrashWriter postgres <connection string> <schema>.
// Appends batches of 1-5 events (each event's summary says "index/size" of its batch) from four
// writers until killed; prints "appended N" as it goes. Used by the crash tests.
ITicketStore store = args[0] == "postgres"
    ? await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = args[1], Schema = args[2], AllowPlaintextPersonalData = true })
    : new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = args[1], AllowPlaintextPersonalData = true });
var total = 0L;
var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
{
    var random = new Random(writer);
    var tickets = Enumerable.Range(0, 20).Select(_ => TicketId.New()).ToArray();
    var versions = new long[tickets.Length];
    while (true)
    {
        var t = random.Next(tickets.Length);
        var size = random.Next(1, 6);
        var commandId = Guid.NewGuid();
        var events = Enumerable.Range(0, size).Select(i => (TicketEvent)new ResponseRecorded
        {
            TicketId = tickets[t],
            OccurredAt = Instant.FromUnixTimeSeconds(1_700_000_000),
            Actor = "crash-writer",
            CommandId = commandId,
            Summary = string.Create(CultureInfo.InvariantCulture, $"{i}/{size}"),
        }).ToArray();
        await store.AppendAsync(tickets[t], versions[t], events);
        versions[t] += size;
        var done = Interlocked.Increment(ref total);
        if (done % 100 == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"appended {done}"));
        }
    }
})).ToArray();
await Task.WhenAll(writers);
