using AfterSales.Quality.Kpi.Engine;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// Aggregates facts into KPI groups: one pass, filters and group keys computed per fact, periods
/// looked up in a precomputed slot table (see <c>Engine/PeriodTable</c>; no per-fact zone conversion),
/// partitions aggregated in parallel and merged. Thread-safe (stateless).
/// </summary>
public static partial class KpiEngine
{
    /// <summary>Aggregates a fact table.</summary>
    /// <param name="table">The facts.</param>
    /// <param name="query">The query.</param>
    /// <param name="parallelism">Partitions to aggregate in parallel (default: the processor count).</param>
    /// <returns>The groups, ordered by key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> or <paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentException">A field of <paramref name="query"/> is invalid, <paramref name="parallelism"/> is below 1, or the grouping does not fit; the message names it.</exception>
    public static IReadOnlyList<KpiGroup> Aggregate(FactTable table, KpiQuery query, int? parallelism = null) =>
        Aggregate(table, query, parallelism, maxDenseGroups: 1 << 21);

    /// <summary>Aggregates with a chosen limit on dense group arrays (beyond it, groups are kept in a dictionary).</summary>
    internal static IReadOnlyList<KpiGroup> Aggregate(FactTable table, KpiQuery query, int? parallelism, int maxDenseGroups)
    {
        Preconditions.CheckNotNull(table);
        Preconditions.CheckNotNull(query);
        query.Validate();
        Preconditions.CheckArgument(parallelism is null or > 0, nameof(parallelism), $"parallelism: {parallelism} partitions; at least 1 (or null for one per processor).");
        var count = table.Count;
        var periods = PeriodTable.For(table, query);
        var parts = Math.Clamp(parallelism ?? Environment.ProcessorCount, 1, Math.Max(1, count / 10_000 + 1));
        if (DenseLayout.TryCreate(table, query, periods, maxDenseGroups) is { } layout)
        {
            return DenseAggregation.AggregateDense(table, query, periods, layout, parts);
        }

        var partials = new Dictionary<UInt128, KpiAggregate>[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var from = (int)((long)count * part / parts);
            var to = (int)((long)count * (part + 1) / parts);
            var groups = partials[part] = [];
            for (var at = from; at < to;)
            {
                var span = table.SpanFrom(at, to);
                SparseAggregation.AggregateRange(span, query, periods, groups);
                at += span.Length;
            }
        });

        var merged = partials[0];
        for (var i = 1; i < parts; i++)
        {
            foreach (var (key, aggregate) in partials[i])
            {
                if (merged.TryGetValue(key, out var existing))
                {
                    existing.Merge(aggregate);
                }
                else
                {
                    merged[key] = aggregate;
                }
            }
        }

        return merged.Select(kv => new KpiGroup(SparseAggregation.Decode(kv.Key, query.GroupBy, periods), query.WithCounters ? kv.Value.Settle() : kv.Value.WithoutCounters()))
            .OrderByKey(g => g.Key).ToArray();
    }
}
