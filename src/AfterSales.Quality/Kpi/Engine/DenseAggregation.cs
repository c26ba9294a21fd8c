namespace AfterSales.Quality.Kpi.Engine;

/// <summary>The dense path of <see cref="KpiEngine"/>: groups in arrays indexed by a mixed-radix key, partitions counted in parallel and merged.</summary>
internal static class DenseAggregation
{
    internal static IReadOnlyList<KpiGroup> AggregateDense(FactTable table, KpiQuery query, PeriodTable periods, DenseLayout layout, int parts)
    {
        var count = table.Count;
        var scope = new FactScope(query);
        var partials = new DensePartial[parts];
        var slotMap = periods.Map(layout.PeriodStride);
        var bucketCounts = new int[DurationMeasure.Count];
        for (var m = 0; m < bucketCounts.Length; m++)
        {
            bucketCounts[m] = QuantileSketch.FlatLength(table.MaxOf(m));
        }

        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var partial = partials[part] = new DensePartial(layout.Size, query);
            var start = (int)((long)count * part / parts);
            var end = (int)((long)count * (part + 1) / parts);
            LaneCounters[]? lanes = null;
            if (partial.Counters is not null)
            {
                lanes = System.Buffers.ArrayPool<LaneCounters>.Shared.Rent(layout.Size);
                System.Array.Fill(lanes, LaneCounters.Empty, 0, layout.Size);
            }

            for (var at = start; at < end;)
            {
                var span = table.SpanFrom(at, end);
                if (partial.Counters is { } counters)
                {
                    AggregatePartition(span, scope, layout, slotMap, counters, lanes!, partial.Buckets, bucketCounts);
                }
                else
                {
                    CountPartition(span, scope, layout, slotMap, partial.Tickets!, partial.Buckets, bucketCounts);
                }

                at += span.Length;
            }

            if (lanes is not null)
            {
                FlushAll(lanes, layout.Size, partial.Counters!);
                System.Buffers.ArrayPool<LaneCounters>.Shared.Return(lanes);
            }
        });

        var groups = new List<KpiGroup>();
        for (var i = 0; i < layout.Size; i++)
        {
            if (!AnyFacts(partials, i))
            {
                continue; // an empty slot of the layout: nothing to merge, no group
            }

            var counters = KpiCounters.Empty;
            var sketches = query.Percentiles == DurationMeasures.None ? null : new QuantileSketch?[DurationMeasure.Count];
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

                for (var m = 0; sketches is not null && m < DurationMeasure.Count; m++)
                {
                    if (partial.Buckets[m]?[i] is { } buckets)
                    {
                        GroupDurations.AddTo(sketches[m] ??= new QuantileSketch(), buckets);
                    }
                }
            }

            if (counters.Tickets > 0)
            {
                for (var m = 0; sketches is not null && m < DurationMeasure.Count; m++)
                {
                    if (((int)query.Percentiles & (1 << m)) != 0)
                    {
                        sketches[m] ??= new QuantileSketch();
                    }
                }

                var aggregate = new KpiAggregate(counters, sketches, query.WithCounters);
                groups.Add(new KpiGroup(layout.KeyOf(i, periods), aggregate));
            }
        }

        foreach (var partial in partials)
        {
            partial.Return();
        }

        return groups;
    }

    private static bool AnyFacts(DensePartial[] partials, int index)
    {
        foreach (var partial in partials)
        {
            if ((partial.Counters is { } counters ? counters[index].Tickets : partial.Tickets![index]) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The hot loop of a dense query over one chunk of a partition (the lanes are flushed after its last): every counter, and the duration buckets when asked.</summary>
    private static void AggregatePartition(
        ReadOnlySpan<TicketFact> facts, FactScope scope, DenseLayout layout, SlotMap slotMap, KpiCounters[] counters, LaneCounters[] lanes, int[]?[]?[] buckets, int[] bucketCounts)
    {
        var frt = buckets[0];
        var others = HasOthers(buckets);
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

            if (frt is not null && fact.RawFirstResponseSeconds >= 0)
            {
                GroupDurations.Count(frt, index, fact.RawFirstResponseSeconds, bucketCounts[0]);
            }

            if (others)
            {
                CountOthers(fact, index, buckets, bucketCounts);
            }
        }
    }

    /// <summary>Flushes what a partition's lanes hold into its wide counters, after its last chunk.</summary>
    private static void FlushAll(LaneCounters[] lanes, int size, KpiCounters[] counters)
    {
        for (var index = 0; index < size; index++)
        {
            if (!lanes[index].IsEmpty)
            {
                lanes[index].FlushInto(ref counters[index]);
            }
        }
    }

    /// <summary>The hot loop of a dense query without counters: tickets per group, and the duration buckets when asked.</summary>
    private static void CountPartition(
        ReadOnlySpan<TicketFact> facts, FactScope scope, DenseLayout layout, SlotMap slotMap, long[] tickets, int[]?[]?[] buckets, int[] bucketCounts)
    {
        var frt = buckets[0];
        var others = HasOthers(buckets);
        foreach (ref readonly var fact in facts)
        {
            if (!scope.Includes(fact))
            {
                continue;
            }

            var index = layout.IndexOf(fact, slotMap.OffsetOf(fact.ReceivedMinute));
            tickets[index]++;
            if (frt is not null && fact.RawFirstResponseSeconds >= 0)
            {
                GroupDurations.Count(frt, index, fact.RawFirstResponseSeconds, bucketCounts[0]);
            }

            if (others)
            {
                CountOthers(fact, index, buckets, bucketCounts);
            }
        }
    }

    private static bool HasOthers(int[]?[]?[] buckets)
    {
        for (var m = 1; m < buckets.Length; m++)
        {
            if (buckets[m] is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Counts a fact's duration measures other than the first response into their groups' buckets.</summary>
    private static void CountOthers(in TicketFact fact, int index, int[]?[]?[] buckets, int[] bucketCounts)
    {
        for (var m = 1; m < DurationMeasure.Count; m++)
        {
            if (buckets[m] is { } measure && DurationMeasure.RawOf(fact, m) is >= 0 and var seconds)
            {
                GroupDurations.Count(measure, index, seconds, bucketCounts[m]);
            }
        }
    }

    /// <summary>
    /// One partition's dense state: wide counters per group (or ticket counts alone without
    /// counters) and, for percentiles, each asked duration measure's bucket counts per group in the sketch's flat layout
    /// (ints: a partition holds fewer than 2³¹ facts), allocated when a group first sees a response.
    /// </summary>
    private sealed class DensePartial
    {
        public DensePartial(int groups, KpiQuery query)
        {
            if (query.WithCounters)
            {
                Counters = System.Buffers.ArrayPool<KpiCounters>.Shared.Rent(groups);
                System.Array.Fill(Counters, KpiCounters.Empty, 0, groups);
            }
            else
            {
                Tickets = System.Buffers.ArrayPool<long>.Shared.Rent(groups);
                System.Array.Clear(Tickets, 0, groups);
            }

            Buckets = new int[]?[]?[DurationMeasure.Count];
            for (var m = 0; m < DurationMeasure.Count; m++)
            {
                if (((int)query.Percentiles & (1 << m)) != 0)
                {
                    Buckets[m] = System.Buffers.ArrayPool<int[]?>.Shared.Rent(groups);
                    System.Array.Clear(Buckets[m]!, 0, groups);
                }
            }
        }

        public KpiCounters[]? Counters { get; }

        public long[]? Tickets { get; }

        public int[]?[]?[] Buckets { get; }

        /// <summary>Gives the pooled arrays back (the layout's arrays of a fine grouping are large: renting them keeps a query off the large-object heap).</summary>
        public void Return()
        {
            if (Counters is not null)
            {
                System.Buffers.ArrayPool<KpiCounters>.Shared.Return(Counters);
            }

            if (Tickets is not null)
            {
                System.Buffers.ArrayPool<long>.Shared.Return(Tickets);
            }

            foreach (var measure in Buckets)
            {
                if (measure is not null)
                {
                    System.Buffers.ArrayPool<int[]?>.Shared.Return(measure, clearArray: true);
                }
            }
        }
    }
}
