using System.Security.Cryptography;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Storage.Specification;
using AfterSales.Quality.Tickets;
using Npgsql;
using NodaTime;

namespace AfterSales.Quality.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlTicketStoreTests(PostgreSqlServer server, Xunit.Abstractions.ITestOutputHelper output)
{
    private static IReadOnlyList<TicketEvent> OneOfEach(TicketId id) => TicketStoreSpecification<PostgreSqlTicketStore>.OneOfEach(id);

    [Fact]
    public async Task Options_are_validated_and_the_message_names_the_setting()
    {
        var e = await Assert.ThrowsAsync<QualityValidationException>(() => PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { Schema = "Bad-Name", AllowPlaintextPersonalData = true }));
        Assert.Contains("ConnectionString", e.Message, StringComparison.Ordinal);
        Assert.Contains("Schema", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopening_keeps_the_data_and_the_schema_version()
    {
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), AllowPlaintextPersonalData = true };
        var id = TicketId.New();
        var events = OneOfEach(id);
        await using (var store = await PostgreSqlTicketStore.OpenAsync(options))
        {
            await store.AppendAsync(id, 0, events);
        }

        await using var reopened = await PostgreSqlTicketStore.OpenAsync(options);
        Assert.Equal(PostgreSqlTicketStore.SchemaVersion, await reopened.GetSchemaVersionAsync());
        Assert.Equal(events, (await reopened.ReadStreamAsync(id)).Events.Select(e => e.Event));
    }

    [Fact]
    public async Task A_version_1_schema_is_migrated_to_the_current_version_and_keeps_its_tickets()
    {
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), AllowPlaintextPersonalData = true };
        var id = TicketId.New();
        await using (var store = await PostgreSqlTicketStore.OpenAsync(options))
        {
            await store.AppendAsync(id, 0, OneOfEach(id).Take(3).ToArray());
        }

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            // Back to what version 1 created: no plans or source-hash table, later migrations not applied.
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP TABLE {options.Schema}.improvement_plans; DROP TABLE {options.Schema}.import_source_hashes; DROP TABLE {options.Schema}.customer_keys; DROP TABLE {options.Schema}.snapshots; DROP TABLE {options.Schema}.dispatched; DROP TABLE {options.Schema}.leases; DROP TABLE {options.Schema}.personal_data_access; DROP TABLE {options.Schema}.customer_index_key; DROP TABLE {options.Schema}.customer_numbers; DROP TABLE {options.Schema}.customer_numbers_backfill; DROP TRIGGER events_notify_feed_append ON {options.Schema}.events; DROP FUNCTION {options.Schema}.notify_feed_append(); DELETE FROM {options.Schema}.schema_migrations WHERE version > 1;", connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var migrated = await PostgreSqlTicketStore.OpenAsync(options);
        Assert.Equal(PostgreSqlTicketStore.SchemaVersion, await migrated.GetSchemaVersionAsync());
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var versions = new NpgsqlCommand($"SELECT version FROM {options.Schema}.schema_migrations ORDER BY version;", connection);
            var applied = new List<int>();
            await using var reader = await versions.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetInt32(0));
            }

            Assert.Equal(Enumerable.Range(1, 9), applied);
        }

        await migrated.AppendBatchAsync([new AfterSales.Quality.Storage.TicketAppend(id, 3, []) { SourceHash = new AfterSales.Quality.Storage.TicketSourceHash("v1", "h") }]);
        Assert.Equal("h", (await migrated.ReadSourceHashesAsync("v1"))[id]);
        Assert.Equal(3, (await migrated.ReadStreamAsync(id)).Version);
        var plan = ImprovementPlanStoreSpecification<PostgreSqlTicketStore>.FullPlan(AfterSales.Quality.FeedbackLoop.ImprovementPlanId.New());
        await migrated.SaveAsync(plan, 0);
        ImprovementPlanStoreSpecification<PostgreSqlTicketStore>.AssertSamePlan(plan, await migrated.GetAsync(plan.Id));
    }

    [Fact]
    public async Task Two_nodes_on_one_schema_cannot_both_win_a_version()
    {
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), AllowPlaintextPersonalData = true };
        var nodes = await Task.WhenAll(PostgreSqlTicketStore.OpenAsync(options), PostgreSqlTicketStore.OpenAsync(options));
        try
        {
            var id = TicketId.New();
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                try
                {
                    await nodes[i % 2].AppendAsync(id, 0, [new ResponseRecorded { TicketId = id, OccurredAt = Instant.FromUtc(2024, 3, 1, 0, 0), Actor = $"node-{i}", CommandId = Guid.NewGuid() }]);
                    return true;
                }
                catch (TicketConcurrencyException)
                {
                    return false;
                }
            })));
            Assert.Equal(1, results.Count(won => won));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Eight_writers_times_ten_thousand_commands_lose_and_duplicate_nothing_and_the_feed_replays_the_same_state()
    {
        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), AllowPlaintextPersonalData = true });
        await AfterSales.Quality.Storage.Testing.ConcurrentCommandWorkload.RunAsync("PostgreSQL", store, store, output);
    }

    [Fact]
    public async Task The_events_table_holds_no_plaintext_personal_data()
    {
        var schema = PostgreSqlServer.NewSchema();
        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = server.ConnectionString, Schema = schema, Protector = new AesGcmPersonalDataProtector("k1", RandomNumberGenerator.GetBytes(32)),
        });
        var id = TicketId.New();
        await store.AppendAsync(id, 0, OneOfEach(id).Take(1).ToArray());
        Assert.Equal("13812345678", ((TicketRegistered)(await store.ReadStreamAsync(id)).Events[0].Event).Intake.Contact);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT string_agg(data::text, '') FROM {schema}.events", connection);
        var raw = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("Phone Pro", raw);
        Assert.DoesNotContain("13812345678", raw);
        Assert.DoesNotContain("Zhang San", raw);
        Assert.DoesNotContain("1 Century Avenue", raw);
    }
}
