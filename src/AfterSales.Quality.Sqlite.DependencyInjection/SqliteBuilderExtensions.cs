using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Sqlite;

namespace AfterSales.Quality.Sqlite.DependencyInjection;

/// <summary>Chooses the SQLite store in <c>AddAfterSalesQuality(...)</c>.</summary>
public static class SqliteBuilderExtensions
{
    /// <summary>Keeps tickets in a SQLite database file (created and migrated on first use).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the data source and the protector.</param>
    /// <returns>The builder.</returns>
    public static AfterSalesQualityBuilder UseSqlite(this AfterSalesQualityBuilder builder, Action<SqliteTicketStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseStore(_ =>
        {
            var options = new SqliteTicketStoreOptions();
            configure(options);
            return new SqliteTicketStore(options);
        });
    }
}
