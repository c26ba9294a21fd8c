using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>Issue 18's access request on SQLite: everything about a customer exported decrypted, refused and audited, erased.</summary>
public sealed class SqliteAccessRequestTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-access-").FullName;
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));
    private readonly MasterKeyRing masterKeys = MasterKeyRing.CreateRandom();

    [Fact]
    public async Task A_customer_is_exported_decrypted_through_the_policy_audited_and_after_erasure_as_erased()
    {
        var path = Path.Combine(directory, "access.db");
        var scenario = new AccessRequestScenario();
        using (var store = Open(path))
        {
            var service = ErasureScenario.Service(store, clock);
            await scenario.WriteAsync(service);
            await scenario.AssertExportsAsync(store, clock);
            await scenario.Erasure.EraseAsync(service);
        }

        // The audit is durable: a store opened again over the file reads it.
        SqliteConnection.ClearAllPools();
        using var reopened = Open(path);
        Assert.Equal(3, (await reopened.ListAccessesAsync(scenario.Erasure.Erased)).Count(r => r.Kind == PersonalDataAccessKind.Export));
        await scenario.AssertErasedExportAsync(reopened, clock);
    }

    [Fact]
    public async Task Reads_through_the_guard_are_recorded_in_the_database_file_allowed_and_denied()
    {
        var path = Path.Combine(directory, "guard.db");
        var scenario = new ErasureScenario();
        var started = clock.GetCurrentInstant();
        using (var store = Open(path))
        {
            var service = ErasureScenario.Service(store, clock);
            await scenario.WriteAsync(service);
            var ticket = await service.GetAsync(scenario.Erased);
            var guard = new AfterSales.Quality.Service.PersonalDataGuard(new AfterSales.Quality.Service.WorkingPeopleAccessPolicy(), store, clock);
            Assert.Equal("欧阳翠花", (await guard.ViewAsync(ticket, new AfterSales.Quality.Service.Viewer("agent", new HashSet<string>()), "revisit call")).CustomerName);
            Assert.Equal("欧*", (await guard.ViewAsync(ticket, AccessRequestScenario.Stranger, "monthly statistics")).CustomerName);
        }

        SqliteConnection.ClearAllPools();
        using var reopened = Open(path);
        var records = await reopened.ListAccessesAsync(scenario.Erased);
        Assert.Equal(
            [("agent", "revisit call", PersonalDataAccessDecision.Allowed), ("analyst-wu", "monthly statistics", PersonalDataAccessDecision.Denied)],
            records.Select(r => (r.Actor, r.Purpose, r.Decision)));
        Assert.All(records, r => Assert.Equal((PersonalDataAccessKind.View, (AfterSales.Quality.Tickets.TicketId?)scenario.Erased), (r.Kind, r.TicketId)));
        Assert.All(records, r => Assert.True(r.At > started && r.At <= clock.GetCurrentInstant()));
        Assert.Empty(await reopened.ListAccessesAsync(scenario.Control));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private SqliteTicketStore Open(string path) => new(new SqliteTicketStoreOptions { DataSource = path, MasterKeys = masterKeys });
}
