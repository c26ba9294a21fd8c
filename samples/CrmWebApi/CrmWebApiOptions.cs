using AfterSales.Quality.Kpi;

namespace CrmWebApi;

/// <summary>The host's own settings (configuration section <c>CrmWebApi</c>); the library's are under <c>AfterSalesQuality</c>.</summary>
public sealed class CrmWebApiOptions
{
    /// <summary>The configuration section: <c>CrmWebApi</c>.</summary>
    public const string SectionName = "CrmWebApi";

    /// <summary>The SQLite database file; a relative path is taken from the working directory (the project folder under <c>dotnet run</c>). Default <c>crm-webapi-data/crm.db</c>.</summary>
    public string DatabasePath { get; set; } = "crm-webapi-data/crm.db";

    /// <summary>
    /// The 32-byte key (base64) that encrypts the customer's name, contact and address at rest. Keep it in a
    /// secret store (an environment variable <c>CrmWebApi__PersonalDataKey</c>, user secrets, a vault). When
    /// it is not set, a key is created once in <see cref="PersonalDataKeyFile"/> beside the database.
    /// </summary>
    public string? PersonalDataKey { get; set; }

    /// <summary>The key file used when <see cref="PersonalDataKey"/> is not set; default: the database path + <c>.key</c>.</summary>
    public string? PersonalDataKeyFile { get; set; }

    /// <summary>
    /// How long a command waits for the SQLite write lock before the store gives up (a 503 with <c>Retry-After</c>).
    /// Default 30 seconds; 1 to 600.
    /// </summary>
    public int StoreBusyTimeoutSeconds { get; set; } = 30;

    /// <summary>The <c>Retry-After</c> of a 503 for a transient store failure, in seconds. Default 1; 1 to 3600.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The actor recorded when a request has no <c>X-Actor</c> header. Default <c>crm-api</c>.</summary>
    public string DefaultActor { get; set; } = "crm-api";

    /// <summary>The targets of the KPI measurement table, in display order.</summary>
    public List<KpiTargetSettings> KpiTargets { get; set; } = [];
}

/// <summary>One row target of the KPI measurement table, bindable from configuration.</summary>
public sealed class KpiTargetSettings
{
    /// <summary>The KPI, e.g. <c>FirstResponseTime</c>.</summary>
    public KpiMetric Metric { get; set; }

    /// <summary><c>AtMost</c> or <c>AtLeast</c>.</summary>
    public TargetDirection Direction { get; set; }

    /// <summary>The target in the KPI's unit: seconds for times, a fraction for rates (0.85 = 85 %).</summary>
    public double Value { get; set; }

    /// <summary>The data source shown in the table. Default <c>ticket system</c>.</summary>
    public string Source { get; set; } = "ticket system";

    /// <summary>The library's target.</summary>
    /// <returns>The target.</returns>
    public KpiTarget ToTarget() => new(Metric, Direction, Value, Source);
}
