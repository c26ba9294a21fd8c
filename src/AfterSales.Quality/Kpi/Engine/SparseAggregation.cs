using NodaTime;

namespace AfterSales.Quality.Kpi.Engine;

/// <summary>The sparse path of <see cref="KpiEngine"/>: groups in a dictionary by encoded key, and the per-fact filter and key helpers.</summary>
internal static class SparseAggregation
{
    /// <summary>Aggregates a span of facts into one group per key (used per partition; partitions merge with <see cref="KpiAggregate.Merge"/>).</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="query">The query.</param>
    /// <param name="periods">The period table of the query.</param>
    /// <param name="groups">The partial aggregates by encoded key, added to.</param>
    internal static void AggregateRange(ReadOnlySpan<TicketFact> facts, KpiQuery query, PeriodTable periods, Dictionary<UInt128, KpiAggregate> groups)
    {
        var scope = new FactScope(query);
        KpiAggregate? last = null;
        var lastKey = UInt128.MaxValue;
        foreach (ref readonly var fact in facts)
        {
            if (!scope.Includes(fact))
            {
                continue;
            }

            var key = Key(fact, query.GroupBy, periods);
            if (key != lastKey || last is null)
            {
                if (!groups.TryGetValue(key, out last))
                {
                    groups[key] = last = new KpiAggregate(query.Percentiles);
                }

                lastKey = key;
            }

            last.Add(fact);
        }
    }

    internal static bool Passes(in TicketFact fact, IReadOnlyDictionary<FactDimension, IReadOnlySet<int>> filters)
    {
        foreach (var (dimension, allowed) in filters)
        {
            if (!allowed.Contains(Code(fact, dimension)))
            {
                return false;
            }
        }

        return true;
    }

    internal static int Code(in TicketFact fact, FactDimension dimension) => dimension switch
    {
        FactDimension.Team => fact.Team,
        FactDimension.Agent => fact.Agent,
        FactDimension.Product => fact.Product,
        FactDimension.Channel => fact.Channel,
        FactDimension.Category => fact.Category,
        FactDimension.Priority => fact.PriorityCode,
        FactDimension.Segment => fact.Segment,
        _ => 0,
    };

    // The key packs the period ordinal (16 bits) and only the grouped dimensions: team, agent and
    // product 16 bits each, channel, category, priority and segment 8 bits each — at most 96 bits,
    // so any grouping fits.
    internal static UInt128 Key(in TicketFact fact, FactDimension by, PeriodTable periods)
    {
        UInt128 key = periods.IsEmpty ? 0u : (uint)periods.PeriodOf(fact.ReceivedMinute);
        void Put(FactDimension dimension, int bits, int code)
        {
            if ((by & dimension) != 0)
            {
                key = (key << bits) | (uint)code;
            }
        }

        Put(FactDimension.Team, 16, fact.Team);
        Put(FactDimension.Agent, 16, fact.Agent);
        Put(FactDimension.Product, 16, fact.Product);
        Put(FactDimension.Channel, 8, fact.Channel);
        Put(FactDimension.Category, 8, fact.Category);
        Put(FactDimension.Priority, 8, fact.PriorityCode);
        Put(FactDimension.Segment, 8, fact.Segment);
        return key;
    }

    internal static KpiGroupKey Decode(UInt128 key, FactDimension by, PeriodTable periods)
    {
        int Take(FactDimension dimension, int bits)
        {
            if ((by & dimension) == 0)
            {
                return -1;
            }

            var value = (int)(uint)(key & ((UInt128.One << bits) - 1));
            key >>= bits;
            return value;
        }

        var segment = Take(FactDimension.Segment, 8);
        var priority = Take(FactDimension.Priority, 8);
        var category = Take(FactDimension.Category, 8);
        var channel = Take(FactDimension.Channel, 8);
        var product = Take(FactDimension.Product, 16);
        var agent = Take(FactDimension.Agent, 16);
        var team = Take(FactDimension.Team, 16);
        LocalDate? period = periods.IsEmpty ? null : periods.StartOf((int)(uint)key);
        return new KpiGroupKey(team, agent, product, channel, category, priority, segment, period);
    }
}
