using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>A KPI query: grouping, period, time window, dimension filters. Immutable.</summary>
public sealed partial record KpiQuery
{
    /// <summary>The dimensions to group by (any subset).</summary>
    public FactDimension GroupBy { get; init; }

    /// <summary>The period to group by.</summary>
    public KpiPeriod Period { get; init; }

    /// <summary>The zone periods are taken in. Default UTC.</summary>
    public DateTimeZone TimeZone { get; init; } = DateTimeZone.Utc;

    /// <summary>Only tickets received at or after this instant.</summary>
    public Instant? From { get; init; }

    /// <summary>Only tickets received before this instant.</summary>
    public Instant? To { get; init; }

    /// <summary>Only these codes per dimension (a dimension not listed is not filtered).</summary>
    public IReadOnlyDictionary<FactDimension, IReadOnlySet<int>> Filters { get; init; } = new Dictionary<FactDimension, IReadOnlySet<int>>();

    /// <summary>Whether to compute FRT percentiles (p50, p90) per group.</summary>
    public bool WithPercentiles { get; init; }

    /// <summary>
    /// Whether to compute the counters and sums behind every KPI value (default true). Turn it off
    /// for a percentile-only query (with <see cref="WithPercentiles"/>): the engine then counts
    /// tickets and keeps the sketch, nothing else, and every other value of the groups is null.
    /// </summary>
    public bool WithCounters { get; init; } = true;
}
