namespace AfterSales.Quality.Kpi;

/// <summary>The KPIs of the guides.</summary>
public enum KpiMetric
{
    /// <summary>First response time, mean seconds.</summary>
    FirstResponseTime,

    /// <summary>Average handling time, mean seconds.</summary>
    AverageHandlingTime,

    /// <summary>First contact resolution rate.</summary>
    FirstContactResolution,

    /// <summary>Resolution rate.</summary>
    ResolutionRate,

    /// <summary>Service accuracy.</summary>
    ServiceAccuracy,

    /// <summary>CSAT mean (1–5).</summary>
    CsatMean,

    /// <summary>CSAT satisfied share.</summary>
    CsatSatisfiedShare,

    /// <summary>Net promoter score.</summary>
    NetPromoterScore,

    /// <summary>Customer effort score.</summary>
    CustomerEffortScore,

    /// <summary>Complaint rate.</summary>
    ComplaintRate,

    /// <summary>First-response SLA attainment.</summary>
    FirstResponseSlaAttainment,

    /// <summary>Resolution SLA attainment.</summary>
    ResolutionSlaAttainment,

    /// <summary>Reopen rate.</summary>
    ReopenRate,

    /// <summary>Revisit on time.</summary>
    RevisitOnTime,
}

/// <summary>Whether a KPI must stay at or below, or reach at least, its target.</summary>
public enum TargetDirection
{
    /// <summary>The actual value must be at most the target (times, complaint and reopen rates).</summary>
    AtMost,

    /// <summary>The actual value must be at least the target (rates, satisfaction).</summary>
    AtLeast,
}

/// <summary>A KPI target of the measurement table.</summary>
/// <param name="Metric">The KPI.</param>
/// <param name="Direction">At most or at least.</param>
/// <param name="Value">The target, in the KPI's unit (seconds, or a fraction for rates: 0.85 = 85 %).</param>
/// <param name="Source">The data source, as the table shows it.</param>
public sealed record KpiTarget(KpiMetric Metric, TargetDirection Direction, double Value, string Source = "ticket system");

/// <summary>A row of the KPI measurement table (metric, formula, data source, target, actual, met?).</summary>
/// <param name="Metric">The KPI.</param>
/// <param name="Formula">Its formula.</param>
/// <param name="Source">Its data source.</param>
/// <param name="Target">The target.</param>
/// <param name="Actual">The actual value; null when there was no data.</param>
/// <param name="Met">Whether the target was met; null when there was no data.</param>
public sealed record KpiMeasurementRow(KpiMetric Metric, string Formula, string Source, KpiTarget Target, double? Actual, bool? Met);

/// <summary>Builds the KPI measurement table of the guides from KPI values and targets. Thread-safe.</summary>
public static class KpiMeasurementTable
{
    /// <summary>The formula of a KPI, as DOMAIN §7 writes it.</summary>
    /// <param name="metric">The KPI.</param>
    /// <returns>The formula.</returns>
    public static string FormulaOf(KpiMetric metric) => metric switch
    {
        KpiMetric.FirstResponseTime => "Σ(first human reply − received) / tickets with a reply",
        KpiMetric.AverageHandlingTime => "Σ(resolved − accepted) / resolved tickets",
        KpiMetric.FirstContactResolution => "tickets solved in the first contact / tickets × 100 %",
        KpiMetric.ResolutionRate => "resolved tickets / tickets × 100 %",
        KpiMetric.ServiceAccuracy => "inspected answers judged accurate / inspected × 100 %",
        KpiMetric.CsatMean => "mean of 1–5 scores",
        KpiMetric.CsatSatisfiedShare => "(4s + 5s) / responses × 100 %",
        KpiMetric.NetPromoterScore => "promoters % − detractors %",
        KpiMetric.CustomerEffortScore => "mean effort score",
        KpiMetric.ComplaintRate => "complaints / services × 100 %",
        KpiMetric.FirstResponseSlaAttainment => "first responses within target / first responses due × 100 %",
        KpiMetric.ResolutionSlaAttainment => "resolutions within target / resolutions due × 100 %",
        KpiMetric.ReopenRate => "reopened tickets / resolved tickets × 100 %",
        KpiMetric.RevisitOnTime => "revisits done within their target / revisits due × 100 %",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a KPI."),
    };

    /// <summary>The value of a KPI.</summary>
    /// <param name="values">The KPI values.</param>
    /// <param name="metric">The KPI.</param>
    /// <returns>The value; null when there was no data.</returns>
    public static double? ValueOf(KpiValues values, KpiMetric metric)
    {
        Preconditions.CheckNotNull(values);
        return metric switch
        {
            KpiMetric.FirstResponseTime => values.FirstResponseMeanSeconds,
            KpiMetric.AverageHandlingTime => values.HandlingMeanSeconds,
            KpiMetric.FirstContactResolution => values.FirstContactResolutionRate,
            KpiMetric.ResolutionRate => values.ResolutionRate,
            KpiMetric.ServiceAccuracy => values.ServiceAccuracy,
            KpiMetric.CsatMean => values.CsatMean,
            KpiMetric.CsatSatisfiedShare => values.CsatSatisfiedShare,
            KpiMetric.NetPromoterScore => values.NetPromoterScore,
            KpiMetric.CustomerEffortScore => values.CustomerEffortScore,
            KpiMetric.ComplaintRate => values.ComplaintRate,
            KpiMetric.FirstResponseSlaAttainment => values.FirstResponseSlaAttainment,
            KpiMetric.ResolutionSlaAttainment => values.ResolutionSlaAttainment,
            KpiMetric.ReopenRate => values.ReopenRate,
            KpiMetric.RevisitOnTime => values.RevisitOnTimeRate,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a KPI."),
        };
    }

    /// <summary>Builds the measurement table.</summary>
    /// <param name="values">The actual KPI values.</param>
    /// <param name="targets">The targets, one row each, in order.</param>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<KpiMeasurementRow> Build(KpiValues values, IEnumerable<KpiTarget> targets)
    {
        Preconditions.CheckNotNull(values);
        Preconditions.CheckNotNull(targets);
        return targets.Select(target =>
        {
            var actual = ValueOf(values, target.Metric);
            bool? met = actual is not { } a ? null : target.Direction == TargetDirection.AtMost ? a <= target.Value + 1e-12 : a >= target.Value - 1e-12;
            return new KpiMeasurementRow(target.Metric, FormulaOf(target.Metric), target.Source, target, actual, met);
        }).ToArray();
    }
}
