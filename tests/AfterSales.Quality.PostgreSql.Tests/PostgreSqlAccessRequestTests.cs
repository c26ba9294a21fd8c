using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>Issue 18's access request on PostgreSQL: everything about a customer exported decrypted, refused and audited, erased.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlAccessRequestTests(PostgreSqlServer server)
{
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));

    [Fact]
    public async Task A_customer_is_exported_decrypted_through_the_policy_audited_and_after_erasure_as_erased()
    {
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), MasterKeys = MasterKeyRing.CreateRandom() };
        var scenario = new AccessRequestScenario();
        await using (var store = await PostgreSqlTicketStore.OpenAsync(options))
        {
            var service = ErasureScenario.Service(store, clock);
            await scenario.WriteAsync(service);
            await scenario.AssertExportsAsync(store, clock);
            await scenario.Erasure.EraseAsync(service);
        }

        // The audit is durable: another pool (another node) reads it.
        await using var other = await PostgreSqlTicketStore.OpenAsync(options);
        Assert.Equal(3, (await other.ListAccessesAsync(scenario.Erasure.Erased)).Count(r => r.Kind == PersonalDataAccessKind.Export));
        await scenario.AssertErasedExportAsync(other, clock);

        // An export that finds no ticket is recorded without one (a NULL ticket id through the array insert).
        var none = await AccessRequestScenario.Exporter(other, clock).ExportAsync(new AfterSales.Quality.Service.CustomerDataAccessRequest { Requester = AccessRequestScenario.Officer, Purpose = "PIPL-45 request 20", CustomerNumber = "C-NOBODY" });
        Assert.Empty(none.Tickets);
        var record = Assert.Single(await other.ListAccessesAsync(), r => r.AccessId == none.AccessId);
        Assert.Equal((null, "dpo", PersonalDataAccessDecision.Allowed, none.ExportedAt), (record.TicketId, record.Actor, record.Decision, record.At));
    }
}
