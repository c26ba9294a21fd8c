using AfterSales.Quality.Kpi;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class KpiEngineTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    internal static TicketFact[] RandomFacts(int seed, int count)
    {
        var random = new Random(seed);
        var start = (int)(Instant.FromUtc(2024, 1, 1, 0, 0) - TicketFact.Epoch).TotalMinutes;
        return Enumerable.Range(0, count).Select(_ =>
        {
            var flags = (FactFlags)random.Next(0, 1 << 12);
            return new TicketFact
            {
                ReceivedMinute = start + random.Next(0, 366 * 24 * 60),
                FirstResponseSeconds = random.Next(5) == 0 ? -1 : random.Next(0, 400_000),
                FirstResponseWorkingSeconds = random.Next(0, 100_000),
                HandlingSeconds = random.Next(4) == 0 ? -1 : random.Next(60, 2_000_000),
                Team = (ushort)random.Next(16),
                Agent = (ushort)random.Next(200),
                Product = (ushort)random.Next(40),
                Channel = (byte)random.Next(6),
                Category = (byte)random.Next(4),
                Priority = (byte)random.Next(4),
                Segment = (byte)random.Next(3),
                Flags = flags,
                Csat = (byte)random.Next(0, 6),
                Recommendation = random.Next(5) == 0 ? (byte)255 : (byte)random.Next(0, 14),
                Effort = (byte)random.Next(0, 8),
                Revisits = (byte)(random.Next(0, 3) | (random.Next(0, 2) << 4)),
            };
        }).ToArray();
    }

    internal static FactTable Table(IEnumerable<TicketFact> facts)
    {
        var table = new FactTable();
        foreach (var fact in facts)
        {
            table.Add(fact);
        }

        return table;
    }

    [Property(MaxTest = 100)]
    public void Partials_aggregated_apart_merge_to_the_aggregate_of_all(int seed, PositiveInt partitions)
    {
        var facts = RandomFacts(seed, 2_000);
        var whole = new KpiAggregate(withQuantiles: true);
        foreach (var fact in facts)
        {
            whole.Add(fact);
        }

        var parts = Enumerable.Range(0, partitions.Get % 7 + 1).Select(_ => new KpiAggregate(withQuantiles: true)).ToArray();
        var random = new Random(seed);
        foreach (var fact in facts)
        {
            parts[random.Next(parts.Length)].Add(fact);
        }

        var merged = new KpiAggregate(withQuantiles: true);
        foreach (var part in parts)
        {
            merged.Merge(part);
        }

        Assert.Equal(whole.ToValues() with { FirstResponseStdDevSeconds = null }, merged.ToValues() with { FirstResponseStdDevSeconds = null });
        Assert.Equal(whole.FirstResponseSquares, merged.FirstResponseSquares, 6);
        Assert.Equal((whole.FirstResponseMin, whole.FirstResponseMax, whole.Tickets, whole.CsatSum), (merged.FirstResponseMin, merged.FirstResponseMax, merged.Tickets, merged.CsatSum));
    }

    [Property(MaxTest = 60)]
    public void Every_kpi_equals_a_naive_linq_computation_of_its_formula(int seed)
    {
        var facts = RandomFacts(seed, 1_500);
        var group = KpiEngine.Aggregate(Table(facts), new KpiQuery { WithPercentiles = true }).Single();
        var values = group.Values;
        Assert.Equal((facts.Where(f => f.FirstResponseSeconds >= 0).Min(f => (long)f.FirstResponseSeconds), facts.Max(f => (long)f.FirstResponseSeconds)), (group.Aggregate.FirstResponseMin, group.Aggregate.FirstResponseMax));
        double? Rate(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;
        var responded = facts.Where(f => f.FirstResponseSeconds >= 0).ToArray();
        Assert.Equal(facts.Length, values.Tickets);
        Assert.Equal(responded.Average(f => (double)f.FirstResponseSeconds), values.FirstResponseMeanSeconds!.Value, 6);
        Assert.Equal(facts.Where(f => f.HandlingSeconds >= 0).Average(f => (double)f.HandlingSeconds), values.HandlingMeanSeconds!.Value, 6);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.FirstContactResolution)), facts.Length), values.FirstContactResolutionRate);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Resolved)), facts.Length), values.ResolutionRate);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Inspected | FactFlags.Accurate)), facts.Count(f => f.Has(FactFlags.Inspected))), values.ServiceAccuracy);
        Assert.Equal(facts.Where(f => f.Csat > 0).Average(f => (double)f.Csat), values.CsatMean!.Value, 9);
        Assert.Equal(Rate(facts.Count(f => f.Csat >= 4), facts.Count(f => f.Csat > 0)), values.CsatSatisfiedShare);
        var answered = facts.Where(f => f.Recommendation != 255).ToArray();
        Assert.Equal(100.0 * (answered.Count(f => f.Recommendation is 9 or 10 or 11) - answered.Count(f => f.Recommendation <= 6 || f.Recommendation == 13)) / answered.Length, values.NetPromoterScore!.Value, 9);
        Assert.Equal(facts.Where(f => f.Effort > 0).Average(f => (double)f.Effort), values.CustomerEffortScore!.Value, 9);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Complaint)), facts.Length), values.ComplaintRate);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.FirstResponseSlaDue | FactFlags.FirstResponseSlaMet)), facts.Count(f => f.Has(FactFlags.FirstResponseSlaDue))), values.FirstResponseSlaAttainment);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.ResolutionSlaDue | FactFlags.ResolutionSlaMet)), facts.Count(f => f.Has(FactFlags.ResolutionSlaDue))), values.ResolutionSlaAttainment);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Reopened)), facts.Count(f => f.Has(FactFlags.Resolved))), values.ReopenRate);
        Assert.Equal(Rate(facts.Sum(f => f.Revisits >> 4), facts.Sum(f => f.Revisits & 15)), values.RevisitOnTimeRate);

        // Percentiles within the sketch's 1 % relative error of the exact nearest-rank value.
        var sorted = responded.Select(f => (double)f.FirstResponseSeconds).Order().ToArray();
        foreach (var (q, estimate) in new[] { (0.5, values.FirstResponseP50Seconds), (0.9, values.FirstResponseP90Seconds) })
        {
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            Assert.InRange(estimate!.Value, exact * 0.99 - 1, exact * 1.01 + 1);
        }
    }

    [Property(MaxTest = 30)]
    public void Groups_by_month_in_a_zone_team_and_channel_equal_linq_group_by(int seed)
    {
        var facts = RandomFacts(seed, 3_000);
        var query = new KpiQuery { GroupBy = FactDimension.Team | FactDimension.Channel, Period = KpiPeriod.Month, TimeZone = Shanghai, Filters = new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Priority] = new HashSet<int> { 0, 1 } } };
        var groups = KpiEngine.Aggregate(Table(facts), query, parallelism: 2);
        var expected = facts.Where(f => f.Priority <= 1)
            .GroupBy(f => (Month: f.ReceivedAt.InZone(Shanghai).Date.With(DateAdjusters.StartOfMonth), (int)f.Team, (int)f.Channel))
            .ToDictionary(g => g.Key, g => (Count: g.Count(), Complaints: g.Count(f => f.Has(FactFlags.Complaint))));
        Assert.Equal(expected.Count, groups.Count);
        foreach (var group in groups)
        {
            var key = (group.Key.PeriodStart!.Value, group.Key.Team, group.Key.Channel);
            Assert.Equal(expected[key], ((int)group.Aggregate.Tickets, (int)group.Aggregate.Complaints));
            Assert.Equal((-1, -1), (group.Key.Agent, group.Key.Priority));
        }
    }

    [Fact]
    public void Wide_groupings_beyond_the_dense_layout_give_the_same_groups()
    {
        var facts = RandomFacts(11, 5_000);
        var query = new KpiQuery { GroupBy = FactDimension.Agent | FactDimension.Product | FactDimension.Segment, Period = KpiPeriod.Month, TimeZone = Shanghai, WithPercentiles = true };
        var sparse = KpiEngine.Aggregate(Table(facts), query, parallelism: 2, maxDenseGroups: 1000); // 12 × 200 × 40 × 3 keys do not fit 1,000: the sparse path
        var dense = KpiEngine.Aggregate(Table(facts), query, parallelism: 2);
        var expected = facts.GroupBy(f => (f.ReceivedAt.InZone(Shanghai).Date.With(DateAdjusters.StartOfMonth), (int)f.Agent, (int)f.Product, (int)f.Segment)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Count, sparse.Count);
        Assert.All(sparse, g => Assert.Equal(expected[(g.Key.PeriodStart!.Value, g.Key.Agent, g.Key.Product, g.Key.Segment)], (int)g.Aggregate.Tickets));
        Assert.Equal(sparse.Select(g => (g.Key, g.Values)), dense.Select(g => (g.Key, g.Values)));

        // Every dimension and a period at once (96 key bits) still groups exactly.
        var everything = query with { GroupBy = FactDimension.Team | FactDimension.Agent | FactDimension.Product | FactDimension.Channel | FactDimension.Category | FactDimension.Priority | FactDimension.Segment, Period = KpiPeriod.Day };
        var widest = KpiEngine.Aggregate(Table(facts), everything, 2, 1000);
        var byEverything = facts.GroupBy(f => (f.ReceivedAt.InZone(Shanghai).Date, (int)f.Team, (int)f.Agent, (int)f.Product, (int)f.Channel, (int)f.Category, (int)f.Priority, (int)f.Segment)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(byEverything.Count, widest.Count);
        Assert.All(widest, g => Assert.Equal(byEverything[(g.Key.PeriodStart!.Value, g.Key.Team, g.Key.Agent, g.Key.Product, g.Key.Channel, g.Key.Category, g.Key.Priority, g.Key.Segment)], g.Values.Tickets));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Packed_lane_counters_flush_before_they_overflow(int parallelism)
    {
        // 200,000 facts in one group: more than a 16-bit lane holds, so chunks must flush in between.
        var facts = RandomFacts(5, 200_000);
        var fold = new KpiAggregate();
        foreach (var fact in facts)
        {
            fold.Add(fact);
        }

        var engine = KpiEngine.Aggregate(Table(facts), new KpiQuery(), parallelism).Single().Aggregate;
        Assert.Equal(fold.ToValues() with { FirstResponseStdDevSeconds = null }, engine.ToValues() with { FirstResponseStdDevSeconds = null });
        Assert.Equal(fold.FirstResponseSquares, engine.FirstResponseSquares, 1e-9 * fold.FirstResponseSquares);
        foreach (var property in typeof(KpiAggregate).GetProperties().Where(p => p.PropertyType == typeof(long)))
        {
            Assert.True(Equals(property.GetValue(fold), property.GetValue(engine)), property.Name);
        }

        // And both equal plain LINQ counts well past a 16-bit lane's 65,535.
        Assert.Equal(
            (facts.LongLength, facts.LongCount(f => f.Has(FactFlags.Resolved)), facts.Sum(f => (long)f.Csat), facts.LongCount(f => f.Recommendation is 9 or 10 or 11), facts.Sum(f => (long)(f.Revisits & 15)), facts.LongCount(f => f.Has(FactFlags.ResolutionSlaDue | FactFlags.ResolutionSlaMet))),
            (engine.Tickets, engine.Resolved, engine.CsatSum, engine.Promoters, engine.RevisitsDue, engine.ResolutionSlaMet));
    }

    [Fact]
    public void Empty_groups_and_zero_denominators_give_null_never_nan()
    {
        var values = new KpiAggregate(withQuantiles: true).ToValues();
        Assert.Equal(0, values.Tickets);
        Assert.All(typeof(KpiValues).GetProperties().Where(p => p.PropertyType == typeof(double?)), p => Assert.Null(p.GetValue(values)));
        Assert.Empty(KpiEngine.Aggregate(new FactTable(), new KpiQuery { Period = KpiPeriod.Month }));
        var window = KpiEngine.Aggregate(Table(RandomFacts(1, 100)), new KpiQuery { From = Instant.FromUtc(2030, 1, 1, 0, 0) });
        Assert.Empty(window);
    }

    [Fact]
    public void The_golden_measurement_table_of_the_guides_is_reproduced_from_facts()
    {
        // 1,000 services: FRT 35 s on average, 780 first-contact resolutions, 500 answers of which 440 satisfied (88 %), 12 complaints (1.2 %).
        var facts = Enumerable.Range(0, 1000).Select(i => new TicketFact
        {
            FirstResponseSeconds = i % 2 == 0 ? 30 : 40,
            HandlingSeconds = 600,
            Flags = FactFlags.Resolved | (i < 780 ? FactFlags.FirstContactResolution : 0) | (i < 12 ? FactFlags.Complaint : 0),
            Csat = i >= 500 ? (byte)0 : i < 440 ? (byte)5 : (byte)3,
            Recommendation = 255,
        });
        var values = KpiEngine.Aggregate(Table(facts), new KpiQuery()).Single().Values;
        var rows = KpiMeasurementTable.Build(values,
        [
            new(KpiMetric.FirstResponseTime, TargetDirection.AtMost, 30),
            new(KpiMetric.FirstContactResolution, TargetDirection.AtLeast, 0.85),
            new(KpiMetric.CsatSatisfiedShare, TargetDirection.AtLeast, 0.90),
            new(KpiMetric.ComplaintRate, TargetDirection.AtMost, 0.01),
        ]);
        Assert.Equal([35, 0.78, 0.88, 0.012], rows.Select(r => Math.Round(r.Actual!.Value, 4)));
        Assert.All(rows, r => Assert.False(r.Met));
        Assert.Equal("Σ(first human reply − received) / tickets with a reply", rows[0].Formula);
        var met = KpiMeasurementTable.Build(values, [new(KpiMetric.FirstResponseTime, TargetDirection.AtMost, 35), new(KpiMetric.ServiceAccuracy, TargetDirection.AtLeast, 0.9)]);
        Assert.Equal([true, null], met.Select(r => r.Met));
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(1_000)] // too small for 12 × 16 × 6 keys: the sparse path
    public void A_query_without_counters_counts_tickets_and_keeps_the_percentiles_only(int maxDenseGroups)
    {
        var table = Table(RandomFacts(21, 20_000));
        var full = new KpiQuery { GroupBy = FactDimension.Team | FactDimension.Channel, Period = KpiPeriod.Month, TimeZone = Shanghai, WithPercentiles = true };
        var expected = KpiEngine.Aggregate(table, full, 2, maxDenseGroups);
        var lean = KpiEngine.Aggregate(table, full with { WithCounters = false }, 2, maxDenseGroups);

        Assert.Equal(expected.Select(g => g.Key), lean.Select(g => g.Key));
        foreach (var (whole, percentiles) in expected.Zip(lean))
        {
            Assert.False(percentiles.Aggregate.HasCounters);
            Assert.Equal(
                new KpiValues { Tickets = whole.Values.Tickets, FirstResponseP50Seconds = whole.Values.FirstResponseP50Seconds, FirstResponseP90Seconds = whole.Values.FirstResponseP90Seconds },
                percentiles.Values);
            Assert.Equal((0L, 0L), (percentiles.Aggregate.Resolved, percentiles.Aggregate.FirstResponseSeconds));
        }

        // Counts alone (neither counters nor percentiles) still give every group its tickets.
        var counts = KpiEngine.Aggregate(table, full with { WithCounters = false, WithPercentiles = false }, 2, maxDenseGroups);
        Assert.Equal(expected.Select(g => (g.Key, g.Values.Tickets)), counts.Select(g => (g.Key, g.Values.Tickets)));
        Assert.All(counts, g => Assert.Null(g.Values.FirstResponseP50Seconds));

        // A part without counters leaves a merge without them: never a rate over half the data.
        var merged = new KpiAggregate(withQuantiles: true);
        merged.Merge(expected[0].Aggregate);
        Assert.True(merged.HasCounters);
        merged.Merge(lean[1].Aggregate);
        Assert.False(merged.HasCounters);
        Assert.Equal(expected[0].Values.Tickets + lean[1].Values.Tickets, merged.Tickets);
        Assert.Null(merged.ToValues().ResolutionRate);
    }

    [Property(MaxTest = 40)]
    public void Dense_percentiles_are_the_sketch_of_each_groups_first_responses(int seed)
    {
        // One outlier FRT sizes every partition's bucket blocks for int.MaxValue; each group's sketch still grows only to its own values.
        var facts = RandomFacts(seed, 4_000).Append(RandomFacts(seed, 1)[0] with { FirstResponseSeconds = int.MaxValue }).ToArray();
        var query = new KpiQuery { GroupBy = FactDimension.Priority | FactDimension.Segment, Period = KpiPeriod.Quarter, TimeZone = Shanghai, WithPercentiles = true, WithCounters = seed % 2 == 0 };
        var groups = KpiEngine.Aggregate(Table(facts), query, parallelism: 3);
        var expected = facts
            .GroupBy(f => (f.ReceivedAt.InZone(Shanghai).Date.With(d => new LocalDate(d.Year, ((d.Month - 1) / 3 * 3) + 1, 1)), (int)f.Priority, (int)f.Segment))
            .ToDictionary(g => g.Key, g =>
            {
                var sketch = new QuantileSketch();
                foreach (var fact in g.Where(f => f.FirstResponseSeconds >= 0))
                {
                    sketch.Add(fact.FirstResponseSeconds);
                }

                return (Tickets: (long)g.Count(), sketch.Count, P50: sketch.Quantile(0.5), P90: sketch.Quantile(0.9), Bytes: Convert.ToHexString(sketch.ToBytes()));
            });
        Assert.Equal(expected.Count, groups.Count);
        Assert.All(groups, g => Assert.Equal(
            expected[(g.Key.PeriodStart!.Value, g.Key.Priority, g.Key.Segment)],
            (g.Values.Tickets, g.Aggregate.FirstResponseSketch!.Count, g.Values.FirstResponseP50Seconds, g.Values.FirstResponseP90Seconds, Convert.ToHexString(g.Aggregate.FirstResponseSketch.ToBytes()))));
    }

    public static readonly string[] Zones =
    [
        "UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham",
        "Australia/Lord_Howe", "Pacific/Apia", "America/St_Johns", "Asia/Tehran", "Africa/Casablanca",
        "Europe/Moscow", "Asia/Jerusalem", "Europe/Paris", // transitions before 2000 at odd UTC hours
    ];

    [Property(MaxTest = 80)]
    public void Periods_in_any_zone_are_the_local_calendars_periods(int seed)
    {
        // Facts from 1975 (before the fact epoch) to 2013, in zones with half- and quarter-hour offsets,
        // half-hour daylight saving, and Samoa's skipped day (2011-12-30).
        var random = new Random(seed);
        var zone = DateTimeZoneProviders.Tzdb[Zones[random.Next(Zones.Length)]];
        var period = (KpiPeriod)random.Next(1, 6);
        var from = (int)(Instant.FromUtc(1975, 1, 1, 0, 0) - TicketFact.Epoch).TotalMinutes;
        var to = (int)(Instant.FromUtc(2013, 1, 1, 0, 0) - TicketFact.Epoch).TotalMinutes;
        var near = random.Next(from, to);
        var facts = RandomFacts(seed, 3_000)
            .Select(f => f with { ReceivedMinute = random.Next(3) == 0 ? random.Next(from, to) : near + random.Next(-200_000, 200_000) })
            .ToArray();
        var groups = KpiEngine.Aggregate(Table(facts), new KpiQuery { GroupBy = FactDimension.Segment, Period = period, TimeZone = zone }, parallelism: 2);

        LocalDate Start(LocalDate d) => period switch
        {
            KpiPeriod.Day => d,
            KpiPeriod.IsoWeek => d.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday)),
            KpiPeriod.Month => d.With(DateAdjusters.StartOfMonth),
            KpiPeriod.Quarter => new LocalDate(d.Year, ((d.Month - 1) / 3 * 3) + 1, 1),
            _ => new LocalDate(d.Year, 1, 1),
        };
        var expected = facts.GroupBy(f => (Start(f.ReceivedAt.InZone(zone).Date), (int)f.Segment)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.Count, groups.Count);
        Assert.All(groups, g => Assert.Equal(expected[(g.Key.PeriodStart!.Value, g.Key.Segment)], g.Values.Tickets));
    }

    [Fact]
    public void A_period_grouping_over_centuries_is_refused_by_name_and_a_window_makes_it_fit()
    {
        // One stray fact from 1800 among 2024's: 82,000 days are more periods than a query keeps.
        var facts = RandomFacts(3, 1_000).Append(new TicketFact { ReceivedMinute = (int)((Instant.FromUtc(1800, 6, 1, 0, 0) - TicketFact.Epoch).TotalMinutes) }).ToArray();
        var byDay = new KpiQuery { Period = KpiPeriod.Day, TimeZone = Shanghai };
        var refused = Assert.Throws<ArgumentException>(() => KpiEngine.Aggregate(Table(facts), byDay));
        Assert.Equal("query", refused.ParamName);
        Assert.Contains("time window (From, To)", refused.Message);

        var (from, to) = (Instant.FromUtc(2024, 3, 1, 0, 0), Instant.FromUtc(2024, 6, 1, 0, 0));
        var days = KpiEngine.Aggregate(Table(facts), byDay with { From = from, To = to });
        var expected = facts.Where(f => f.ReceivedAt >= from && f.ReceivedAt < to).GroupBy(f => f.ReceivedAt.InZone(Shanghai).Date).OrderBy(g => g.Key).Select(g => (g.Key, (long)g.Count()));
        Assert.Equal(expected, days.Select(g => (g.Key.PeriodStart!.Value, g.Values.Tickets)));
    }

    [Fact]
    public void A_fact_is_32_bytes()
    {
        Assert.Equal(32, System.Runtime.CompilerServices.Unsafe.SizeOf<TicketFact>());
    }
}
