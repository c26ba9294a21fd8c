using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// Aggregates facts into KPI groups: one pass, filters and group keys computed per fact, periods
/// looked up in a precomputed slot table (see <c>PeriodTable</c>; no per-fact zone conversion),
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
        var facts = table.Buffer;
        var count = table.Count;
        var periods = PeriodTable.For(table, query);
        var parts = Math.Clamp(parallelism ?? Environment.ProcessorCount, 1, Math.Max(1, count / 10_000 + 1));
        if (DenseLayout.TryCreate(table, query, periods, maxDenseGroups) is { } layout)
        {
            return AggregateDense(table, query, periods, layout, parts);
        }

        var partials = new Dictionary<UInt128, KpiAggregate>[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var from = (int)((long)count * part / parts);
            var to = (int)((long)count * (part + 1) / parts);
            partials[part] = AggregateRange(facts.AsSpan(from, to - from), query, periods);
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

        return merged.Select(kv => new KpiGroup(Decode(kv.Key, query.GroupBy, periods), query.WithCounters ? kv.Value.Settle() : kv.Value.WithoutCounters()))
            .OrderByKey(g => g.Key).ToArray();
    }

    private static IReadOnlyList<KpiGroup> AggregateDense(FactTable table, KpiQuery query, PeriodTable periods, DenseLayout layout, int parts)
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

            if (buckets is not null && fact.FirstResponseSeconds >= 0)
            {
                (buckets[index] ??= new int[bucketCount])[QuantileSketch.FlatBucketOf(fact.FirstResponseSeconds)]++;
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
            if (buckets is not null && fact.FirstResponseSeconds >= 0)
            {
                (buckets[index] ??= new int[bucketCount])[QuantileSketch.FlatBucketOf(fact.FirstResponseSeconds)]++;
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

    /// <summary>A dense group index: the period and the grouped dimensions as mixed-radix digits.</summary>
    private sealed class DenseLayout
    {
        private readonly FactDimension by;
        private readonly int periodCount;
        private readonly int[] radix = new int[7];

        private DenseLayout(FactDimension by, int periodCount, FactTable table, int maxGroups)
        {
            this.by = by;
            this.periodCount = periodCount;
            radix[0] = Has(FactDimension.Team) ? table.MaxTeam + 1 : 1;
            radix[1] = Has(FactDimension.Agent) ? table.MaxAgent + 1 : 1;
            radix[2] = Has(FactDimension.Product) ? table.MaxProduct + 1 : 1;
            radix[3] = Has(FactDimension.Channel) ? table.MaxChannel + 1 : 1;
            radix[4] = Has(FactDimension.Category) ? table.MaxCategory + 1 : 1;
            radix[5] = Has(FactDimension.Priority) ? table.MaxPriority + 1 : 1;
            radix[6] = Has(FactDimension.Segment) ? table.MaxSegment + 1 : 1;
            long size = Math.Max(1, periodCount);
            foreach (var r in radix)
            {
                size *= r;
            }

            Size = (int)Math.Min(size, int.MaxValue);
            Fits = size <= maxGroups;

            // Strides of the mixed-radix index (0 for a dimension not grouped), so the index is a plain dot product.
            var stride = 1;
            var strides = new int[7];
            for (var d = 6; d >= 0; d--)
            {
                strides[d] = HasDigit(d) ? stride : 0;
                stride = (int)Math.Min((long)stride * radix[d], int.MaxValue);
            }

            (teamStride, agentStride, productStride, channelStride, categoryStride, priorityStride, segmentStride) = (strides[0], strides[1], strides[2], strides[3], strides[4], strides[5], strides[6]);
            PeriodStride = stride;
        }

        private readonly int teamStride;
        private readonly int agentStride;
        private readonly int productStride;
        private readonly int channelStride;
        private readonly int categoryStride;
        private readonly int priorityStride;
        private readonly int segmentStride;

        /// <summary>The index step of one period (the product of every dimension's radix).</summary>
        public int PeriodStride { get; }

        private bool HasDigit(int d) => d switch
        {
            0 => Has(FactDimension.Team),
            1 => Has(FactDimension.Agent),
            2 => Has(FactDimension.Product),
            3 => Has(FactDimension.Channel),
            4 => Has(FactDimension.Category),
            5 => Has(FactDimension.Priority),
            _ => Has(FactDimension.Segment),
        };

        /// <summary>The index of a fact given its period's offset (period ordinal × <see cref="PeriodStride"/>).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public int IndexOf(in TicketFact fact, int periodOffset) =>
            periodOffset + (fact.Team * teamStride) + (fact.Agent * agentStride) + (fact.Product * productStride) + (fact.Channel * channelStride)
            + (fact.Category * categoryStride) + (fact.Priority * priorityStride) + (fact.Segment * segmentStride);

        public int Size { get; }

        private bool Fits { get; }

        public static DenseLayout? TryCreate(FactTable table, KpiQuery query, PeriodTable periods, int maxGroups)
        {
            var layout = new DenseLayout(query.GroupBy, periods.Count, table, maxGroups);
            return layout.Fits ? layout : null;
        }

        public KpiGroupKey KeyOf(int index, PeriodTable periods)
        {
            var digits = new int[7];
            for (var d = 6; d >= 0; d--)
            {
                digits[d] = index % radix[d];
                index /= radix[d];
            }

            int Digit(FactDimension dimension, int d) => Has(dimension) ? digits[d] : -1;
            return new KpiGroupKey(
                Digit(FactDimension.Team, 0), Digit(FactDimension.Agent, 1), Digit(FactDimension.Product, 2), Digit(FactDimension.Channel, 3),
                Digit(FactDimension.Category, 4), Digit(FactDimension.Priority, 5), Digit(FactDimension.Segment, 6),
                periods.IsEmpty ? null : periods.StartOf(index));
        }

        private bool Has(FactDimension dimension) => (by & dimension) != 0;
    }

    /// <summary>Aggregates a span of facts into one group per key (used per partition; partitions merge with <see cref="KpiAggregate.Merge"/>).</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="query">The query.</param>
    /// <param name="periods">The period table of the query.</param>
    /// <returns>The partial aggregates by encoded key.</returns>
    internal static Dictionary<UInt128, KpiAggregate> AggregateRange(ReadOnlySpan<TicketFact> facts, KpiQuery query, PeriodTable periods)
    {
        var groups = new Dictionary<UInt128, KpiAggregate>();
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
                    groups[key] = last = new KpiAggregate(query.WithPercentiles);
                }

                lastKey = key;
            }

            last.Add(fact);
        }

        return groups;
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
        FactDimension.Priority => fact.Priority,
        FactDimension.Segment => fact.Segment,
        _ => 0,
    };

    // The key packs the period ordinal (16 bits) and only the grouped dimensions: team, agent and
    // product 16 bits each, channel, category, priority and segment 8 bits each — at most 96 bits,
    // so any grouping fits.
    private static UInt128 Key(in TicketFact fact, FactDimension by, PeriodTable periods)
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
        Put(FactDimension.Priority, 8, fact.Priority);
        Put(FactDimension.Segment, 8, fact.Segment);
        return key;
    }

    private static KpiGroupKey Decode(UInt128 key, FactDimension by, PeriodTable periods)
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

    /// <summary>
    /// Maps a fact's received minute to a period ordinal through a table of slots: the slot length
    /// divides a day and every UTC offset and transition of the zone over the table's time range
    /// (8 hours for Asia/Shanghai, an hour for most zones with daylight saving, 1 day for UTC), so
    /// no slot straddles a local midnight and a year takes a few kilobytes. The slot of a minute is
    /// found by a multiply and a shift (division by an invariant, exact for every difference below 2³¹).
    /// </summary>
    internal sealed class PeriodTable
    {
        private const int MaxSlots = 1 << 26;
        private readonly int baseMinute;
        private readonly ulong magic;
        private readonly int shift;
        private readonly ushort[] slots;
        private readonly LocalDate[] starts;

        private PeriodTable(int baseMinute, int slotMinutes, ushort[] slots, LocalDate[] starts)
        {
            this.baseMinute = baseMinute;
            this.slots = slots;
            this.starts = starts;
            shift = 31 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)slotMinutes - 1));
            magic = slots.Length <= 1 ? 0 : (ulong)(((UInt128)1 << shift) + (ulong)slotMinutes - 1) / (ulong)slotMinutes;
        }

        public bool IsEmpty => starts.Length == 0;

        public int Count => starts.Length;

        public static PeriodTable For(FactTable table, KpiQuery query)
        {
            if (query.Period == KpiPeriod.None || table.Count == 0)
            {
                return new PeriodTable(0, 1, [0], []);
            }

            // Only the facts inside the query's window are looked up: the table need not cover the rest.
            var scope = new FactScope(query);
            var windowMin = Math.Max(table.MinMinute, scope.FromMinute);
            var windowMax = Math.Min(table.MaxMinute, scope.ToMinute - 1);
            if (windowMin > windowMax)
            {
                return new PeriodTable(0, 1, [0], []);
            }

            var (min, max) = ((int)windowMin, (int)windowMax);

            var slotMinutes = SlotMinutes(query.TimeZone, TicketFact.Epoch + Duration.FromMinutes(min), TicketFact.Epoch + Duration.FromMinutes((long)max + 1));
            var baseMinute = (int)(Math.Floor((double)min / slotMinutes) * slotMinutes);
            var length = (((long)max - baseMinute) / slotMinutes) + 1;
            Preconditions.CheckArgument(
                length <= MaxSlots && (long)max - baseMinute < int.MaxValue,
                nameof(query),
                $"The facts span {TicketFact.Epoch + Duration.FromMinutes(min)} to {TicketFact.Epoch + Duration.FromMinutes(max)}: too long a range to group by {query.Period} in {query.TimeZone.Id}. Give the query a time window (From, To).");
            var slots = new ushort[length];
            var starts = new List<LocalDate>();
            var ordinals = new Dictionary<LocalDate, ushort>();
            var ordinal = -1;
            for (var i = 0; i < slots.Length; i++)
            {
                var local = (TicketFact.Epoch + Duration.FromMinutes(baseMinute + ((long)i * slotMinutes))).InZone(query.TimeZone).Date;
                var start = KpiKeys.PeriodStart(local, query.Period);
                if (ordinal < 0 || starts[ordinal] != start)
                {
                    // Local dates can step back (a fall-back transition at midnight, as St. John's had
                    // until 2011): a period seen before keeps its ordinal.
                    if (!ordinals.TryGetValue(start, out var known))
                    {
                        Preconditions.CheckArgument(starts.Count < ushort.MaxValue, nameof(query), $"More than {ushort.MaxValue} periods of {query.Period}: group by a longer period or give the query a time window (From, To).");
                        ordinals[start] = known = (ushort)starts.Count;
                        starts.Add(start);
                    }

                    ordinal = known;
                }

                slots[i] = (ushort)ordinal;
            }

            return new PeriodTable(baseMinute, slotMinutes, slots, [.. starts]);
        }

        /// <summary>The largest slot, in minutes, that divides a day and every offset and transition instant of the zone in the range.</summary>
        private static int SlotMinutes(DateTimeZone zone, Instant from, Instant to)
        {
            long gcd = NodaConstants.SecondsPerDay;
            foreach (var interval in zone.GetZoneIntervals(from, to))
            {
                gcd = Gcd(gcd, Math.Abs(interval.WallOffset.Seconds));
                if (interval.HasStart && interval.Start > from)
                {
                    // The transition's second of the UTC day (floored: before 2000 the remainder is negative).
                    var second = (long)Math.Floor((interval.Start - TicketFact.Epoch).TotalSeconds);
                    gcd = Gcd(gcd, ((second % NodaConstants.SecondsPerDay) + NodaConstants.SecondsPerDay) % NodaConstants.SecondsPerDay);
                }
            }

            // An offset with seconds (local mean time before standard zones) leaves minute slots.
            return gcd % 60 == 0 ? (int)(gcd / 60) : 1;
        }

        private static long Gcd(long a, long b) => b == 0 ? Math.Abs(a) : Gcd(b, a % b);

        /// <summary>The slot lookup for the dense engine: per slot its period's ordinal times <paramref name="stride"/>.</summary>
        public SlotMap Map(int stride) => new(baseMinute, magic, shift, System.Array.ConvertAll(slots, ordinal => ordinal * stride));

        public int PeriodOf(int minute) => slots[SlotOf(minute)];

        public LocalDate StartOf(int ordinal) => starts[ordinal];

        private int SlotOf(int minute) => (int)(((ulong)(uint)(minute - baseMinute) * magic) >> shift);
    }

    /// <summary>A fact's minute to its period's offset in a dense group array: one multiply, one shift, one load (0 without periods).</summary>
    internal readonly struct SlotMap(int baseMinute, ulong magic, int shift, int[] offsets)
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public int OffsetOf(int minute) => offsets[(int)(((ulong)(uint)(minute - baseMinute) * magic) >> shift)];
    }
}
