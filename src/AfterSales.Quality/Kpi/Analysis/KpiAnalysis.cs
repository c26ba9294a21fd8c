using NodaTime;

namespace AfterSales.Quality.Kpi.Analysis;

/// <summary>
/// The analysis the guides ask for on top of the KPI engine: comparison with a previous period and
/// a benchmark, trends, distributions, top-N frequent problems with the "in the top N for K periods
/// in a row" flag, correlations and descriptive statistics. Zero denominators and empty scopes give
/// nulls, never NaN. Thread-safe (stateless).
/// </summary>
public static class KpiAnalysis
{
    /// <summary>Which way is good for a KPI: at most for times, effort, complaints and reopens; at least for the rest.</summary>
    /// <param name="metric">The KPI.</param>
    /// <returns>The direction.</returns>
    public static TargetDirection DirectionOf(KpiMetric metric) => KpiDefinitions.Of(metric).Direction;

    /// <summary>Compares KPI values with a previous period and benchmarks.</summary>
    /// <param name="current">The values of the period analysed.</param>
    /// <param name="previous">The values of the previous period; null when there is none.</param>
    /// <param name="benchmarks">Benchmark values by KPI (in the KPI's unit); KPIs not listed have none.</param>
    /// <param name="metrics">The KPIs to compare, in order.</param>
    /// <returns>One row per KPI.</returns>
    public static IReadOnlyList<KpiComparisonRow> Compare(KpiValues current, KpiValues? previous, IReadOnlyDictionary<KpiMetric, double>? benchmarks, IEnumerable<KpiMetric> metrics)
    {
        Preconditions.CheckNotNull(current);
        Preconditions.CheckNotNull(metrics);
        var rows = new List<KpiComparisonRow>();
        foreach (var metric in metrics)
        {
            var direction = DirectionOf(metric);
            var now = KpiMeasurementTable.ValueOf(current, metric);
            var before = previous is null ? null : KpiMeasurementTable.ValueOf(previous, metric);
            double? benchmark = benchmarks is not null && benchmarks.TryGetValue(metric, out var b) ? b : null;
            Preconditions.CheckArgument(benchmark is not { } bv || double.IsFinite(bv), nameof(benchmarks), $"benchmarks[{metric}]: must be a finite number; it was {benchmark}.");
            double? change = now - before;
            double? relative = before is { } p && p != 0 && now is { } c ? (c - p) / Math.Abs(p) : null;
            bool? improved = change is { } d && d != 0 ? (direction == TargetDirection.AtMost ? d < 0 : d > 0) : null;
            bool? beats = now is { } n && benchmark is { } m ? (direction == TargetDirection.AtMost ? n <= m : n >= m) : null;
            rows.Add(new KpiComparisonRow(metric, now, before, benchmark, change, relative, now - benchmark, improved, beats));
        }

        return rows;
    }

    /// <summary>
    /// A KPI's trend: one series per group of <paramref name="query"/> (group by nothing for one
    /// series), one point per period from the first to the last period with tickets, gaps included.
    /// </summary>
    /// <param name="facts">The facts.</param>
    /// <param name="query">The query; its <see cref="KpiQuery.Period"/> must be set.</param>
    /// <param name="metric">The KPI.</param>
    /// <returns>The series, ordered by group key.</returns>
    /// <exception cref="ArgumentException">The query has no period.</exception>
    public static IReadOnlyList<KpiTrendSeries> Trend(FactTable facts, KpiQuery query, KpiMetric metric)
    {
        Preconditions.CheckNotNull(facts);
        Preconditions.CheckNotNull(query);
        Preconditions.CheckArgument(query.Period != KpiPeriod.None, nameof(query), "query.Period: a trend needs a period (day, ISO week, month, quarter or year).");
        DirectionOf(metric);
        var groups = KpiEngine.Aggregate(facts, query);
        if (groups.Count == 0)
        {
            return [];
        }

        var first = groups.Min(g => g.Key.PeriodStart!.Value);
        var last = groups.Max(g => g.Key.PeriodStart!.Value);
        var periods = new List<LocalDate>();
        for (var start = first; start <= last; start = KpiKeys.NextPeriod(start, query.Period))
        {
            periods.Add(start);
        }

        return groups.GroupBy(g => g.Key with { PeriodStart = null })
            .Select(series =>
            {
                var byPeriod = series.ToDictionary(g => g.Key.PeriodStart!.Value);
                var points = new List<KpiTrendPoint>(periods.Count);
                double? previous = null;
                foreach (var period in periods)
                {
                    var group = byPeriod.GetValueOrDefault(period);
                    var value = group is null ? null : KpiMeasurementTable.ValueOf(group.Values, metric);
                    points.Add(new KpiTrendPoint(period, group?.Aggregate.Tickets ?? 0, value, value - previous));
                    previous = value;
                }

                return new KpiTrendSeries(series.Key, points);
            })
            .OrderByKey(s => s.Key)
            .ToArray();
    }

    /// <summary>The distribution of tickets over the values of one dimension (problem types, complaint reasons, channels...).</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="dimensions">The dictionaries that decode the codes.</param>
    /// <param name="dimension">One dimension.</param>
    /// <param name="scope">The time window and filters (grouping and period ignored); everything when null.</param>
    /// <returns>The values with tickets, most tickets first (ties by name).</returns>
    public static IReadOnlyList<DistributionRow> Distribution(FactTable facts, FactDimensions dimensions, FactDimension dimension, KpiQuery? scope = null)
    {
        Preconditions.CheckNotNull(facts);
        Preconditions.CheckNotNull(dimensions);
        CheckSingle(dimension, nameof(dimension));
        var groups = KpiEngine.Aggregate(facts, (scope ?? new KpiQuery()) with { GroupBy = dimension, Period = KpiPeriod.None, WithPercentiles = false });
        var total = groups.Sum(g => g.Aggregate.Tickets);
        return groups.Select(g =>
            {
                var code = g.Key.CodeOf(dimension);
                return new DistributionRow(code, dimensions.NameOf(dimension, code), g.Aggregate.Tickets, (double)g.Aggregate.Tickets / total);
            })
            .OrderByDescending(r => r.Tickets).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The top <paramref name="top"/> problems of every period, each flagged when it has been in
    /// the top for <paramref name="consecutivePeriods"/> periods in a row (the guides: top 5, 3 months).
    /// </summary>
    /// <param name="facts">The facts.</param>
    /// <param name="dimensions">The dictionaries that decode the codes.</param>
    /// <param name="problem">The dimensions that name a problem (e.g. category and product).</param>
    /// <param name="top">How many problems a period's top holds; at least 1.</param>
    /// <param name="consecutivePeriods">The run length that flags a problem as persistent; at least 1.</param>
    /// <param name="scope">Period (default month), time zone, time window and filters; grouping ignored.</param>
    /// <returns>One entry per period from the first to the last with tickets, gaps included (a gap breaks a run).</returns>
    public static IReadOnlyList<FrequentProblemsPeriod> FrequentProblems(FactTable facts, FactDimensions dimensions, FactDimension problem, int top = 5, int consecutivePeriods = 3, KpiQuery? scope = null)
    {
        Preconditions.CheckNotNull(facts);
        Preconditions.CheckNotNull(dimensions);
        Preconditions.CheckArgument(problem != FactDimension.None && (problem & ~KpiKeys.AllDimensions) == 0, nameof(problem), $"problem: must name one or more dimensions; it was {problem}.");
        Preconditions.CheckArgument(top >= 1, nameof(top), $"top: must be at least 1; it was {top}.");
        Preconditions.CheckArgument(consecutivePeriods >= 1, nameof(consecutivePeriods), $"consecutivePeriods: must be at least 1; it was {consecutivePeriods}.");
        var query = (scope ?? new KpiQuery()) with { GroupBy = problem, WithPercentiles = false };
        if (query.Period == KpiPeriod.None)
        {
            query = query with { Period = KpiPeriod.Month };
        }

        var groups = KpiEngine.Aggregate(facts, query);
        if (groups.Count == 0)
        {
            return [];
        }

        var byPeriod = groups.GroupBy(g => g.Key.PeriodStart!.Value).ToDictionary(g => g.Key, g => g.ToArray());
        var first = byPeriod.Keys.Min();
        var last = byPeriod.Keys.Max();
        var runs = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<FrequentProblemsPeriod>();
        for (var period = first; period <= last; period = KpiKeys.NextPeriod(period, query.Period))
        {
            var ranked = byPeriod.TryGetValue(period, out var inPeriod)
                ? inPeriod.Select(g => (Name: NameOf(dimensions, g.Key, problem), g.Aggregate.Tickets)).OrderByDescending(p => p.Tickets).ThenBy(p => p.Name, StringComparer.Ordinal).Take(top).ToArray()
                : [];
            var nextRuns = new Dictionary<string, int>(StringComparer.Ordinal);
            var problems = new List<FrequentProblem>(ranked.Length);
            for (var i = 0; i < ranked.Length; i++)
            {
                var run = runs.GetValueOrDefault(ranked[i].Name) + 1;
                nextRuns[ranked[i].Name] = run;
                problems.Add(new FrequentProblem(ranked[i].Name, i + 1, ranked[i].Tickets, run, run >= consecutivePeriods));
            }

            runs = nextRuns;
            result.Add(new FrequentProblemsPeriod(period, problems));
        }

        return result;
    }

    /// <summary>The Pearson correlation of two measures over the tickets that have both (e.g. FRT with CSAT).</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="x">The first measure.</param>
    /// <param name="y">The second measure.</param>
    /// <param name="scope">The time window and filters; everything when null.</param>
    /// <returns>The accumulator: its count and coefficient (null when undefined).</returns>
    public static PearsonCorrelation Correlate(FactTable facts, FactMeasure x, FactMeasure y, KpiQuery? scope = null)
    {
        Preconditions.CheckNotNull(facts);
        CheckMeasure(x, nameof(x));
        CheckMeasure(y, nameof(y));
        var filter = new FactScope(scope);
        var result = default(PearsonCorrelation);
        for (var chunk = 0; chunk < facts.ChunkCount; chunk++)
        {
            foreach (ref readonly var fact in facts.GetChunk(chunk))
            {
                if (filter.Includes(fact) && ValueOf(fact, x) is { } vx && ValueOf(fact, y) is { } vy)
                {
                    result = result.Add(vx, vy);
                }
            }
        }

        return result;
    }

    /// <summary>Descriptive statistics of one measure over the tickets that have it.</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="measure">The measure.</param>
    /// <param name="scope">The time window and filters; everything when null.</param>
    /// <returns>The statistics.</returns>
    public static DescriptiveStatistics Describe(FactTable facts, FactMeasure measure, KpiQuery? scope = null)
    {
        Preconditions.CheckNotNull(facts);
        CheckMeasure(measure, nameof(measure));
        var filter = new FactScope(scope);
        var values = new List<double>();
        for (var chunk = 0; chunk < facts.ChunkCount; chunk++)
        {
            foreach (ref readonly var fact in facts.GetChunk(chunk))
            {
                if (filter.Includes(fact) && ValueOf(fact, measure) is { } v)
                {
                    values.Add(v);
                }
            }
        }

        return DescriptiveStatistics.Of(values);
    }

    /// <summary>The value of a measure on one fact; null when the ticket does not have it.</summary>
    /// <param name="fact">The fact.</param>
    /// <param name="measure">The measure.</param>
    /// <returns>The value, or null.</returns>
    public static double? ValueOf(in TicketFact fact, FactMeasure measure) => measure switch
    {
        FactMeasure.FirstResponseSeconds => fact.RawFirstResponseSeconds >= 0 ? fact.RawFirstResponseSeconds : null,
        FactMeasure.FirstResponseWorkingSeconds => fact.RawFirstResponseWorkingSeconds >= 0 ? fact.RawFirstResponseWorkingSeconds : null,
        FactMeasure.HandlingSeconds => fact.RawHandlingSeconds >= 0 && fact.Has(FactFlags.Resolved) ? fact.RawHandlingSeconds : null,
        FactMeasure.ResolutionWorkingSeconds => fact.RawResolutionWorkingSeconds >= 0 && fact.Has(FactFlags.Resolved) ? fact.RawResolutionWorkingSeconds : null,
        FactMeasure.Satisfaction => fact.CsatCode is >= 1 and <= 5 ? fact.CsatCode : null,
        FactMeasure.LikelihoodToRecommend => fact.RecommendationCode <= 10 ? fact.RecommendationCode : null,
        FactMeasure.EffortScore => fact.EffortCode > 0 ? fact.EffortCode : null,
        _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, "measure: not a fact measure."),
    };

    private static void CheckSingle(FactDimension dimension, string name) =>
        Preconditions.CheckArgument(KpiKeys.IsSingle(dimension), name, $"{name}: must be exactly one dimension; it was {dimension}.");

    private static void CheckMeasure(FactMeasure measure, string name) =>
        Preconditions.CheckArgument(Enum.IsDefined(measure), name, $"{name}: not a fact measure ({measure}).");

    private static string NameOf(FactDimensions dimensions, KpiGroupKey key, FactDimension problem)
    {
        var parts = new List<string>(2);
        foreach (var dimension in new[] { FactDimension.Category, FactDimension.Product, FactDimension.Channel, FactDimension.Team, FactDimension.Agent, FactDimension.Priority, FactDimension.Segment })
        {
            if ((problem & dimension) != 0)
            {
                parts.Add(dimensions.NameOf(dimension, key.CodeOf(dimension)));
            }
        }

        return string.Join(" / ", parts);
    }
}
