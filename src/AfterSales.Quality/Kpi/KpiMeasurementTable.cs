namespace AfterSales.Quality.Kpi;

/// <summary>Builds the KPI measurement table of the guides from KPI values and targets. Thread-safe.</summary>
public static class KpiMeasurementTable
{
    /// <summary>The formula of a KPI, as DOMAIN §7 writes it.</summary>
    /// <param name="metric">The KPI.</param>
    /// <returns>The formula.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a KPI.</exception>
    public static string FormulaOf(KpiMetric metric) => KpiDefinitions.Of(metric).Formula;

    /// <summary>The value of a KPI.</summary>
    /// <param name="values">The KPI values.</param>
    /// <param name="metric">The KPI.</param>
    /// <returns>The value; null when there was no data.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a KPI.</exception>
    public static double? ValueOf(KpiValues values, KpiMetric metric)
    {
        Preconditions.CheckNotNull(values);
        return KpiDefinitions.Of(metric).ValueOf(values);
    }

    /// <summary>Builds the measurement table from computed values (the guides' KPIs only).</summary>
    /// <param name="values">The actual KPI values.</param>
    /// <param name="targets">The targets, one row each, in order.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="ArgumentException">A target is null, or names a host's KPI (build from the aggregate instead); the message names it.</exception>
    public static IReadOnlyList<KpiMeasurementRow> Build(KpiValues values, IEnumerable<KpiTarget> targets)
    {
        Preconditions.CheckNotNull(values);
        return Build(targets, (kpi, field) =>
        {
            Preconditions.CheckArgument(kpi.Metric is not null, nameof(targets), $"{field}: KPI '{kpi.Name}' is not one of the guides'; build the table from the KpiAggregate.");
            return kpi.ValueOf(values);
        });
    }

    /// <summary>Builds the measurement table from an aggregate: the guides' KPIs and any the host defined.</summary>
    /// <param name="aggregate">The aggregate (of the whole period, usually).</param>
    /// <param name="targets">The targets, one row each, in order.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="ArgumentException">A target is null; the message names it.</exception>
    public static IReadOnlyList<KpiMeasurementRow> Build(KpiAggregate aggregate, IEnumerable<KpiTarget> targets)
    {
        Preconditions.CheckNotNull(aggregate);
        return Build(targets, (kpi, _) => kpi.ValueOf(aggregate));
    }

    private static KpiMeasurementRow[] Build(IEnumerable<KpiTarget> targets, Func<KpiDefinition, string, double?> actualOf)
    {
        Preconditions.CheckNotNull(targets);
        return targets.Select((target, i) =>
        {
            Preconditions.CheckArgument(target is not null, nameof(targets), $"targets[{i}]: is null.");
            var actual = actualOf(target!.Kpi, $"targets[{i}]");
            bool? met = actual is not { } a ? null : target.Direction == TargetDirection.AtMost ? a <= target.Value + 1e-12 : a >= target.Value - 1e-12;
            return new KpiMeasurementRow(target.Kpi, target.Kpi.Formula, target.Source, target, actual, met);
        }).ToArray();
    }
}
