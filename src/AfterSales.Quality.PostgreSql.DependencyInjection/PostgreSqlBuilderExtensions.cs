using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.PostgreSql;

namespace AfterSales.Quality.PostgreSql.DependencyInjection;

/// <summary>Chooses the PostgreSQL store in <c>AddAfterSalesQuality(...)</c>.</summary>
public static class PostgreSqlBuilderExtensions
{
    /// <summary>Keeps tickets in PostgreSQL (the schema is created or migrated when the store is first resolved).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection string, the schema and the protector.</param>
    /// <returns>The builder.</returns>
    public static AfterSalesQualityBuilder UsePostgreSql(this AfterSalesQualityBuilder builder, Action<PostgreSqlTicketStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseStore(_ =>
        {
            var options = new PostgreSqlTicketStoreOptions();
            configure(options);

            // Resolved once, at start-up: opening migrates the schema.
            return PostgreSqlTicketStore.OpenAsync(options).GetAwaiter().GetResult();
        });
    }
}
