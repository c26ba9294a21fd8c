using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Testing;
using Npgsql;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>The customer-number blind index and the audit's paging and retention on PostgreSQL, including a schema migrated from version 8.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlCustomerNumberIndexTests(PostgreSqlServer server)
{
    private readonly FakeClock clock = new(Instant.FromUtc(2024, 3, 1, 2, 0), Duration.FromMinutes(1));
    private readonly MasterKeyRing masterKeys = MasterKeyRing.CreateRandom();

    [Fact]
    public async Task The_index_answers_exactly_what_the_feed_scan_answers_and_erasure_removes_its_rows()
    {
        var schema = PostgreSqlServer.NewSchema();
        await using var store = await Open(schema);
        var service = new TicketService(store, store, clock);
        var scenario = new CustomerNumberIndexScenario();
        await scenario.WriteAsync(service, count: 40);
        await scenario.AssertLookupEqualsScanAsync(store);
        var indexed = scenario.Registered.Where(r => r.Number is not null && !scenario.Erased.Contains(r.Ticket)).Select(r => r.Ticket.Value).Order().ToList();
        Assert.Equal(indexed, await IndexedTicketsAsync(schema));

        var erased = await service.EraseCustomerAsync("C1002", "dpo", "DSR-7");
        Assert.NotEmpty(erased);
        scenario.Erased.AddRange(erased);
        var left = await IndexedTicketsAsync(schema);
        Assert.DoesNotContain(left, t => erased.Any(e => e.Value == t));
        Assert.Equal(indexed.Count - erased.Count, left.Count);
        await scenario.AssertLookupEqualsScanAsync(store);

        // A batch (the importers' path) writes its registrations' rows in its own transaction.
        var batchId = AfterSales.Quality.Tickets.TicketId.New();
        await store.AppendBatchAsync([new AfterSales.Quality.Storage.TicketAppend(batchId, 0, [new AfterSales.Quality.Tickets.TicketRegistered
        {
            TicketId = batchId, OccurredAt = clock.GetCurrentInstant(), Actor = "import", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240301999",
            Intake = new AfterSales.Quality.Tickets.TicketIntake { CustomerName = "导入", Contact = "13800000000", CustomerNumber = "C1003", ProductModel = "Phone Pro", ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "a" },
        }])]);
        scenario.Registered.Add((batchId, "C1003"));
        Assert.Contains(batchId.Value, await IndexedTicketsAsync(schema));
        await scenario.AssertLookupEqualsScanAsync(store);
    }

    [Fact]
    public async Task A_schema_8_database_is_migrated_its_registrations_backfilled_and_its_audit_paged()
    {
        var schema = PostgreSqlServer.NewSchema();
        var scenario = new CustomerNumberIndexScenario();
        var audit = new AccessAuditScenario();
        await using (var store = await Open(schema))
        {
            await scenario.WriteAsync(new TicketService(store, store, clock), count: 24);
            await audit.WriteAsync(store);
        }

        await ExecuteAsync($"""
            DELETE FROM {schema}.schema_migrations WHERE version = 9;
            DROP TABLE {schema}.customer_index_key; DROP TABLE {schema}.customer_numbers; DROP TABLE {schema}.customer_numbers_backfill;
            DROP INDEX {schema}.personal_data_access_actor; DROP INDEX {schema}.personal_data_access_at;
            """);
        await using var migrated = await Open(schema);
        Assert.Equal(9, await migrated.GetSchemaVersionAsync());
        Assert.Empty(await IndexedTicketsAsync(schema));
        await scenario.AssertLookupEqualsScanAsync(migrated);
        Assert.Equal(scenario.Registered.Count(r => r.Number is not null && !scenario.Erased.Contains(r.Ticket)), (await IndexedTicketsAsync(schema)).Count);
        await audit.AssertPagingAndRetentionAsync(migrated);
    }

    private Task<PostgreSqlTicketStore> Open(string schema) =>
        PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = schema, MasterKeys = masterKeys });

    private async Task<List<Guid>> IndexedTicketsAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT ticket_id FROM {schema}.customer_numbers;", connection);
        var found = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetGuid(0));
        }

        return [.. found.Order()];
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
