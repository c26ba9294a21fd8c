using AfterSales.Quality.Storage.Specification;

namespace AfterSales.Quality.PostgreSql.Tests;

/// <summary>The PostgreSQL store runs the whole storage contract against a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlTicketStoreSpecification(PostgreSqlServer server) : TicketStoreSpecification<PostgreSqlTicketStore>
{
    protected override Task<PostgreSqlTicketStore> CreateStoreAsync() =>
        PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = server.ConnectionString, Schema = PostgreSqlServer.NewSchema() });
}
