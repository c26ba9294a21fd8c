using System.Text.Json.Serialization;

namespace AfterSales.Quality.Kpi;

/// <summary>A row of the KPI measurement table (KPI, formula, data source, target, actual, met?). Immutable.</summary>
/// <param name="Kpi">The KPI.</param>
/// <param name="Formula">Its formula.</param>
/// <param name="Source">Its data source.</param>
/// <param name="Target">The target.</param>
/// <param name="Actual">The actual value; null when there was no data.</param>
/// <param name="Met">Whether the target was met; null when there was no data.</param>
public sealed record KpiMeasurementRow([property: JsonIgnore] KpiDefinition Kpi, string Formula, string Source, KpiTarget Target, double? Actual, bool? Met)
{
    /// <summary>The guides' KPI; null for a KPI the host defined.</summary>
    public KpiMetric? Metric => Kpi.Metric;

    /// <summary>The KPI's name.</summary>
    public string Name => Kpi.Name;
}
