using System.Security.Cryptography;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using AfterSales.Quality.Tickets;
using Npgsql;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>
/// Issue 18's done-test on PostgreSQL: after an erasure, VACUUM, CHECKPOINT and a master key rotation
/// that retires the old master key, no file of the cluster's data directory (heap, dead tuples, pg_wal)
/// holds the customer's data in any encoding, and no ciphertext or wrapped key found there opens with
/// any key still held. The same after a crash in the middle of the erasure and a restart.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlCryptoShreddingTests(PostgreSqlServer server)
{
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_erased_customer_is_in_no_file_of_the_cluster_and_no_ciphertext_opens(bool crashMidErasure)
    {
        var schema = PostgreSqlServer.NewSchema();
        var oldMaster = RandomNumberGenerator.GetBytes(32);
        var ring = new MasterKeyRing(new Dictionary<string, byte[]> { ["m1"] = oldMaster }, "m1");
        var scenario = new ErasureScenario();
        IReadOnlyCollection<(TicketId, string)> contexts;
        TicketFact[] kpisBefore;
        await using (var store = await Open(schema, ring))
        {
            // pglz would compress a long registration inline, hiding its bytes from a byte-level audit: this
            // test's schema keeps values uncompressed so the audit sees every value (the store's default compresses).
            await ExecuteAsync($"ALTER TABLE {schema}.events ALTER COLUMN data SET STORAGE EXTERNAL;");
            var service = ErasureScenario.Service(store, clock);
            await scenario.WriteAsync(service);
            contexts = await scenario.ContextsAsync(store.CustomerKeys!);
            kpisBefore = await ErasureScenario.FactsAsync(store, clock);

            // The audit can fail: before the erasure it recovers the customer's values from the files.
            await ExecuteAsync("CHECKPOINT;");
            var before = await PersonalDataAudit.RecoverAsync(Files(), ring, await PersonalDataAudit.HeldDataKeysAsync(store.CustomerKeys!, ring), contexts);
            Assert.Contains(before, r => r.Ticket == scenario.Erased && r.Plaintext == "欧阳翠花");
            if (crashMidErasure)
            {
                await scenario.CrashMidErasureAsync(store, store.CustomerKeys!, clock);
            }
            else
            {
                await scenario.EraseAsync(service);
            }
        }

        // A restart (a new pool), resuming what the crash left; then the operator's rotation retires m1.
        var newMaster = RandomNumberGenerator.GetBytes(32);
        var rotating = new MasterKeyRing(new Dictionary<string, byte[]> { ["m1"] = oldMaster, ["m2"] = newMaster }, "m2");
        await using (var restarted = await Open(schema, rotating))
        {
            var service = ErasureScenario.Service(restarted, clock);
            await scenario.AssertReadsAsync(service, restarted);
            Assert.Equal(crashMidErasure ? 1 : 0, await service.ResumeErasuresAsync());
            Assert.Empty(await restarted.CustomerKeys!.ListPendingErasuresAsync());
            Assert.Equal(1, await CustomerKeyRotation.RewrapAllAsync(restarted.CustomerKeys!, rotating));
        }

        var retired = new MasterKeyRing(new Dictionary<string, byte[]> { ["m2"] = newMaster }, "m2");
        await ExecuteAsync($"VACUUM {schema}.customer_keys;");
        await ExecuteAsync($"VACUUM {schema}.events;");
        await ExecuteAsync("CHECKPOINT;");
        await using var reopened = await Open(schema, retired);
        var reader = ErasureScenario.Service(reopened, clock);
        Assert.Empty(PersonalDataAudit.FindPlaintext(Files(), ErasureScenario.Secrets));
        var recovered = await PersonalDataAudit.RecoverAsync(Files(), retired, await PersonalDataAudit.HeldDataKeysAsync(reopened.CustomerKeys!, retired), contexts);
        Assert.DoesNotContain(recovered, r => r.Ticket == scenario.Erased);
        Assert.Contains(recovered, r => r.Ticket == scenario.Control && r.Plaintext == ErasureScenario.ControlName);
        await scenario.AssertReadsAsync(reader, reopened);
        Assert.Equal(kpisBefore, await ErasureScenario.FactsAsync(reopened, clock));

        // The blind index key was re-wrapped with the data keys: the index still answers under the new master key alone.
        Assert.Equal([scenario.Control], await reopened.FindByCustomerNumberAsync("C-SIMA-1"));
        Assert.Empty((await reopened.FindByCustomerNumberAsync("C-OUYANG-77"))!);
        Assert.Single((await reopened.ReadStreamAsync(scenario.Erased)).Events, e => e.Event is PersonalDataErased);
    }

    [Fact]
    public async Task A_store_without_keys_refuses_to_open_unless_plain_text_is_allowed()
    {
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema() }));
        Assert.Contains(error.Errors, e => e.Field == nameof(PostgreSqlTicketStoreOptions.MasterKeys));
        await using var plain = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), AllowPlaintextPersonalData = true });
        Assert.Null(plain.CustomerKeys);
    }

    private string[] Files() =>
        [.. Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("pg_stat_tmp", StringComparison.Ordinal) && !f.EndsWith(".pid", StringComparison.Ordinal))];

    private Task<PostgreSqlTicketStore> Open(string schema, IMasterKeyProvider keys) =>
        PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = schema, MasterKeys = keys });

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
