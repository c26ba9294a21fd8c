using Microsoft.Data.Sqlite;
using NodaTime;

namespace AfterSales.Quality.Sqlite.Tests;

public sealed class SqliteDispatchLedgerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-ledger-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Pruning_removes_the_records_handled_before_the_instant_compared_as_instants_not_as_text()
    {
        var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, "ledger.db"), AllowPlaintextPersonalData = true });
        var t = Instant.FromUtc(2024, 3, 1, 0, 0);
        await store.RecordDispatchedAsync("sla:old", t);                                   // written as ...00:00:00Z
        await store.RecordDispatchedAsync("sla:later", t + Duration.FromMilliseconds(500)); // ...00:00:00.5Z, which sorts before it as text
        await store.RecordDispatchedAsync("survey:new", t + Duration.FromDays(2));

        Assert.Equal(1, await store.PruneDispatchedAsync(t + Duration.FromMilliseconds(250)));
        Assert.False(await store.IsDispatchedAsync("sla:old"));
        Assert.True(await store.IsDispatchedAsync("sla:later"));
        Assert.Equal(1, await store.PruneDispatchedAsync(t + Duration.FromDays(1)));
        Assert.Equal(0, await store.PruneDispatchedAsync(t + Duration.FromDays(1)));
        Assert.True(await store.IsDispatchedAsync("survey:new"));
    }
}
