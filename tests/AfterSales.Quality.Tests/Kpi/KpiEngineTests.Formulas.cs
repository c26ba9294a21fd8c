using AfterSales.Quality.Kpi;
using FsCheck;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed partial class KpiEngineTests
{
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
        Assert.Equal((facts.Where(f => f.RawFirstResponseSeconds >= 0).Min(f => (long)f.RawFirstResponseSeconds), facts.Max(f => (long)f.RawFirstResponseSeconds)), (group.Aggregate.FirstResponseMin, group.Aggregate.FirstResponseMax));
        double? Rate(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;
        var responded = facts.Where(f => f.RawFirstResponseSeconds >= 0).ToArray();
        Assert.Equal(facts.Length, values.Tickets);
        Assert.Equal(responded.Average(f => (double)f.RawFirstResponseSeconds), values.FirstResponseMeanSeconds!.Value, 6);
        Assert.Equal(facts.Where(f => f.RawHandlingSeconds >= 0).Average(f => (double)f.RawHandlingSeconds), values.HandlingMeanSeconds!.Value, 6);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.FirstContactResolution)), facts.Length), values.FirstContactResolutionRate);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Resolved)), facts.Length), values.ResolutionRate);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Inspected | FactFlags.Accurate)), facts.Count(f => f.Has(FactFlags.Inspected))), values.ServiceAccuracy);
        Assert.Equal(facts.Where(f => f.CsatCode > 0).Average(f => (double)f.CsatCode), values.CsatMean!.Value, 9);
        Assert.Equal(Rate(facts.Count(f => f.CsatCode >= 4), facts.Count(f => f.CsatCode > 0)), values.CsatSatisfiedShare);
        var answered = facts.Where(f => f.RecommendationCode != 255).ToArray();
        Assert.Equal(100.0 * (answered.Count(f => f.RecommendationCode is 9 or 10 or 11) - answered.Count(f => f.RecommendationCode <= 6 || f.RecommendationCode == 13)) / answered.Length, values.NetPromoterScore!.Value, 9);
        Assert.Equal(facts.Where(f => f.EffortCode > 0).Average(f => (double)f.EffortCode), values.CustomerEffortScore!.Value, 9);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Complaint)), facts.Length), values.ComplaintRate);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.FirstResponseSlaDue | FactFlags.FirstResponseSlaMet)), facts.Count(f => f.Has(FactFlags.FirstResponseSlaDue))), values.FirstResponseSlaAttainment);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.ResolutionSlaDue | FactFlags.ResolutionSlaMet)), facts.Count(f => f.Has(FactFlags.ResolutionSlaDue))), values.ResolutionSlaAttainment);
        Assert.Equal(Rate(facts.Count(f => f.Has(FactFlags.Reopened)), facts.Count(f => f.Has(FactFlags.Resolved))), values.ReopenRate);
        Assert.Equal(Rate(facts.Sum(f => f.RevisitsCode >> 4), facts.Sum(f => f.RevisitsCode & 15)), values.RevisitOnTimeRate);

        // Percentiles within the sketch's 1 % relative error of the exact nearest-rank value.
        var sorted = responded.Select(f => (double)f.RawFirstResponseSeconds).Order().ToArray();
        foreach (var (q, estimate) in new[] { (0.5, values.FirstResponseP50Seconds), (0.9, values.FirstResponseP90Seconds) })
        {
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            Assert.InRange(estimate!.Value, exact * 0.99 - 1, exact * 1.01 + 1);
        }
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
            (facts.LongLength, facts.LongCount(f => f.Has(FactFlags.Resolved)), facts.Sum(f => (long)f.CsatCode), facts.LongCount(f => f.RecommendationCode is 9 or 10 or 11), facts.Sum(f => (long)(f.RevisitsCode & 15)), facts.LongCount(f => f.Has(FactFlags.ResolutionSlaDue | FactFlags.ResolutionSlaMet))),
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
            RawFirstResponseSeconds = i % 2 == 0 ? 30 : 40,
            RawHandlingSeconds = 600,
            Flags = FactFlags.Resolved | (i < 780 ? FactFlags.FirstContactResolution : 0) | (i < 12 ? FactFlags.Complaint : 0),
            CsatCode = i >= 500 ? (byte)0 : i < 440 ? (byte)5 : (byte)3,
            RecommendationCode = 255,
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
}
