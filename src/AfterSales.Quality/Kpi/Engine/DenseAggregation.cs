namespace AfterSales.Quality.Kpi.Engine;

/// <summary>The dense path of <see cref="KpiEngine"/>: groups in arrays indexed by a mixed-radix key, partitions counted in parallel and merged.</summary>
internal static class DenseAggregation
{
    internal static IReadOnlyList<KpiGroup> AggregateDense(FactTable table, KpiQuery query, PeriodTable periods, DenseLayout layout, int parts)
    {
        var facts = table.Buffer;
        var count = table.Count;
        var scope = new FactScope(query);
        var partials = new DensePartial[parts];
        var slotMap = periods.Map(layout.PeriodStride);
        var bucketCount = QuantileSketch.FlatLength(table.MaxFirstResponse);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var partial = partials[part] = new DensePartial(layout.Size, query);
            var start = (int)((long)count * part / parts);
            var end = (int)((long)count * (part + 1) / parts);
            var span = facts.AsSpan(start, end - start);
            if (partial.Counters is { } counters)
            {
                var lanes = new LaneCounters[layout.Size];
                System.Array.Fill(lanes, LaneCounters.Empty);
                AggregatePartition(span, scope, layout, slotMap, counters, lanes, partial.Buckets, bucketCount);
            }
            else
            {
                CountPartition(span, scope, layout, slotMap, partial.Tickets!, partial.Buckets, bucketCount);
            }
        });

        var groups = new List<KpiGroup>();
        for (var i = 0; i < layout.Size; i++)
        {
            var counters = KpiCounters.Empty;
            QuantileSketch? sketch = null;
            foreach (var partial in partials)
            {
                if (partial.Counters is { } partCounters)
                {
                    if (partCounters[i].Tickets > 0)
                    {
                        counters.Merge(partCounters[i]);
                    }
                }
                else
                {
                    counters.Tickets += partial.Tickets![i];
                }

                if (partial.Buckets?[i] is { } buckets)
                {
                    (sketch ??= new QuantileSketch()).AddFlat(buckets);
                }
            }

            if (counters.Tickets > 0)
            {
                var aggregate = new KpiAggregate(counters, query.WithPercentiles ? sketch ?? new QuantileSketch() : null, query.WithCounters);
                groups.Add(new KpiGroup(layout.KeyOf(i, periods), aggregate));
            }
        }

        return groups;
    }

    /// <summary>The hot loop of a dense query over one partition: every counter, and the FRT buckets when asked.</summary>
    private static void AggregatePartition(
        ReadOnlySpan<TicketFact> facts, FactScope scope, DenseLayout layout, SlotMap slotMap, KpiCounters[] counters, LaneCounters[] lanes, int[]?[]? buckets, int bucketCount)
    {
        foreach (ref readonly var fact in facts)
        {
            if (!scope.Includes(fact))
            {
                continue;
            }

            var index = layout.IndexOf(fact, slotMap.OffsetOf(fact.ReceivedMinute));
            ref var group = ref lanes[index];
            group.Add(fact);
            if (group.IsFull)
            {
                group.FlushInto(ref counters[index]);
            }

            if (buckets is not null && fact.RawFirstResponseSeconds >= 0)
            {
                (buckets[index] ??= new int[bucketCount])[QuantileSketch.FlatBucketOf(fact.RawFirstResponseSeconds)]++;
            }
        }

        for (var index = 0; index < lanes.Length; index++)
        {
            if (!lanes[index].IsEmpty)
            {
                lanes[index].FlushInto(ref counters[index]);
            }
        }
    }

    /// <summary>The hot loop of a dense query without counters: tickets per group, and the FRT buckets when asked.</summary>
    private static void CountPartition(
        ReadOnlySpan<TicketFact> facts, FactScope scope, DenseLayout layout, SlotMap slotMap, long[] tickets, int[]?[]? buckets, int bucketCount)
    {
        foreach (ref readonly var fact in facts)
        {
            if (!scope.Includes(fact))
            {
                continue;
            }

            var index = layout.IndexOf(fact, slotMap.OffsetOf(fact.ReceivedMinute));
            tickets[index]++;
            if (buckets is not null && fact.RawFirstResponseSeconds >= 0)
            {
                (buckets[index] ??= new int[bucketCount])[QuantileSketch.FlatBucketOf(fact.RawFirstResponseSeconds)]++;
            }
        }
    }

    /// <summary>
    /// One partition's dense state: wide counters per group (or ticket counts alone without
    /// counters) and, for percentiles, the FRT bucket counts per group in the sketch's flat layout
    /// (ints: a partition holds fewer than 2³¹ facts), allocated when a group first sees a response.
    /// </summary>
    private sealed class DensePartial
    {
        public DensePartial(int groups, KpiQuery query)
        {
            if (query.WithCounters)
            {
                Counters = new KpiCounters[groups];
                System.Array.Fill(Counters, KpiCounters.Empty);
            }
            else
            {
                Tickets = new long[groups];
            }

            Buckets = query.WithPercentiles ? new int[]?[groups] : null;
        }

        public KpiCounters[]? Counters { get; }

        public long[]? Tickets { get; }

        public int[]?[]? Buckets { get; }
    }
}
