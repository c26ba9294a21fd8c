using AfterSales.Quality.Kpi;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed partial class KpiEngineTests
{
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
                new KpiValues { Tickets = whole.Values.Tickets, FirstResponseP50Seconds = whole.Values.FirstResponseP50Seconds, FirstResponseP90Seconds = whole.Values.FirstResponseP90Seconds, FirstResponseP95Seconds = whole.Values.FirstResponseP95Seconds },
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
        var facts = RandomFacts(seed, 4_000).Append(RandomFacts(seed, 1)[0] with { RawFirstResponseSeconds = int.MaxValue }).ToArray();
        var query = new KpiQuery { GroupBy = FactDimension.Priority | FactDimension.Segment, Period = KpiPeriod.Quarter, TimeZone = Shanghai, WithPercentiles = true, WithCounters = seed % 2 == 0 };
        var groups = KpiEngine.Aggregate(Table(facts), query, parallelism: 3);
        var expected = facts
            .GroupBy(f => (f.ReceivedAt.InZone(Shanghai).Date.With(d => new LocalDate(d.Year, ((d.Month - 1) / 3 * 3) + 1, 1)), (int)f.PriorityCode, (int)f.Segment))
            .ToDictionary(g => g.Key, g =>
            {
                var sketch = new QuantileSketch();
                foreach (var fact in g.Where(f => f.RawFirstResponseSeconds >= 0))
                {
                    sketch.Add(fact.RawFirstResponseSeconds);
                }

                return (Tickets: (long)g.Count(), sketch.Count, P50: sketch.Quantile(0.5), P90: sketch.Quantile(0.9), Bytes: Convert.ToHexString(sketch.ToBytes()));
            });
        Assert.Equal(expected.Count, groups.Count);
        Assert.All(groups, g => Assert.Equal(
            expected[(g.Key.PeriodStart!.Value, g.Key.Priority, g.Key.Segment)],
            (g.Values.Tickets, g.Aggregate.FirstResponseSketch!.Count, g.Values.FirstResponseP50Seconds, g.Values.FirstResponseP90Seconds, Convert.ToHexString(g.Aggregate.FirstResponseSketch.ToBytes()))));
    }
}
