using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AfterSales.Quality.Sqlite.DependencyInjection;

/// <summary>Chooses the SQLite store in <c>AddAfterSalesQuality(...)</c>.</summary>
public static class SqliteBuilderExtensions
{
    /// <summary>
    /// Keeps tickets in a SQLite database file, created and migrated while the host starts: a file the
    /// process cannot open stops the host before "Application started" with a
    /// <see cref="TicketStoreStartupException"/> naming <c>SqliteTicketStoreOptions.DataSource</c> and the path.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the data source and the protector.</param>
    /// <returns>The builder.</returns>
    public static AfterSalesQualityBuilder UseSqlite(this AfterSalesQualityBuilder builder, Action<SqliteTicketStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseStore((services, cancellationToken) =>
        {
            var options = new SqliteTicketStoreOptions();
            configure(options);
            options.Logger ??= services.GetService<ILoggerFactory>()?.CreateLogger(typeof(SqliteTicketStoreOptions).Namespace!);
            return Open(options, nameof(SqliteTicketStoreOptions) + "." + nameof(SqliteTicketStoreOptions.DataSource), cancellationToken);
        });
    }

    /// <summary>Opens the store, turning a file it cannot open into a start-up error that names the key and the path.</summary>
    internal static ValueTask<SqliteTicketStore> Open(SqliteTicketStoreOptions options, string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = options.DataSource is null or ":memory:" or "" ? options.DataSource ?? "" : Path.GetFullPath(options.DataSource);
        try
        {
            // Microsoft.Data.Sqlite does its I/O synchronously (its async methods complete synchronously too): this is not sync-over-async.
            return ValueTask.FromResult(new SqliteTicketStore(options));
        }
        catch (SqliteException ex)
        {
            throw new TicketStoreStartupException(key, target, ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TicketStoreStartupException(key, target, ex.Message, ex);
        }
        catch (InvalidOperationException ex) when (ex is not TicketStoreStartupException)
        {
            // The file was written by a newer schema version.
            throw new TicketStoreStartupException(key, target, ex.Message, ex);
        }
    }
}
