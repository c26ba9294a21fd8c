namespace AfterSales.Quality.Kpi;

/// <summary>The unit a KPI's value is in, so every display formats it the same way.</summary>
public enum KpiUnit
{
    /// <summary>A duration in seconds (first response, handling time).</summary>
    Seconds,

    /// <summary>A fraction: 0.85 is 85 % (rates, shares, attainment).</summary>
    Fraction,

    /// <summary>A mean score on the survey's scale (CSAT 1–5, CES 1–7).</summary>
    Score,

    /// <summary>Points on −100…100 (NPS).</summary>
    Points,
}
