namespace AfterSales.Quality.Kpi;

/// <summary>Whether a KPI must stay at or below, or reach at least, its target.</summary>
public enum TargetDirection
{
    /// <summary>The actual value must be at most the target (times, complaint and reopen rates).</summary>
    AtMost,

    /// <summary>The actual value must be at least the target (rates, satisfaction).</summary>
    AtLeast,
}
