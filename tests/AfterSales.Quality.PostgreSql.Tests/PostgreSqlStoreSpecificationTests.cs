using AfterSales.Quality.Storage.Specification;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>The PostgreSQL store runs the whole storage contract against a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlTicketStoreSpecification(PostgreSqlServer server) : TicketStoreSpecification<PostgreSqlTicketStore>, IAsyncLifetime
{
    private readonly OpenStores stores = new(server);

    protected override Task<PostgreSqlTicketStore> CreateStoreAsync() => stores.OpenAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync();
}

/// <summary>The PostgreSQL store runs the whole improvement-plan contract against a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlImprovementPlanStoreSpecification(PostgreSqlServer server) : ImprovementPlanStoreSpecification<PostgreSqlTicketStore>, IAsyncLifetime
{
    private readonly OpenStores stores = new(server);

    protected override Task<PostgreSqlTicketStore> CreatePlanStoreAsync() => stores.OpenAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync();
}

/// <summary>The stores a test opened, each on a fresh schema; disposed after the test so their connection pools close.</summary>
internal sealed class OpenStores(PostgreSqlServer server)
{
    private readonly List<PostgreSqlTicketStore> opened = [];

    public async Task<PostgreSqlTicketStore> OpenAsync()
    {
        var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema(), MasterKeys = AfterSales.Quality.Privacy.MasterKeyRing.CreateRandom() });
        lock (opened)
        {
            opened.Add(store);
        }

        return store;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in opened)
        {
            await store.DisposeAsync();
        }
    }
}
