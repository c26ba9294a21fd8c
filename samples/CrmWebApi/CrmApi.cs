using System.Text.Json.Serialization;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Privacy;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Sqlite.DependencyInjection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace CrmWebApi;

/// <summary>
/// The composition root of the CRM web API: AfterSales.Quality through DI on the SQLite store, JSON with
/// NodaTime, problem details for every refusal, the ticket and KPI endpoints. <c>Program.cs</c> runs it;
/// the integration tests build it with their own arguments (port 0, a temporary database).
/// </summary>
public static class CrmApi
{
    /// <summary>Builds the application (not started).</summary>
    /// <param name="args">Command-line arguments; they override appsettings.json (e.g. <c>--urls=http://127.0.0.1:0</c>, <c>--CrmWebApi:DatabasePath=/tmp/crm.db</c>).</param>
    /// <returns>The application.</returns>
    public static WebApplication Build(string[] args)
    {
        // appsettings.json sits beside the binaries, so the API finds it whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        builder.Services.AddOptions<CrmWebApiOptions>()
            .Bind(builder.Configuration.GetSection(CrmWebApiOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CrmWebApiOptions>, CrmWebApiOptionsValidator>();

        // The library, configured from the "AfterSalesQuality" section, on the SQLite store.
        var settings = builder.Configuration.GetSection(CrmWebApiOptions.SectionName);
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName))
            .UseSqlite(o =>
            {
                var crm = settings.Get<CrmWebApiOptions>() ?? new CrmWebApiOptions();
                var database = DatabasePath(crm);
                Directory.CreateDirectory(Path.GetDirectoryName(database)!);
                o.DataSource = database;
                o.BusyTimeoutSeconds = crm.StoreBusyTimeoutSeconds;
                // Per-customer data keys wrapped by the CRM's master key: an erasure destroys the customer's key.
                o.MasterKeys = new MasterKeyRing(new Dictionary<string, byte[]> { ["crm"] = PersonalDataKeys.Load(crm, database) }, "crm");
            });
        // AddAfterSalesQuality registers the SLA policy set (the desk's calendar), the KPI read model (KpiReadModel) and the
        // privacy services (PersonalDataGuard over the store's audit) too. Who may read personal data: the people working the
        // ticket and the after-sales lead (this replaces the library's default policy).
        builder.Services.AddSingleton<IPersonalDataAccessPolicy>(new WorkingPeopleAccessPolicy(RequestViewer.LeadRole));
        builder.Services.AddSingleton<TicketViews>();

        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures reach the exception handler as 400s
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<QualityExceptionHandler>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapTicketEndpoints();
        app.MapKpiEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var crm = app.Services.GetRequiredService<IOptions<CrmWebApiOptions>>().Value;
            app.Logger.LogInformation("CRM web API on {Urls}, database {Database}", string.Join(", ", app.Urls), DatabasePath(crm));
        });
        return app;
    }

    /// <summary>The JSON settings of the API: NodaTime values as ISO-8601 strings, enums by name.</summary>
    /// <param name="options">The options to configure.</param>
    public static void ConfigureJson(System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.Converters.Add(new JsonStringEnumConverter());
    }

    /// <summary>The full database path: relative paths are taken from the current directory.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The path.</returns>
    public static string DatabasePath(CrmWebApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.GetFullPath(options.DatabasePath);
    }
}

/// <summary>Checks the host's settings at start, naming each bad key.</summary>
internal sealed class CrmWebApiOptionsValidator : IValidateOptions<CrmWebApiOptions>
{
    public ValidateOptionsResult Validate(string? name, CrmWebApiOptions options)
    {
        var failures = new List<string>();
        const string Section = CrmWebApiOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{Section}:DatabasePath: is required.");
        }

        if (options.StoreBusyTimeoutSeconds is < 1 or > 600)
        {
            failures.Add($"{Section}:StoreBusyTimeoutSeconds: must be between 1 and 600; it was {options.StoreBusyTimeoutSeconds}.");
        }

        if (options.RetryAfterSeconds is < 1 or > 3600)
        {
            failures.Add($"{Section}:RetryAfterSeconds: must be between 1 and 3600; it was {options.RetryAfterSeconds}.");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultActor))
        {
            failures.Add($"{Section}:DefaultActor: is required.");
        }

        if (options.PersonalDataKey is { } key && !PersonalDataKeys.TryDecode(key, out _))
        {
            failures.Add($"{Section}:PersonalDataKey: must be 32 bytes in base64 (e.g. from `openssl rand -base64 32`).");
        }

        for (var i = 0; i < options.KpiTargets.Count; i++)
        {
            var target = options.KpiTargets[i];
            if (!Enum.IsDefined(target.Metric) || !Enum.IsDefined(target.Direction) || !double.IsFinite(target.Value))
            {
                failures.Add($"{Section}:KpiTargets:{i}: needs a Metric, a Direction (AtMost or AtLeast) and a finite Value.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The key that encrypts personal data at rest.</summary>
internal static class PersonalDataKeys
{
    public static bool TryDecode(string text, out byte[] key)
    {
        key = new byte[32];
        return Convert.TryFromBase64String(text.Trim(), key, out var written) && written == 32;
    }

    /// <summary>The configured key, else the key file beside the database (created once, readable by the owner only).</summary>
    public static byte[] Load(CrmWebApiOptions options, string database)
    {
        if (options.PersonalDataKey is { } configured)
        {
            return TryDecode(configured, out var key) ? key : throw new InvalidOperationException($"{CrmWebApiOptions.SectionName}:PersonalDataKey must be 32 bytes in base64.");
        }

        var file = Path.GetFullPath(options.PersonalDataKeyFile ?? database + ".key");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var fresh = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(file, fileOptions);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(fresh));
            return fresh;
        }

        return TryDecode(File.ReadAllText(file), out var stored) ? stored : throw new InvalidOperationException($"The personal data key file {file} does not hold 32 bytes in base64.");
    }
}
