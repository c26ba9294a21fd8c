using AfterSales.Quality.Kpi;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class KpiPartialTests
{
    private static readonly FactDimension[] Dimensions = KpiKeys.SingleDimensions;

    /// <summary>
    /// One node: its own dictionaries, filled in a node-specific order, so the same team has another code on every node;
    /// the facts are re-encoded from the global codes (a name per code: <c>team-3</c>) into the node's codes.
    /// </summary>
    private static (FactTable Table, FactDimensions Dimensions) Node(IEnumerable<TicketFact> facts, Random random, DateTimeZone zone)
    {
        var dimensions = new FactDimensions();
        var dictionaries = new[] { dimensions.Teams, dimensions.Agents, dimensions.Products, dimensions.Channels, dimensions.Categories, dimensions.Segments };
        foreach (var dictionary in dictionaries)
        {
            foreach (var code in Enumerable.Range(0, 200).OrderBy(_ => random.Next()))
            {
                dictionary.Encode($"{dictionary.Name}-{code}");
            }
        }

        var table = new FactTable(timeZone: zone);
        foreach (var f in facts)
        {
            table.Add(f with
            {
                Team = (ushort)dimensions.Teams.Encode($"team-{f.Team}"),
                Agent = (ushort)dimensions.Agents.Encode($"agent-{f.Agent}"),
                Product = (ushort)dimensions.Products.Encode($"product-{f.Product}"),
                Channel = (byte)dimensions.Channels.Encode($"channel-{f.Channel}"),
                Category = (byte)dimensions.Categories.Encode($"category-{f.Category}"),
                Segment = (byte)dimensions.Segments.Encode($"segment-{f.Segment}"),
            });
        }

        return (table, dimensions);
    }

    private static void AssertSameValues(KpiValues expected, KpiValues actual, KpiPartialKey key)
    {
        foreach (var property in typeof(KpiValues).GetProperties())
        {
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            if (e is double d && a is double b)
            {
                // Sums of squares add in another order across nodes: the standard deviation may differ in its last bits.
                Assert.True(Math.Abs(d - b) <= 1e-9 * Math.Max(1, Math.Abs(d)), $"{key}: {property.Name} {b} ≠ {d}");
            }
            else
            {
                Assert.True(Equals(e, a), $"{key}: {property.Name} {a} ≠ {e}");
            }
        }
    }

    [Property(MaxTest = 60)]
    public void Partials_of_nodes_with_their_own_codes_merge_to_the_query_over_every_fact(int seed)
    {
        var random = new Random(seed);
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var facts = KpiEngineTests.RandomFacts(seed, 1_200);
        var query = new KpiQuery
        {
            GroupBy = Dimensions.Where(_ => random.Next(3) == 0).Aggregate(FactDimension.None, (a, d) => a | d),
            Period = new[] { KpiPeriod.None, KpiPeriod.Day, KpiPeriod.Month, KpiPeriod.Quarter }[random.Next(4)],
            Percentiles = (DurationMeasures)random.Next(0, (int)DurationMeasures.All + 1),
            From = random.Next(2) == 0 ? null : Instant.FromUtc(2024, 3, 1, 0, 0),
        };

        var whole = Node(facts, new Random(seed + 1), zone);
        var expected = KpiPartial.Compute(whole.Table, whole.Dimensions, query);

        var nodes = random.Next(1, 5);
        var shipped = Enumerable.Range(0, nodes)
            .Select(n => Node(facts.Where((_, i) => i % nodes == n), new Random(seed * 7 + n), zone))
            .Select(node => KpiPartial.Compute(node.Table, node.Dimensions, query).ToBytes())
            .ToList();
        var merged = KpiPartial.Merge(shipped);

        Assert.Equal(expected.Groups.Select(g => g.Key), merged.Groups.Select(g => g.Key));
        foreach (var (e, m) in expected.Groups.Zip(merged.Groups))
        {
            AssertSameValues(e.Values, m.Values, e.Key);
        }

        Assert.Null(expected.Shape.Difference(merged.Shape));
        var bytes = merged.ToBytes();
        Assert.Equal(bytes, KpiPartial.FromBytes(bytes).ToBytes()); // the same partial, the same bytes
    }

    [Fact]
    public void A_partial_names_its_keys_and_filters_by_value_and_keeps_the_query_shape()
    {
        var facts = KpiEngineTests.RandomFacts(3, 400);
        var (table, dimensions) = Node(facts, new Random(3), DateTimeZone.Utc);
        var query = new KpiQuery { GroupBy = FactDimension.Team | FactDimension.Priority, Period = KpiPeriod.Month }
            .WithFilter(FactDimension.Channel, dimensions, "channel-1", "channel-2");

        var partial = KpiPartial.Compute(table, dimensions, query);

        Assert.All(partial.Groups, g =>
        {
            Assert.StartsWith("team-", g.Key.Team);
            Assert.Matches("^P[0-3]$", g.Key.Priority);
            Assert.Null(g.Key.Agent);
            Assert.Equal(1, g.Key.PeriodStart!.Value.Day);
        });
        Assert.Equal(["channel-1", "channel-2"], partial.Shape.Filters[FactDimension.Channel]);
        Assert.Equal("UTC", partial.Shape.TimeZoneId);
        Assert.Equal(
            facts.Count(f => f.Channel is 1 or 2),
            partial.Groups.Sum(g => g.Values.Tickets));

        var labelled = KpiEngine.Aggregate(table, query).Select(g => (g.Label(FactDimension.Team, dimensions), g.Values.Tickets)).Order();
        Assert.Equal(labelled, partial.Groups.Select(g => (g.Key.Team, g.Values.Tickets)).Order());
    }

    [Fact]
    public void Partials_of_different_queries_are_refused_with_the_field_that_differs()
    {
        var (table, dimensions) = Node(KpiEngineTests.RandomFacts(5, 300), new Random(5), DateTimeZone.Utc);
        var monthly = KpiPartial.Compute(table, dimensions, new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Month });

        string Refusal(KpiQuery other) => Assert.Throws<ArgumentException>(() =>
            KpiPartial.Merge([monthly, KpiPartial.Compute(table, dimensions, other)])).Message;

        Assert.Contains("partials[1]", Refusal(new KpiQuery { GroupBy = FactDimension.Agent, Period = KpiPeriod.Month }));
        Assert.Contains("GroupBy", Refusal(new KpiQuery { GroupBy = FactDimension.Agent, Period = KpiPeriod.Month }));
        Assert.Contains("Period", Refusal(new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Day }));
        Assert.Contains("TimeZone", Refusal(new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Month, TimeZone = DateTimeZoneProviders.Tzdb["Europe/Berlin"] }));
        Assert.Contains("From", Refusal(new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Month, From = Instant.FromUtc(2024, 5, 1, 0, 0) }));
        Assert.Contains("Percentiles", Refusal(new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Month, WithPercentiles = true }));
        Assert.Contains("Filters", Refusal(new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.Month }.WithFilter(FactDimension.Channel, dimensions, "channel-1")));
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => KpiPartial.Merge(Array.Empty<KpiPartial>())).Message);
        Assert.Contains("partials[0]", Assert.Throws<ArgumentException>(() => KpiPartial.Merge(new KpiPartial[] { null! })).Message);

        // The same query merges with itself: every count doubles.
        var doubled = KpiPartial.Merge([monthly, monthly]);
        Assert.Equal(monthly.Groups.Select(g => g.Values.Tickets * 2), doubled.Groups.Select(g => g.Values.Tickets));
    }

    [Fact]
    public void Bytes_that_are_no_partial_are_refused_as_a_format_error_naming_their_index()
    {
        var (table, dimensions) = Node(KpiEngineTests.RandomFacts(9, 200), new Random(9), DateTimeZone.Utc);
        var bytes = KpiPartial.Compute(table, dimensions, new KpiQuery { GroupBy = FactDimension.Channel, Period = KpiPeriod.Quarter, WithPercentiles = true }).ToBytes();

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => KpiPartial.FromBytes(bytes.AsSpan(0, length)));
        }

        Assert.Contains("after the end", Assert.Throws<FormatException>(() => KpiPartial.FromBytes([.. bytes, 0])).Message);
        Assert.Contains("format version 2", Assert.Throws<FormatException>(() => KpiPartial.FromBytes([2, .. bytes[1..]])).Message);
        Assert.Contains("no dimension", Assert.Throws<FormatException>(() => KpiPartial.FromBytes([1, 0x80, .. bytes[2..]])).Message);
        Assert.StartsWith("partials[1]: partial:", Assert.Throws<FormatException>(() => KpiPartial.Merge([bytes, bytes[..^1]])).Message);
    }

    [Fact]
    public void Groups_from_another_table_are_refused_by_name()
    {
        var (table, _) = Node(KpiEngineTests.RandomFacts(4, 100), new Random(4), DateTimeZone.Utc);
        var query = new KpiQuery { GroupBy = FactDimension.Team };
        var groups = KpiEngine.Aggregate(table, query);

        var error = Assert.Throws<ArgumentException>(() => KpiPartial.FromGroups(groups, query, new FactDimensions(), DateTimeZone.Utc));
        Assert.Equal("groups", error.ParamName);
        Assert.Throws<ArgumentNullException>(() => KpiPartial.FromGroups(groups, query, null!, DateTimeZone.Utc));
        Assert.Throws<ArgumentNullException>(() => KpiPartial.Compute(null!, new FactDimensions(), query));
    }
}
