using System.Diagnostics.CodeAnalysis;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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

    /// <summary>The connection string name read by <see cref="UseSqlite(AfterSalesQualityBuilder, IConfiguration, Action{SqliteTicketStoreOptions}?)"/>: <c>ConnectionStrings:AfterSalesQuality</c>.</summary>
    public const string ConnectionStringName = "AfterSalesQuality";

    /// <summary>The section read by <see cref="UseSqlite(AfterSalesQualityBuilder, IConfiguration, Action{SqliteTicketStoreOptions}?)"/>: <c>AfterSalesQuality:Sqlite</c>.</summary>
    public const string SectionName = AfterSalesQualityOptions.SectionName + ":Sqlite";

    /// <summary>
    /// Keeps tickets in a SQLite database file set in configuration: <c>ConnectionStrings:AfterSalesQuality</c>
    /// (<c>Data Source=crm.db</c>; <c>Default Timeout</c> is the busy timeout) or the section <c>AfterSalesQuality:Sqlite</c>
    /// (<c>DataSource</c>, <c>BusyTimeoutSeconds</c>), bound strictly and validated at start through
    /// <see cref="IValidateOptions{TOptions}"/>: a bad value stops the host with its configuration key named,
    /// and a file that cannot be opened stops it with a <see cref="TicketStoreStartupException"/> naming the key
    /// the path came from. Setting the file in both places is an error (unless they agree).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The application's configuration root (e.g. <c>builder.Configuration</c>).</param>
    /// <param name="configure">Adjusts the bound options in code (e.g. sets the <see cref="SqliteTicketStoreOptions.Protector"/>); optional.</param>
    /// <returns>The builder.</returns>
    [RequiresUnreferencedCode("Binds the store options from configuration by reflection; in a trimmed application configure them in code.")]
    [RequiresDynamicCode("Binds the store options from configuration by reflection; under Native AOT configure them in code.")]
    public static AfterSalesQualityBuilder UseSqlite(this AfterSalesQualityBuilder builder, IConfiguration configuration, Action<SqliteTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var optionsBuilder = builder.Services.AddOptions<SqliteTicketStoreOptions>()
            .BindStrictly(section)
            .Configure(options =>
            {
                if (ReadConnectionString(configuration, [], out var dataSource, out var timeout) && string.IsNullOrWhiteSpace(options.DataSource))
                {
                    options.DataSource = dataSource ?? "";
                    options.BusyTimeoutSeconds = timeout ?? options.BusyTimeoutSeconds;
                }
            });
        if (configure is not null)
        {
            optionsBuilder.PostConfigure(configure);
        }

        optionsBuilder.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SqliteTicketStoreOptions>>(new ConfiguredOptionsValidator(configuration));
        return builder.UseStore((services, cancellationToken) =>
        {
            var options = services.GetRequiredService<IOptions<SqliteTicketStoreOptions>>().Value;
            return Open(options, DataSourceKey(configuration), cancellationToken);
        });
    }

    /// <summary>The key the data source was read from: the section's <c>DataSource</c> when set, else the connection string.</summary>
    private static string DataSourceKey(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[SectionName + ":" + nameof(SqliteTicketStoreOptions.DataSource)]) && !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName))
            ? "ConnectionStrings:" + ConnectionStringName
            : SectionName + ":" + nameof(SqliteTicketStoreOptions.DataSource);

    /// <summary>Reads <c>ConnectionStrings:AfterSalesQuality</c>: false when unset; problems are added to <paramref name="errors"/>.</summary>
    private static bool ReadConnectionString(IConfiguration configuration, List<string> errors, out string? dataSource, out int? timeout)
    {
        dataSource = null;
        timeout = null;
        var text = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        const string key = "ConnectionStrings:" + ConnectionStringName;
        SqliteConnectionStringBuilder parsed;
        try
        {
            parsed = new SqliteConnectionStringBuilder(text);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            errors.Add($"{key}: is not a SQLite connection string (e.g. 'Data Source=crm.db'): {ex.Message}");
            return false;
        }

        var generic = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = text };
        foreach (string keyword in generic.Keys)
        {
            if (!ReadKeywords.Contains(keyword))
            {
                errors.Add($"{key}: the keyword '{keyword}' is not read by the SQLite store, which sets its own connection settings; give 'Data Source' and optionally 'Default Timeout' (the busy timeout in seconds).");
            }
        }

        dataSource = parsed.DataSource;
        if (string.IsNullOrWhiteSpace(dataSource))
        {
            errors.Add($"{key}: has no 'Data Source' (e.g. 'Data Source=crm.db').");
        }

        if (generic.ContainsKey("Default Timeout") || generic.ContainsKey("Command Timeout"))
        {
            timeout = parsed.DefaultTimeout;
        }

        return true;
    }

    private static readonly HashSet<string> ReadKeywords = new(StringComparer.OrdinalIgnoreCase) { "Data Source", "DataSource", "Filename", "Default Timeout", "Command Timeout" };

    /// <summary>Validates the options bound from configuration, naming each problem's configuration key.</summary>
    private sealed class ConfiguredOptionsValidator(IConfiguration configuration) : IValidateOptions<SqliteTicketStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, SqliteTicketStoreOptions options)
        {
            if (name != Options.DefaultName)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = new List<string>();
            ReadConnectionString(configuration, failures, out var fromConnectionString, out _);
            var fromSection = configuration[SectionName + ":" + nameof(SqliteTicketStoreOptions.DataSource)];
            if (!string.IsNullOrWhiteSpace(fromSection) && !string.IsNullOrWhiteSpace(fromConnectionString)
                && !string.Equals(Path.GetFullPath(fromSection), Path.GetFullPath(fromConnectionString), StringComparison.Ordinal))
            {
                failures.Add($"{SectionName}:{nameof(SqliteTicketStoreOptions.DataSource)}: '{fromSection}' and ConnectionStrings:{ConnectionStringName} ('{fromConnectionString}') name different files; set the database in one place.");
            }

            if (failures.Count == 0)
            {
                try
                {
                    options.Validate();
                }
                catch (QualityValidationException ex)
                {
                    failures.AddRange(ex.Errors.Select(e => e.Field == nameof(SqliteTicketStoreOptions.DataSource) && string.IsNullOrWhiteSpace(options.DataSource)
                        ? $"{SectionName}:{nameof(SqliteTicketStoreOptions.DataSource)} or ConnectionStrings:{ConnectionStringName}: {e.Message}"
                        : $"{(e.Field == nameof(SqliteTicketStoreOptions.DataSource) ? DataSourceKey(configuration) : SectionName + ":" + e.Field)}: {e.Message}"));
                }
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
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
