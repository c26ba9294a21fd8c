using System.Security.Cryptography;
using System.Text;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Testing;
using AfterSales.Quality.Tickets;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Sqlite.Tests;

/// <summary>
/// The customer-number blind index, the notes of internal work written in clear by an older version, and the audit's
/// paging and retention, on real SQLite files — including one migrated from schema 8.
/// </summary>
public sealed class SqliteCustomerNumberIndexTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("aftersales-index-").FullName;
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));
    private readonly MasterKeyRing masterKeys = MasterKeyRing.CreateRandom();

    [Fact]
    public async Task The_index_answers_exactly_what_the_feed_scan_answers_and_erasure_removes_its_rows()
    {
        var path = Path.Combine(directory, "index.db");
        using var store = Open(path);
        var service = new TicketService(store, store, clock);
        var scenario = new CustomerNumberIndexScenario();
        await scenario.WriteAsync(service);
        await scenario.AssertLookupEqualsScanAsync(store);

        // One row per ticket registered with a number and not erased; none holds a number in clear or its plain hash.
        var indexed = scenario.Registered.Where(r => r.Number is not null && !scenario.Erased.Contains(r.Ticket)).Select(r => r.Ticket.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(indexed, IndexedTickets(path));
        Checkpoint(path);
        var numbers = CustomerNumberIndexScenario.Numbers;
        Assert.Empty(PersonalDataAudit.FindPlaintext(Files(path), [.. numbers, .. numbers.Select(PlainHash)]));

        // The customer's erasure finds its tickets through the index and removes their rows.
        var erased = await service.EraseCustomerAsync("C1001", "dpo", "DSR-7");
        Assert.Equal(scenario.Registered.Where(r => r.Number == "C1001" && !scenario.Erased.Contains(r.Ticket)).Select(r => r.Ticket), erased);
        Assert.NotEmpty(erased);
        scenario.Erased.AddRange(erased);
        Assert.DoesNotContain(IndexedTickets(path), t => erased.Select(e => e.ToString()).Contains(t));
        Assert.Equal(indexed.Count - erased.Count, IndexedTickets(path).Count);
        await scenario.AssertLookupEqualsScanAsync(store);
    }

    [Fact]
    public async Task The_lookup_reads_the_index_not_the_feed()
    {
        var path = Path.Combine(directory, "noscan.db");
        using var store = Open(path);
        var service = new TicketService(store, store, clock);
        var scenario = new CustomerNumberIndexScenario();
        await scenario.WriteAsync(service, count: 20);
        var wanted = scenario.Registered.First(r => r.Number == "C1002" && !scenario.Erased.Contains(r.Ticket)).Ticket;

        // Another customer's registration made unreadable: a feed scan fails on it, the index lookup never reads it.
        var other = scenario.Registered.First(r => r.Number is not null and not "C1002").Ticket;
        Execute(path, $"UPDATE events SET data = '{{\"broken\": true}}' WHERE ticket_id = '{other}' AND version = 1;");
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => CustomerNumberIndexScenario.ScanAsync(store, "C1002"));
        Assert.Contains(wanted, (await store.FindByCustomerNumberAsync("C1002"))!);
        var export = await new CustomerDataExporter(store, new WorkingPeopleAccessPolicy("data-protection-officer"), store, clock)
            .ExportAsync(new CustomerDataAccessRequest { Requester = AccessRequestScenario.Officer, Purpose = "PIPL-45 request 21", CustomerNumber = "C1002" });
        Assert.Equal(scenario.Registered.Where(r => r.Number == "C1002" && !scenario.Erased.Contains(r.Ticket)).Select(r => r.Ticket), export.Tickets.Select(t => t.TicketId));
    }

    [Fact]
    public async Task A_store_without_master_keys_offers_no_index_and_its_registrations_are_indexed_once_keys_are_set()
    {
        var path = Path.Combine(directory, "plain.db");
        var scenario = new CustomerNumberIndexScenario();
        using (var plain = new SqliteTicketStore(new SqliteTicketStoreOptions { DataSource = path, AllowPlaintextPersonalData = true }))
        {
            Assert.Null(await plain.FindByCustomerNumberAsync("C1001"));
            await scenario.WriteAsync(new TicketService(plain, plain, clock), count: 24);
        }

        SqliteConnection.ClearAllPools();
        using var keyed = Open(path);
        Assert.Empty(IndexedTickets(path));
        await scenario.AssertLookupEqualsScanAsync(keyed);
        Assert.NotEmpty(IndexedTickets(path));
        Assert.Equal("1", Scalar(path, "SELECT missing_after >= missing_through FROM customer_numbers_backfill"));
    }

    [Fact]
    public async Task A_schema_8_database_is_migrated_its_registrations_backfilled_and_its_audit_paged_by_time()
    {
        var path = Path.Combine(directory, "v8.db");
        var scenario = new CustomerNumberIndexScenario();
        var audit = new AccessAuditScenario();
        using (var store = Open(path))
        {
            await scenario.WriteAsync(new TicketService(store, store, clock), count: 30);
            await audit.WriteAsync(store);
        }

        SqliteConnection.ClearAllPools();
        Execute(path, """
            DELETE FROM schema_version WHERE version = 9;
            DROP TABLE customer_index_key; DROP TABLE customer_numbers; DROP TABLE customer_numbers_backfill;
            DROP INDEX personal_data_access_actor; DROP INDEX personal_data_access_at; ALTER TABLE personal_data_access DROP COLUMN at_ns;
            """);
        Assert.Equal("8", Scalar(path, "SELECT MAX(version) FROM schema_version"));

        using var migrated = Open(path);
        Assert.Equal("9", Scalar(path, "SELECT MAX(version) FROM schema_version"));
        Assert.Equal(string.Join(',', Enumerable.Range(1, 9)), Scalar(path, "SELECT group_concat(version, ',') FROM (SELECT version FROM schema_version ORDER BY version)"));
        Assert.Empty(IndexedTickets(path));
        await scenario.AssertLookupEqualsScanAsync(migrated);
        Assert.Equal(scenario.Registered.Count(r => r.Number is not null && !scenario.Erased.Contains(r.Ticket)), IndexedTickets(path).Count);

        // The records written at schema 8 got their instants in nanoseconds: time ranges page them exactly.
        await audit.AssertPagingAndRetentionAsync(migrated);
    }

    [Fact]
    public async Task Notes_written_in_clear_by_an_older_version_still_read_and_leave_the_file_at_erasure()
    {
        var path = Path.Combine(directory, "clear-notes.db");
        const string Note = "旧版延误：已电话13987654321告知";
        using var store = Open(path);
        var service = new TicketService(store, store, clock);
        var id = TicketId.New();
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "欧阳翠花", Contact = "13912345678", CustomerNumber = "C-OLD-1", ProductModel = "Phone Pro", ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "agent" },
        });

        // As the version before stored them: the notes of internal work in clear, beside the encrypted registration.
        var serializer = new TicketEventSerializer();
        TicketEvent[] old =
        [
            new DelayExplained { TicketId = id, OccurredAt = clock.GetCurrentInstant(), Actor = "agent", CommandId = Guid.NewGuid(), Reason = Note, CustomerInformed = true },
            new AnalysisRecorded { TicketId = id, OccurredAt = clock.GetCurrentInstant(), Actor = "agent", CommandId = Guid.NewGuid(), RootCauseAnalysis = Note },
        ];
        for (var i = 0; i < old.Length; i++)
        {
            var (type, json) = serializer.Serialize(old[i]);
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO events (ticket_id, version, type, data, occurred_at) VALUES ($t, $v, $type, $data, '2024-03-01T02:00:00Z')";
            insert.Parameters.AddWithValue("$t", id.ToString());
            insert.Parameters.AddWithValue("$v", i + 2);
            insert.Parameters.AddWithValue("$type", type);
            insert.Parameters.AddWithValue("$data", json);
            await insert.ExecuteNonQueryAsync();
        }

        var history = await service.GetHistoryAsync(id);
        Assert.Equal(Note, Assert.IsType<DelayExplained>(history[1].Event).Reason);
        Assert.Equal(Note, (await service.GetAsync(id)).RootCauseAnalysis);
        Checkpoint(path);
        Assert.NotEmpty(PersonalDataAudit.FindPlaintext(Files(path), [Note]));

        // A note written now is encrypted.
        await service.ExecuteAsync(new ExplainDelay { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Reason = "新版" + Note, CustomerInformed = true });
        Assert.StartsWith("k1:", Scalar(path, $"SELECT json_extract(data, '$.reason') FROM events WHERE ticket_id = '{id}' AND version = 4"), StringComparison.Ordinal);

        await service.ExecuteAsync(new EraseCustomerData { TicketId = id, CommandId = Guid.NewGuid(), Actor = "dpo", Reason = "DSR-9" });
        Checkpoint(path);
        Assert.Empty(PersonalDataAudit.FindPlaintext(Files(path), [Note, "13987654321", "欧阳翠花"]));
        var after = await service.GetHistoryAsync(id);
        Assert.Equal(PersonalDataErased.Placeholder, Assert.IsType<DelayExplained>(after[1].Event).Reason);
        Assert.Equal(PersonalDataErased.Placeholder, (await service.GetAsync(id)).RootCauseAnalysis);
    }

    [Fact]
    public async Task The_audit_pages_by_actor_ticket_and_time_and_prunes_after_its_retention()
    {
        using var store = Open(Path.Combine(directory, "audit.db"));
        var scenario = new AccessAuditScenario();
        await scenario.WriteAsync(store);
        await scenario.AssertPagingAndRetentionAsync(store);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static string PlainHash(string number) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(number)));

    private static string[] Files(string path) => [.. new[] { path, path + "-wal", path + "-shm", path + "-journal" }.Where(File.Exists)];

    private static List<string> IndexedTickets(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ticket_id FROM customer_numbers ORDER BY ticket_id";
        var found = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    private static string Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Checkpoint(string path) => Execute(path, "PRAGMA wal_checkpoint(TRUNCATE);");

    private SqliteTicketStore Open(string path) => new(new SqliteTicketStoreOptions { DataSource = path, MasterKeys = masterKeys });
}
