using System.Diagnostics.CodeAnalysis;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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

    /// <summary>The connection string name read by <see cref="UsePostgreSql(AfterSalesQualityBuilder, IConfiguration, Action{PostgreSqlTicketStoreOptions}?)"/>: <c>ConnectionStrings:AfterSalesQuality</c>.</summary>
    public const string ConnectionStringName = "AfterSalesQuality";

    /// <summary>The section read by <see cref="UsePostgreSql(AfterSalesQualityBuilder, IConfiguration, Action{PostgreSqlTicketStoreOptions}?)"/>: <c>AfterSalesQuality:PostgreSql</c>.</summary>
    public const string SectionName = AfterSalesQualityOptions.SectionName + ":PostgreSql";

    /// <summary>
    /// Keeps tickets in PostgreSQL, set in configuration: the connection string <c>ConnectionStrings:AfterSalesQuality</c>
    /// (or <c>AfterSalesQuality:PostgreSql:ConnectionString</c>) and the section <c>AfterSalesQuality:PostgreSql</c>
    /// (<c>Schema</c>), bound strictly and validated at start through <see cref="IValidateOptions{TOptions}"/>: a bad
    /// value stops the host with its configuration key named; a server that cannot be reached stops it with a
    /// <see cref="TicketStoreStartupException"/> naming the key and the server (never the password). Setting the
    /// connection string in both places is an error (unless they agree).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The application's configuration root (e.g. <c>builder.Configuration</c>).</param>
    /// <param name="configure">Adjusts the bound options in code (e.g. sets the <see cref="PostgreSqlTicketStoreOptions.Protector"/>); optional.</param>
    /// <returns>The builder.</returns>
    [RequiresUnreferencedCode("Binds the store options from configuration by reflection; in a trimmed application configure them in code.")]
    [RequiresDynamicCode("Binds the store options from configuration by reflection; under Native AOT configure them in code.")]
    public static AfterSalesQualityBuilder UsePostgreSql(this AfterSalesQualityBuilder builder, IConfiguration configuration, Action<PostgreSqlTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var optionsBuilder = builder.Services.AddOptions<PostgreSqlTicketStoreOptions>()
            .BindStrictly(configuration.GetSection(SectionName))
            .Configure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = configuration.GetConnectionString(ConnectionStringName);
                }
            });
        if (configure is not null)
        {
            optionsBuilder.PostConfigure(configure);
        }

        optionsBuilder.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PostgreSqlTicketStoreOptions>>(new ConfiguredOptionsValidator(configuration));
        return builder.UseStore((services, cancellationToken) =>
            OpenAsync(services.GetRequiredService<IOptions<PostgreSqlTicketStoreOptions>>().Value, ConnectionStringKey(configuration), cancellationToken));
    }

    /// <summary>The key the connection string was read from: the section's when set, else <c>ConnectionStrings:AfterSalesQuality</c>.</summary>
    private static string ConnectionStringKey(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[SectionName + ":" + nameof(PostgreSqlTicketStoreOptions.ConnectionString)])
            ? "ConnectionStrings:" + ConnectionStringName
            : SectionName + ":" + nameof(PostgreSqlTicketStoreOptions.ConnectionString);

    /// <summary>Validates the options bound from configuration, naming each problem's configuration key.</summary>
    private sealed class ConfiguredOptionsValidator(IConfiguration configuration) : IValidateOptions<PostgreSqlTicketStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, PostgreSqlTicketStoreOptions options)
        {
            if (name != Options.DefaultName)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = new List<string>();
            var fromSection = configuration[SectionName + ":" + nameof(PostgreSqlTicketStoreOptions.ConnectionString)];
            var fromConnectionStrings = configuration.GetConnectionString(ConnectionStringName);
            if (!string.IsNullOrWhiteSpace(fromSection) && !string.IsNullOrWhiteSpace(fromConnectionStrings) && fromSection != fromConnectionStrings)
            {
                failures.Add($"{SectionName}:{nameof(PostgreSqlTicketStoreOptions.ConnectionString)} and ConnectionStrings:{ConnectionStringName} differ; set the connection string in one place.");
            }

            try
            {
                options.Validate();
            }
            catch (QualityValidationException ex)
            {
                failures.AddRange(ex.Errors.Select(e => e.Field == nameof(PostgreSqlTicketStoreOptions.ConnectionString)
                    ? string.IsNullOrWhiteSpace(options.ConnectionString)
                        ? $"ConnectionStrings:{ConnectionStringName} (or {SectionName}:{nameof(PostgreSqlTicketStoreOptions.ConnectionString)}): {e.Message}"
                        : $"{ConnectionStringKey(configuration)}: {e.Message}"
                    : $"{SectionName}:{e.Field}: {e.Message}"));
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
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
