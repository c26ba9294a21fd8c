using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>The SQLite store, in a file, runs the whole storage contract.</summary>
public sealed class SqliteFileStoreSpecification : TicketStoreSpecification<SqliteTicketStore>, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-").FullName;

    protected override Task<SqliteTicketStore> CreateStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions
        {
            DataSource = Path.Combine(directory, $"{Guid.NewGuid():N}.db"),
            Protector = new AesGcmPersonalDataProtector("test", RandomNumberGenerator.GetBytes(32)),
        }));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>The SQLite store, in a file, with per-customer keys (crypto-shredding), runs the whole storage contract.</summary>
public sealed class SqliteShreddingStoreSpecification : TicketStoreSpecification<SqliteTicketStore>, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-keys-").FullName;

    protected override Task<SqliteTicketStore> CreateStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions
        {
            DataSource = Path.Combine(directory, $"{Guid.NewGuid():N}.db"),
            MasterKeys = MasterKeyRing.CreateRandom(),
        }));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>The SQLite store, in a file, runs the whole improvement-plan contract.</summary>
public sealed class SqliteFileImprovementPlanStoreSpecification : ImprovementPlanStoreSpecification<SqliteTicketStore>, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-plans-").FullName;

    protected override Task<SqliteTicketStore> CreatePlanStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, $"{Guid.NewGuid():N}.db"), AllowPlaintextPersonalData = true }));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>The SQLite store, in memory, runs the whole improvement-plan contract.</summary>
public sealed class SqliteMemoryImprovementPlanStoreSpecification : ImprovementPlanStoreSpecification<SqliteTicketStore>
{
    protected override Task<SqliteTicketStore> CreatePlanStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = ":memory:" }));
}

/// <summary>The SQLite store, in memory, runs the whole storage contract.</summary>
public sealed class SqliteMemoryStoreSpecification : TicketStoreSpecification<SqliteTicketStore>
{
    protected override Task<SqliteTicketStore> CreateStoreAsync() =>
        Task.FromResult(new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = ":memory:" }));
}

public sealed class SqliteTicketStoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task The_raw_database_file_holds_no_plaintext_personal_data()
    {
        var path = Path.Combine(directory, "tickets.db");
        var protector = new AesGcmPersonalDataProtector("k1", RandomNumberGenerator.GetBytes(32));
        var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, Protector = protector });
        var id = TicketId.New();
        await store.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(1).ToArray());
        Assert.Equal("13812345678", ((TicketRegistered)(await store.ReadStreamAsync(id)).Events[0].Event).Intake.Contact);

        SqliteConnection.ClearAllPools();
        var raw = Encoding.UTF8.GetString(File.ReadAllBytes(path)) + (File.Exists(path + "-wal") ? Encoding.UTF8.GetString(File.ReadAllBytes(path + "-wal")) : "");
        Assert.Contains("Phone Pro", raw); // the file is readable at all...
        Assert.DoesNotContain("13812345678", raw); // ...but the contact,
        Assert.DoesNotContain("Zhang San", raw); // the name
        Assert.DoesNotContain("1 Century Avenue", raw); // and the address are not there in plain text
    }

    [Fact]
    public async Task A_reopened_file_keeps_everything_and_a_newer_schema_is_refused()
    {
        var path = Path.Combine(directory, "reopen.db");
        var id = TicketId.New();
        var first = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true });
        await first.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(3).ToArray());
        Assert.Equal(1, await first.NextAsync("F20240301"));

        var second = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true });
        Assert.Equal(3, (await second.ReadStreamAsync(id)).Version);
        Assert.Equal(2, await second.NextAsync("F20240301"));

        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version) VALUES (99)";
            await command.ExecuteNonQueryAsync();
        }

        var error = Assert.Throws<InvalidOperationException>(() => new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true }));
        Assert.Contains("schema version 99", error.Message);
    }

    [Fact]
    public async Task A_version_1_file_is_migrated_to_the_current_version_and_keeps_its_tickets()
    {
        var path = Path.Combine(directory, "v1.db");
        var id = TicketId.New();
        var first = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true });
        await first.AppendAsync(id, 0, TicketStoreSpecification<SqliteTicketStore>.OneOfEach(id).Take(3).ToArray());
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            // Back to what version 1 wrote: no plans, source-hash or snapshot tables, schema version 1.
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE improvement_plans; DROP TABLE import_source_hashes; DROP TABLE customer_keys; DROP TABLE snapshots; DROP TABLE snapshot_chunks; DROP TABLE dispatched; DROP TABLE personal_data_access; DROP TABLE customer_index_key; DROP TABLE customer_numbers; DROP TABLE customer_numbers_backfill; DELETE FROM schema_version WHERE version > 1;";
            await command.ExecuteNonQueryAsync();
        }

        var migrated = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true });
        Assert.Equal(3, (await migrated.ReadStreamAsync(id)).Version);
        var plan = ImprovementPlanStoreSpecification<SqliteTicketStore>.FullPlan(AfterSales.Quality.FeedbackLoop.ImprovementPlanId.New());
        await migrated.SaveAsync(plan, 0);
        ImprovementPlanStoreSpecification<SqliteTicketStore>.AssertSamePlan(plan, await migrated.GetAsync(plan.Id));
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)";
            Assert.Equal("1,2,3,4,5,6,7,8,9", await command.ExecuteScalarAsync());
        }

        await migrated.AppendBatchAsync([new AfterSales.Quality.Storage.TicketAppend(id, 3, []) { SourceHash = new AfterSales.Quality.Storage.TicketSourceHash("v1", "h") }]);
        Assert.Equal("h", (await migrated.ReadSourceHashesAsync("v1"))[id]);
    }

    [Fact]
    public void Bad_options_are_refused_with_the_option_named()
    {
        var error = Assert.Throws<QualityValidationException>(() => new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = " ", BusyTimeoutSeconds = 0, AllowPlaintextPersonalData = true }));
        Assert.Equal(["DataSource", "BusyTimeoutSeconds"], error.Errors.Select(e => e.Field));
    }
}

/// <summary>The reliability workload, alone (not in parallel with the other test classes) so its figures measure the store.</summary>
[Collection(SqliteReliabilityCollection.Name)]
public sealed class SqliteReliabilityTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Eight_writers_times_ten_thousand_commands_lose_and_duplicate_nothing_and_the_feed_replays_the_same_state()
    {
        var store = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = Path.Combine(directory, "writers.db"), AllowPlaintextPersonalData = true });
        await AfterSales.Quality.Storage.Testing.ConcurrentCommandWorkload.RunAsync("SQLite (file, WAL)", store, store, output);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqliteReliabilityCollection
{
    public const string Name = "sqlite-reliability";
}
