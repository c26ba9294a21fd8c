using System.Text.Json.Serialization;

namespace AfterSales.Quality.Kpi;

/// <summary>A KPI target of the measurement table: the KPI, at most or at least, the value and the data source. Immutable.</summary>
public sealed record KpiTarget
{
    /// <summary>A target for one of the guides' KPIs.</summary>
    /// <param name="metric">The KPI.</param>
    /// <param name="direction">At most or at least.</param>
    /// <param name="value">The target, in the KPI's unit (seconds, or a fraction for rates: 0.85 = 85 %).</param>
    /// <param name="source">The data source, as the table shows it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a KPI.</exception>
    public KpiTarget(KpiMetric metric, TargetDirection direction, double value, string source = "ticket system")
        : this(KpiDefinitions.Of(metric), value, direction, source)
    {
    }

    /// <summary>A target for any KPI definition (the guides' or the host's own).</summary>
    /// <param name="kpi">The KPI.</param>
    /// <param name="value">The target, in the KPI's unit.</param>
    /// <param name="direction">At most or at least; default the KPI's direction.</param>
    /// <param name="source">The data source; default the KPI's.</param>
    /// <exception cref="ArgumentNullException"><paramref name="kpi"/> is null.</exception>
    public KpiTarget(KpiDefinition kpi, double value, TargetDirection? direction = null, string? source = null)
    {
        Kpi = Preconditions.CheckNotNull(kpi);
        Value = value;
        Direction = direction ?? kpi.Direction;
        Source = source ?? kpi.Source;
    }

    /// <summary>The KPI.</summary>
    [JsonIgnore]
    public KpiDefinition Kpi { get; init; }

    /// <summary>The guides' KPI; null for a KPI the host defined.</summary>
    public KpiMetric? Metric => Kpi.Metric;

    /// <summary>The KPI's name.</summary>
    public string Name => Kpi.Name;

    /// <summary>At most or at least.</summary>
    public TargetDirection Direction { get; init; }

    /// <summary>The target, in the KPI's unit.</summary>
    public double Value { get; init; }

    /// <summary>The data source, as the table shows it.</summary>
    public string Source { get; init; }
}
