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

    /// <summary>
    /// The zone periods are taken in; null (the default) takes the fact table's zone
    /// (<see cref="FactTable.TimeZone"/>: the service desk's zone a projection was given, else UTC).
    /// </summary>
    public DateTimeZone? TimeZone { get; init; }

    /// <summary>Only tickets received at or after this instant.</summary>
    public Instant? From { get; init; }

    /// <summary>Only tickets received before this instant.</summary>
    public Instant? To { get; init; }

    /// <summary>Only these codes per dimension (a dimension not listed is not filtered).</summary>
    public IReadOnlyDictionary<FactDimension, IReadOnlySet<int>> Filters { get; init; } = new Dictionary<FactDimension, IReadOnlySet<int>>();

    /// <summary>
    /// Whether to compute FRT percentiles (p50, p90, p95) per group: <see cref="DurationMeasures.FirstResponse"/> in
    /// <see cref="Percentiles"/> (setting it adds or removes that flag only).
    /// </summary>
    public bool WithPercentiles
    {
        get => (Percentiles & DurationMeasures.FirstResponse) != 0;
        init => Percentiles = value ? Percentiles | DurationMeasures.FirstResponse : Percentiles & ~DurationMeasures.FirstResponse;
    }

    /// <summary>
    /// The duration measures to compute p50, p90 and p95 of per group (a quantile sketch each, 1 % relative error);
    /// default none. Each measure asked for costs a sketch per group and a bucket count per fact that has it.
    /// </summary>
    public DurationMeasures Percentiles { get; init; }

    /// <summary>
    /// Whether to compute the counters and sums behind every KPI value (default true). Turn it off
    /// for a percentile-only query (with <see cref="WithPercentiles"/>): the engine then counts
    /// tickets and keeps the sketch, nothing else, and every other value of the groups is null.
    /// </summary>
    public bool WithCounters { get; init; } = true;

    /// <summary>A copy that keeps only the given values of one dimension, by name (replacing that dimension's filter).</summary>
    /// <param name="dimension">A single dimension.</param>
    /// <param name="dimensions">The dictionaries of the fact table the query will run on.</param>
    /// <param name="names">The values to keep (team names, channel names, <c>P0</c>–<c>P3</c>, …); at least one.</param>
    /// <returns>The query with the filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dimensions"/> or <paramref name="names"/> is null.</exception>
    /// <exception cref="ArgumentException">No name, or a name no fact of the table has; the message names it (<c>names[i]</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not a single dimension.</exception>
    public KpiQuery WithFilter(FactDimension dimension, FactDimensions dimensions, params string[] names)
    {
        Preconditions.CheckNotNull(dimensions);
        Preconditions.CheckNotNull(names);
        Preconditions.CheckArgument(names.Length > 0, nameof(names), "names: at least one value is required.");
        var codes = new HashSet<int>();
        for (var i = 0; i < names.Length; i++)
        {
            Preconditions.CheckArgument(dimensions.TryGetCode(dimension, names[i], out var code), nameof(names),
                $"names[{i}]: no {dimension} is named '{names[i]}' in this fact table.");
            codes.Add(code);
        }

        var filters = new Dictionary<FactDimension, IReadOnlySet<int>>(Filters) { [dimension] = codes };
        return this with { Filters = filters };
    }
}
