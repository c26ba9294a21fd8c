using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AfterSales.Quality.PostgreSql.DependencyInjection;

/// <summary>Chooses the PostgreSQL store in <c>AddAfterSalesQuality(...)</c>.</summary>
public static class PostgreSqlBuilderExtensions
{
    /// <summary>
    /// Keeps tickets in PostgreSQL. The server is reached and the schema created or migrated while the
    /// host starts, asynchronously: a server that cannot be reached stops the host before "Application
    /// started" with a <see cref="TicketStoreStartupException"/> naming
    /// <c>PostgreSqlTicketStoreOptions.ConnectionString</c> and the host, port, database and user (never the password).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection string, the schema and the protector.</param>
    /// <returns>The builder.</returns>
    public static AfterSalesQualityBuilder UsePostgreSql(this AfterSalesQualityBuilder builder, Action<PostgreSqlTicketStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseStore((services, cancellationToken) =>
        {
            var options = new PostgreSqlTicketStoreOptions();
            configure(options);
            options.Logger ??= services.GetService<ILoggerFactory>()?.CreateLogger(typeof(PostgreSqlTicketStoreOptions).Namespace!);
            return OpenAsync(options, nameof(PostgreSqlTicketStoreOptions) + "." + nameof(PostgreSqlTicketStoreOptions.ConnectionString), cancellationToken);
        });
    }

    /// <summary>Opens the store, turning a server it cannot reach into a start-up error that names the key and the server.</summary>
    internal static async ValueTask<PostgreSqlTicketStore> OpenAsync(PostgreSqlTicketStoreOptions options, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgreSqlTicketStore.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && ex is not TicketStoreStartupException)
        {
            throw new TicketStoreStartupException(key, Describe(options.ConnectionString), ex.Message, ex);
        }
    }

    /// <summary>The server a connection string points at, without its password.</summary>
    internal static string Describe(string? connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return $"Host={parsed.Host};Port={parsed.Port};Database={parsed.Database};Username={parsed.Username}";
        }
        catch (ArgumentException)
        {
            return "(not a valid connection string)";
        }
    }
}
