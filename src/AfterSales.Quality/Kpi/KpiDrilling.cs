using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <content>Validation and drill-down of a KPI query.</content>
public sealed partial record KpiQuery
{
    /// <summary>
    /// The query for the inside of one group of this query's result: the group's dimension codes
    /// become filters, its period becomes the time window (within this query's window), and the
    /// facts are grouped anew by <paramref name="groupBy"/> and <paramref name="period"/>. Rolling
    /// the drill-down's groups up to this query's grouping gives back the group.
    /// </summary>
    /// <param name="group">The key of a group of this query's result.</param>
    /// <param name="groupBy">The dimensions to group the inside by (typically this query's and more).</param>
    /// <param name="period">The period to group the inside by (typically a finer one).</param>
    /// <returns>The drill-down query; percentiles, counters and zone as this query's.</returns>
    /// <remarks>
    /// The window runs from the start of the group's first local day to the start of the next
    /// period. In a zone whose clocks went back across midnight (St. John's before 2011), the repeated
    /// hour belongs to the earlier date but lies after the later date's start: a window cannot split
    /// it, so the drill-downs of those two days disagree with their groups by that hour's tickets.
    /// </remarks>
    /// <exception cref="ArgumentException">The key names a dimension this query does not group by, or lacks one it does; the key has no period start while this query groups by period (or the reverse); or the key has a period and the query no <see cref="TimeZone"/>.</exception>
    public KpiQuery DrillDown(KpiGroupKey group, FactDimension groupBy, KpiPeriod period)
    {
        Validate();
        CheckDimensions(groupBy, nameof(groupBy), "groupBy");
        Preconditions.CheckArgument(Enum.IsDefined(period), nameof(period), $"period: {period} is not a KPI period.");
        var filters = new Dictionary<FactDimension, IReadOnlySet<int>>(Filters);
        foreach (var dimension in KpiKeys.SingleDimensions)
        {
            var code = group.CodeOf(dimension);
            var grouped = (GroupBy & dimension) != 0;
            Preconditions.CheckArgument(grouped == code >= 0, nameof(group), grouped
                ? $"group: the key has no {dimension} code, but the query groups by {dimension}."
                : $"group: the key has a {dimension} code, but the query does not group by {dimension}.");
            if (grouped)
            {
                filters[dimension] = Filters.TryGetValue(dimension, out var allowed) && !allowed.Contains(code) ? new HashSet<int>() : new HashSet<int> { code };
            }
        }

        var (from, to) = (From, To);
        Preconditions.CheckArgument(group.PeriodStart.HasValue == (Period != KpiPeriod.None), nameof(group), Period == KpiPeriod.None
            ? "group: the key has a period start, but the query does not group by period."
            : $"group: the key has no period start, but the query groups by {Period}.");
        if (group.PeriodStart is { } start)
        {
            Preconditions.CheckArgument(TimeZone is not null, "query", $"query.TimeZone: a drill-down into a {Period} needs the zone the period is in; run the query with TimeZone set (e.g. the fact table's, FactTable.TimeZone).");
            var periodFrom = TimeZone.AtStartOfDay(start).ToInstant();
            var periodTo = TimeZone.AtStartOfDay(KpiKeys.NextPeriod(start, Period)).ToInstant();
            from = from is { } f && f > periodFrom ? f : periodFrom;
            to = to is { } t && t < periodTo ? t : periodTo;
        }

        return this with { GroupBy = groupBy, Period = period, From = from, To = to, Filters = filters };
    }

    /// <summary>Checks every field; the engine calls it before a query runs.</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names it.</exception>
    internal void Validate()
    {
        const string Query = "query";
        CheckDimensions(GroupBy, Query, "query.GroupBy");
        Preconditions.CheckArgument(Enum.IsDefined(Period), Query, $"query.Period: {Period} is not a KPI period.");
        Preconditions.CheckArgument(From is null || To is null || From <= To, Query, $"query.From ({From}) must not be after query.To ({To}).");
        Preconditions.CheckArgument(Filters is not null, Query, "query.Filters: a dictionary is required (empty for no filter).");
        Preconditions.CheckArgument((Percentiles & ~DurationMeasures.All) == 0, Query, $"query.Percentiles: {Percentiles} holds bits that are no duration measure.");
        foreach (var (dimension, allowed) in Filters)
        {
            Preconditions.CheckArgument(
                KpiKeys.IsSingle(dimension),
                Query,
                $"query.Filters: {dimension} is not a single dimension.");
            Preconditions.CheckArgument(allowed is not null, Query, $"query.Filters[{dimension}]: a set of codes is required.");
        }
    }

    private static void CheckDimensions(FactDimension dimensions, string paramName, string label) =>
        Preconditions.CheckArgument((dimensions & ~KpiKeys.AllDimensions) == 0, paramName, $"{label}: {dimensions} holds bits that are no dimension.");

    /// <summary>Whether <paramref name="coarser"/> groups the same facts as this query into fewer groups: the same window, filters and zone, a subset of the dimensions, a period its periods nest in.</summary>
    internal string? CoarseningError(KpiQuery coarser)
    {
        if ((coarser.GroupBy & ~GroupBy) != 0)
        {
            return $"coarser: it groups by {coarser.GroupBy & ~GroupBy}, which the groups are not grouped by.";
        }

        if (!Nests(Period, coarser.Period))
        {
            return $"coarser: {Period} periods do not nest in {coarser.Period} periods.";
        }

        if (coarser.Period != KpiPeriod.None && coarser.TimeZone?.Id != TimeZone?.Id)
        {
            return $"coarser: its zone {coarser.TimeZone?.Id ?? "(the fact table's)"} is not the groups' zone {TimeZone?.Id ?? "(the fact table's)"}.";
        }

        if (coarser.From != From || coarser.To != To || !SameFilters(Filters, coarser.Filters))
        {
            return "coarser: its time window and filters must be the groups' (a roll-up merges groups, it cannot re-filter facts).";
        }

        return (coarser.Percentiles & ~Percentiles) != 0 ? $"coarser: it asks for percentiles of {coarser.Percentiles & ~Percentiles}, which the groups do not have."
            : coarser.WithCounters && !WithCounters ? "coarser: it asks for counters, which the groups do not have."
            : null;
    }

    private static bool Nests(KpiPeriod finer, KpiPeriod coarser) => coarser switch
    {
        KpiPeriod.None => true,
        KpiPeriod.Day => finer == KpiPeriod.Day,
        KpiPeriod.IsoWeek => finer is KpiPeriod.Day or KpiPeriod.IsoWeek,
        KpiPeriod.Month => finer is KpiPeriod.Day or KpiPeriod.Month,
        KpiPeriod.Quarter => finer is KpiPeriod.Day or KpiPeriod.Month or KpiPeriod.Quarter,
        KpiPeriod.HalfYear => finer is KpiPeriod.Day or KpiPeriod.Month or KpiPeriod.Quarter or KpiPeriod.HalfYear,
        _ => finer is KpiPeriod.Day or KpiPeriod.Month or KpiPeriod.Quarter or KpiPeriod.HalfYear or KpiPeriod.Year,
    };

    private static bool SameFilters(IReadOnlyDictionary<FactDimension, IReadOnlySet<int>> a, IReadOnlyDictionary<FactDimension, IReadOnlySet<int>> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && other.SetEquals(kv.Value));
}

/// <content>Roll-up of a KPI result.</content>
public static partial class KpiEngine
{
    /// <summary>
    /// Rolls a result up to a coarser grouping without reading a fact again: the groups of
    /// <paramref name="query"/> are merged into the groups of <paramref name="coarser"/> (a subset of
    /// the dimensions, a period the periods nest in — days into weeks, months, quarters, years;
    /// months into quarters and years; quarters into years; anything into no period). Aggregates
    /// are mergeable, so the result equals <see cref="Aggregate(FactTable, KpiQuery, int?)"/> with
    /// <paramref name="coarser"/>. The input groups are not changed.
    /// </summary>
    /// <param name="groups">The groups of <paramref name="query"/>'s result.</param>
    /// <param name="query">The query that produced them.</param>
    /// <param name="coarser">The coarser query: same window, filters and zone.</param>
    /// <returns>The coarser groups, ordered by key.</returns>
    /// <exception cref="ArgumentException"><paramref name="coarser"/> is not a coarsening of <paramref name="query"/>; the message says why.</exception>
    public static IReadOnlyList<KpiGroup> RollUp(IEnumerable<KpiGroup> groups, KpiQuery query, KpiQuery coarser)
    {
        Preconditions.CheckNotNull(groups);
        Preconditions.CheckNotNull(query);
        Preconditions.CheckNotNull(coarser);
        query.Validate();
        coarser.Validate();
        var error = query.CoarseningError(coarser);
        Preconditions.CheckArgument(error is null, nameof(coarser), error!);

        var merged = new Dictionary<KpiGroupKey, KpiAggregate>();
        foreach (var group in groups)
        {
            Preconditions.CheckArgument(group is not null, nameof(groups), "groups: a group is null.");
            var key = Coarsen(group.Key, coarser);
            if (!merged.TryGetValue(key, out var aggregate))
            {
                merged[key] = aggregate = new KpiAggregate(coarser.Percentiles);
            }

            aggregate.Merge(group.Aggregate);
        }

        return merged
            .Select(kv => new KpiGroup(kv.Key, coarser.WithCounters ? kv.Value : kv.Value.WithoutCounters()))
            .OrderByKey(g => g.Key).ToArray();
    }

    private static KpiGroupKey Coarsen(KpiGroupKey key, KpiQuery coarser)
    {
        int Keep(FactDimension dimension, int code) => (coarser.GroupBy & dimension) != 0 ? code : -1;
        LocalDate? period = coarser.Period == KpiPeriod.None || key.PeriodStart is not { } d ? null : KpiKeys.PeriodStart(d, coarser.Period);
        return new KpiGroupKey(
            Keep(FactDimension.Team, key.Team), Keep(FactDimension.Agent, key.Agent), Keep(FactDimension.Product, key.Product), Keep(FactDimension.Channel, key.Channel),
            Keep(FactDimension.Category, key.Category), Keep(FactDimension.Priority, key.Priority), Keep(FactDimension.Segment, key.Segment), period);
    }
}
