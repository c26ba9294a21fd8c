using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>
/// Erasing a customer erases every ticket of their customer number: afterwards no byte of the database file or the WAL
/// holds any of their values and no ciphertext found there opens — also when a crash interrupts it and a restart resumes it.
/// </summary>
public sealed class SqliteCustomerErasureTests : IDisposable
{
    private static readonly string[] Secrets = [.. ErasureScenario.Secrets, AccessRequestScenario.SecondDescription];

    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-customer-erasure-").FullName;
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));
    private readonly MasterKeyRing masterKeys = MasterKeyRing.CreateRandom();

    [Fact]
    public async Task Every_ticket_of_the_customer_is_erased_to_the_disk_and_the_other_customer_is_kept()
    {
        var path = Path.Combine(directory, "customer.db");
        var scenario = new AccessRequestScenario();
        using var store = Open(path);
        var service = ErasureScenario.Service(store, clock);
        await scenario.WriteAsync(service);
        var contexts = await ContextsAsync(store, scenario);
        Checkpoint(path);
        var before = await PersonalDataAudit.RecoverAsync(Files(path), masterKeys, await PersonalDataAudit.HeldDataKeysAsync(store.CustomerKeys!, masterKeys), contexts);
        Assert.Contains(before, r => r.Ticket == scenario.Second && r.Plaintext == AccessRequestScenario.SecondDescription);

        var refused = await Assert.ThrowsAsync<QualityValidationException>(() => service.EraseCustomerAsync("C-OUYANG-77", "dpo", " "));
        Assert.Contains(refused.Errors, e => e.Field == nameof(EraseCustomerData.Reason));
        Assert.Empty(await store.CustomerKeys!.ListPendingErasuresAsync()); // checked before anything was requested
        Assert.Equal("C-OUYANG-77", (await service.GetAsync(scenario.Second)).Intake!.CustomerNumber);

        Assert.Equal([scenario.Erasure.Erased, scenario.Second], await service.EraseCustomerAsync("C-OUYANG-77", "dpo", "PIPL-47"));
        Checkpoint(path);
        await AssertShreddedAsync(path, store, scenario, contexts);
        Assert.Empty(await service.EraseCustomerAsync("C-OUYANG-77", "dpo", "PIPL-47")); // nothing of theirs is left to match
        Assert.Empty(await store.CustomerKeys!.ListPendingErasuresAsync());
    }

    [Fact]
    public async Task A_customer_erasure_interrupted_after_its_requests_is_finished_at_restart()
    {
        var path = Path.Combine(directory, "crash.db");
        var scenario = new AccessRequestScenario();
        IReadOnlyCollection<(TicketId, string)> contexts;
        using (var store = Open(path))
        {
            await scenario.WriteAsync(ErasureScenario.Service(store, clock));
            contexts = await ContextsAsync(store, scenario);

            // What EraseCustomerAsync leaves when the process dies after requesting both erasures: no event, no key destroyed.
            foreach (var ticket in new[] { scenario.Erasure.Erased, scenario.Second })
            {
                await store.CustomerKeys!.RequestErasureAsync(new ErasureRequest(ticket, Guid.NewGuid(), "dpo", "PIPL-47", clock.GetCurrentInstant(), ErasureStage.Requested));
            }
        }

        SqliteConnection.ClearAllPools();
        using var restarted = Open(path);
        var service = ErasureScenario.Service(restarted, clock);
        Assert.Equal(PersonalDataErased.Placeholder, (await service.GetAsync(scenario.Second)).Intake!.Description); // requested: never shown again
        Assert.Equal(2, await service.ResumeErasuresAsync());
        Checkpoint(path);
        await AssertShreddedAsync(path, restarted, scenario, contexts);
        foreach (var ticket in new[] { scenario.Erasure.Erased, scenario.Second })
        {
            Assert.Single((await restarted.ReadStreamAsync(ticket)).Events, e => e.Event is PersonalDataErased);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<IReadOnlyCollection<(TicketId, string)>> ContextsAsync(SqliteTicketStore store, AccessRequestScenario scenario) =>
        [.. (await store.CustomerKeys!.GetAsync([scenario.Erasure.Erased, scenario.Second, scenario.Erasure.Control])).Values.Select(k => (k.TicketId, k.DataKeyId))];

    private static string[] Files(string path) => [.. new[] { path, path + "-wal", path + "-shm", path + "-journal" }.Where(File.Exists)];

    private static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }

    private SqliteTicketStore Open(string path) => new(new SqliteTicketStoreOptions { DataSource = path, MasterKeys = masterKeys });

    private async Task AssertShreddedAsync(string path, SqliteTicketStore store, AccessRequestScenario scenario, IReadOnlyCollection<(TicketId, string)> contexts)
    {
        Assert.Empty(PersonalDataAudit.FindPlaintext(Files(path), Secrets));
        var recovered = await PersonalDataAudit.RecoverAsync(Files(path), masterKeys, await PersonalDataAudit.HeldDataKeysAsync(store.CustomerKeys!, masterKeys), contexts);
        Assert.DoesNotContain(recovered, r => r.Ticket == scenario.Erasure.Erased || r.Ticket == scenario.Second);
        Assert.Contains(recovered, r => r.Ticket == scenario.Erasure.Control && r.Plaintext == ErasureScenario.ControlName);
    }
}
