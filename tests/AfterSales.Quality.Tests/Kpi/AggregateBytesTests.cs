using AfterSales.Quality.Kpi;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class AggregateBytesTests
{
    private static KpiAggregate Fold(IEnumerable<TicketFact> facts, bool withQuantiles)
    {
        var aggregate = new KpiAggregate(withQuantiles);
        foreach (var fact in facts)
        {
            aggregate.Add(fact);
        }

        return aggregate;
    }

    private static object?[] Everything(KpiAggregate a) =>
        [.. typeof(KpiAggregate).GetProperties().Where(p => p.PropertyType != typeof(QuantileSketch)).Select(p => p.GetValue(a)), a.ToValues(), a.FirstResponseSketch?.Count,
         a.FirstResponseSketch?.Quantile(0.5), a.FirstResponseSketch?.Quantile(0.9), a.FirstResponseSketch?.Quantile(0.99)];

    [Property(MaxTest = 100)]
    public void Partials_sent_as_bytes_to_another_node_merge_to_what_the_originals_merge_to(int seed, bool withQuantiles)
    {
        var facts = KpiEngineTests.RandomFacts(seed, 1_500);
        var random = new Random(seed);
        var nodes = random.Next(1, 6);
        var partials = Enumerable.Range(0, nodes).Select(n => Fold(facts.Where((_, i) => i % nodes == n), withQuantiles)).ToArray();

        var direct = new KpiAggregate(withQuantiles);
        var shipped = new KpiAggregate(withQuantiles);
        foreach (var partial in partials)
        {
            var bytes = partial.ToBytes();
            var received = KpiAggregate.FromBytes(bytes);
            Assert.Equal(bytes, received.ToBytes()); // the same aggregate, the same bytes
            direct.Merge(partial);
            shipped.Merge(received);
        }

        Assert.Equal(Everything(direct), Everything(shipped));
        Assert.Equal(Everything(Fold(facts, withQuantiles)).Where(v => v is not KpiValues and not double), Everything(shipped).Where(v => v is not KpiValues and not double));

        var percentilesOnly = KpiAggregate.FromBytes(KpiEngine.Aggregate(KpiEngineTests.Table(facts), new KpiQuery { WithPercentiles = true, WithCounters = false }).Single().Aggregate.ToBytes());
        Assert.False(percentilesOnly.HasCounters);
        Assert.Equal(facts.Length, percentilesOnly.Tickets);
    }

    [Fact]
    public void Bytes_that_are_no_aggregate_are_refused_as_a_format_error()
    {
        var aggregate = Fold(KpiEngineTests.RandomFacts(8, 300), withQuantiles: true);
        var bytes = aggregate.ToBytes();

        // Every truncation, trailing data, another version, unknown parts: FormatException, never anything else.
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => KpiAggregate.FromBytes(bytes.AsSpan(0, length)));
        }

        Assert.Contains("after the end", Assert.Throws<FormatException>(() => KpiAggregate.FromBytes([.. bytes, 0])).Message);
        Assert.Contains("format version 1", Assert.Throws<FormatException>(() => KpiAggregate.FromBytes([1, .. bytes[1..]])).Message); // the 29-counter form before the new measures
        Assert.Contains("format version 3", Assert.Throws<FormatException>(() => KpiAggregate.FromBytes([3, .. bytes[1..]])).Message);
        Assert.Contains("unknown parts", Assert.Throws<FormatException>(() => KpiAggregate.FromBytes([2, 0x40, .. bytes[2..]])).Message);

        var sketch = aggregate.FirstResponseSketch!.ToBytes();
        Assert.Equal(aggregate.FirstResponseSketch.Quantile(0.9), QuantileSketch.FromBytes(sketch).Quantile(0.9));
        Assert.Contains("buckets", Assert.Throws<FormatException>(() => QuantileSketch.FromBytes([1, 0, 5])).Message); // 5 buckets: not a whole exponent
        Assert.Contains("negative", Assert.Throws<FormatException>(() => QuantileSketch.FromBytes([1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0])).Message); // a zero count of −1
        Assert.Throws<FormatException>(() => QuantileSketch.FromBytes([1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
    }

    [Fact]
    public void Merging_a_part_without_counters_or_sketch_drops_them_whichever_side_it_is_on()
    {
        var facts = KpiEngineTests.RandomFacts(12, 500);
        var lean = KpiEngine.Aggregate(KpiEngineTests.Table(facts), new KpiQuery { WithPercentiles = true, WithCounters = false }).Single().Aggregate;
        var noSketch = Fold(facts, withQuantiles: false);

        var fullThenLean = Fold(facts, withQuantiles: true);
        fullThenLean.Merge(lean);
        var leanThenFull = KpiAggregate.FromBytes(lean.ToBytes());
        leanThenFull.Merge(Fold(facts, withQuantiles: true));
        foreach (var merged in new[] { fullThenLean, leanThenFull })
        {
            Assert.False(merged.HasCounters);
            Assert.Equal((1_000L, 0L, 0L), (merged.Tickets, merged.Resolved, merged.CsatSum));
            Assert.Equal(merged.ToBytes(), KpiAggregate.FromBytes(merged.ToBytes()).ToBytes());
            Assert.NotNull(merged.ToValues().FirstResponseP90Seconds);
        }

        var sketchThenNone = Fold(facts, withQuantiles: true);
        sketchThenNone.Merge(noSketch);
        var noneThenSketch = Fold(facts, withQuantiles: false);
        noneThenSketch.Merge(Fold(facts, withQuantiles: true));
        Assert.All(new[] { sketchThenNone, noneThenSketch }, m => Assert.Null(m.FirstResponseSketch));
        Assert.All(new[] { sketchThenNone, noneThenSketch }, m => Assert.Null(m.ToValues().FirstResponseP50Seconds));
        Assert.Equal(1_000, sketchThenNone.Tickets);
    }

    [Fact]
    public void Counters_out_of_their_range_are_a_format_error()
    {
        var bytes = Fold(KpiEngineTests.RandomFacts(9, 10), withQuantiles: false).ToBytes();
        var negativeTickets = new byte[] { 2, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }.Concat(bytes[3..]).ToArray(); // Tickets = −1 (bytes[2] was 10)
        Assert.Contains("below its range", Assert.Throws<FormatException>(() => KpiAggregate.FromBytes(negativeTickets)).Message);
        var countersWithoutPart = new byte[] { 2, 0 }.Concat(bytes[2..]).ToArray();
        Assert.Contains("without the counters part", Assert.Throws<FormatException>(() => KpiAggregate.FromBytes(countersWithoutPart)).Message);
    }

}
