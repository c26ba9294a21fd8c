using AfterSales.Quality.Kpi;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>
/// Issue 18's done-test on SQLite: after an erasure no byte of the main file (free pages included) or
/// the WAL holds the customer's data in any encoding, and no ciphertext found there opens with any key
/// still held — not even by someone holding the master key.
/// </summary>
public sealed class SqliteCryptoShreddingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-shred-").FullName;
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));
    private readonly MasterKeyRing masterKeys = MasterKeyRing.CreateRandom();

    [Fact]
    public async Task An_erased_customer_is_in_no_byte_of_the_database_files_and_no_ciphertext_opens()
    {
        var path = Path.Combine(directory, "shred.db");
        var scenario = new ErasureScenario();
        using var store = Open(path);
        var service = ErasureScenario.Service(store, clock);
        await scenario.WriteAsync(service);
        var contexts = await scenario.ContextsAsync(store.CustomerKeys!);

        // The audit can fail: before the erasure it recovers the customer's values from the files.
        Checkpoint(path);
        var before = await PersonalDataAudit.RecoverAsync(Files(path), masterKeys, await PersonalDataAudit.HeldDataKeysAsync(store.CustomerKeys!, masterKeys), contexts);
        Assert.Contains(before, r => r.Ticket == scenario.Erased && r.Plaintext == "欧阳翠花");
        Assert.Empty(PersonalDataAudit.FindPlaintext(Files(path), ErasureScenario.Secrets));
        var kpisBefore = await ErasureScenario.FactsAsync(store, clock);

        await scenario.EraseAsync(service);
        Checkpoint(path);

        await AssertShreddedAsync(path, store, scenario, contexts);
        await scenario.AssertReadsAsync(service, store);
        Assert.Equal(kpisBefore, await ErasureScenario.FactsAsync(store, clock));
        Assert.Empty(await store.CustomerKeys!.ListPendingErasuresAsync());
        Assert.Equal([scenario.Control], await store.FindByCustomerNumberAsync("C-SIMA-1"));
        Assert.Empty((await store.FindByCustomerNumberAsync("C-OUYANG-77"))!);
    }

    [Fact]
    public async Task An_erasure_interrupted_after_its_event_never_shows_the_data_and_is_resumed_at_restart()
    {
        var path = Path.Combine(directory, "crash.db");
        var scenario = new ErasureScenario();
        IReadOnlyCollection<(AfterSales.Quality.Tickets.TicketId, string)> contexts;
        TicketFact[] kpisBefore;
        using (var store = Open(path))
        {
            var service = ErasureScenario.Service(store, clock);
            await scenario.WriteAsync(service);
            contexts = await scenario.ContextsAsync(store.CustomerKeys!);
            kpisBefore = await ErasureScenario.FactsAsync(store, clock);
            await scenario.CrashMidErasureAsync(store, store.CustomerKeys!, clock);
        }

        SqliteConnection.ClearAllPools();
        using var restarted = Open(path);
        var resumed = ErasureScenario.Service(restarted, clock);

        // Before the resumption: the key still exists, but nothing reads the data.
        var pending = Assert.Single(await restarted.CustomerKeys!.ListPendingErasuresAsync());
        Assert.Equal((scenario.Erased, ErasureStage.Requested), (pending.TicketId, pending.Stage));
        await scenario.AssertReadsAsync(resumed, restarted);

        Assert.Equal(1, await resumed.ResumeErasuresAsync());
        Assert.Empty(await restarted.CustomerKeys!.ListPendingErasuresAsync());
        Checkpoint(path);
        await AssertShreddedAsync(path, restarted, scenario, contexts);
        await scenario.AssertReadsAsync(resumed, restarted);
        Assert.Equal(kpisBefore, await ErasureScenario.FactsAsync(restarted, clock));

        // The event was appended once: the resumption replayed the same command.
        var stream = await restarted.ReadStreamAsync(scenario.Erased);
        Assert.Single(stream.Events, e => e.Event is AfterSales.Quality.Tickets.PersonalDataErased);
    }

    [Fact]
    public void A_database_file_without_keys_refuses_to_open_unless_plain_text_is_allowed()
    {
        var path = Path.Combine(directory, "plain.db");
        var error = Assert.Throws<QualityValidationException>(() => new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path }));
        Assert.Contains(error.Errors, e => e.Field == nameof(SqliteTicketStoreOptions.MasterKeys));
        Assert.False(File.Exists(path));
        var both = Assert.Throws<QualityValidationException>(() => new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, MasterKeys = masterKeys, Protector = new AesGcmPersonalDataProtector("k", new byte[32]) }));
        Assert.Contains(both.Errors, e => e.Field == nameof(SqliteTicketStoreOptions.MasterKeys));

        var logger = new ListLogger();
        using var plain = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true, Logger = logger });
        Assert.Null(plain.CustomerKeys);
        Assert.Contains(logger.Messages, m => m.Contains("PLAIN TEXT", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

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

    private async Task AssertShreddedAsync(string path, SqliteTicketStore store, ErasureScenario scenario, IReadOnlyCollection<(AfterSales.Quality.Tickets.TicketId, string)> contexts)
    {
        Assert.Empty(PersonalDataAudit.FindPlaintext(Files(path), ErasureScenario.Secrets));
        var held = await PersonalDataAudit.HeldDataKeysAsync(store.CustomerKeys!, masterKeys);
        var recovered = await PersonalDataAudit.RecoverAsync(Files(path), masterKeys, held, contexts);
        Assert.DoesNotContain(recovered, r => r.Ticket == scenario.Erased);
        Assert.Contains(recovered, r => r.Ticket == scenario.Control && r.Plaintext == ErasureScenario.ControlName);
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
