using AfterSales.Quality.Storage.Specification;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>The PostgreSQL store runs the whole batch-append contract against a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlTicketBatchStoreSpecification(PostgreSqlServer server) : TicketBatchStoreSpecification<PostgreSqlTicketStore>, IAsyncLifetime
{
    private readonly OpenStores stores = new(server);

    protected override Task<PostgreSqlTicketStore> CreateStoreAsync() => stores.OpenAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => stores.DisposeAsync();
}
