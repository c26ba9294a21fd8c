using AfterSales.Quality.Kpi;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed partial class KpiEngineTests
{
    [Property(MaxTest = 30)]
    public void Groups_by_month_in_a_zone_team_and_channel_equal_linq_group_by(int seed)
    {
        var facts = RandomFacts(seed, 3_000);
        var query = new KpiQuery { GroupBy = FactDimension.Team | FactDimension.Channel, Period = KpiPeriod.Month, TimeZone = Shanghai, Filters = new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Priority] = new HashSet<int> { 0, 1 } } };
        var groups = KpiEngine.Aggregate(Table(facts), query, parallelism: 2);
        var expected = facts.Where(f => f.PriorityCode <= 1)
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
        var byEverything = facts.GroupBy(f => (f.ReceivedAt.InZone(Shanghai).Date, (int)f.Team, (int)f.Agent, (int)f.Product, (int)f.Channel, (int)f.Category, (int)f.PriorityCode, (int)f.Segment)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(byEverything.Count, widest.Count);
        Assert.All(widest, g => Assert.Equal(byEverything[(g.Key.PeriodStart!.Value, g.Key.Team, g.Key.Agent, g.Key.Product, g.Key.Channel, g.Key.Category, g.Key.Priority, g.Key.Segment)], g.Values.Tickets));
    }

    [Theory]
    [InlineData(FactDimension.Team)] // about 100 values a group: lists switch to flat blocks
    [InlineData(FactDimension.Team | FactDimension.Channel)] // about 17: lists only
    [InlineData(FactDimension.Team | FactDimension.Category)] // about 26-40: some switch
    public void Percentiles_counted_as_value_lists_or_flat_blocks_equal_the_sparse_paths_sketches(FactDimension by)
    {
        var facts = RandomFacts(29, 20_000);
        var query = new KpiQuery { GroupBy = by, Period = KpiPeriod.Month, TimeZone = Shanghai, Percentiles = DurationMeasures.All };
        var sparse = KpiEngine.Aggregate(Table(facts), query, parallelism: 2, maxDenseGroups: 1);
        var dense = KpiEngine.Aggregate(Table(facts), query, parallelism: 2);
        Assert.Equal(sparse.Select(g => (g.Key, g.Values)), dense.Select(g => (g.Key, g.Values)));
        Assert.Contains(dense, g => g.Values.FirstResponseP90Seconds is not null);
    }

    /// <summary>Dictionaries whose codes are the ones <see cref="RandomFacts"/> draws: "team-0".."team-15", "channel-0".., and so on.</summary>
    private static FactDimensions NamedDimensions()
    {
        var dimensions = new FactDimensions();
        foreach (var (dictionary, count) in new[] { (dimensions.Teams, 16), (dimensions.Agents, 200), (dimensions.Products, 40), (dimensions.Channels, 6), (dimensions.Categories, 4), (dimensions.Segments, 3) })
        {
            for (var i = 0; i < count; i++)
            {
                dictionary.Encode($"{dictionary.Name}-{i}");
            }
        }

        return dimensions;
    }

    [Property(MaxTest = 40)]
    public void Labels_name_each_grouped_value_and_a_filter_by_names_equals_the_filter_by_codes(int seed)
    {
        var random = new Random(seed);
        var dimensions = NamedDimensions();
        var facts = RandomFacts(seed, 2_000);
        var table = Table(facts);
        FactDimension[] single = [FactDimension.Team, FactDimension.Agent, FactDimension.Product, FactDimension.Channel, FactDimension.Category, FactDimension.Priority, FactDimension.Segment];
        var grouped = single[random.Next(single.Length)];
        var filtered = single[random.Next(single.Length)];
        var codes = facts.Select(f => KeyCode(f, filtered)).Distinct().Where(_ => random.Next(2) == 0).Take(3).DefaultIfEmpty(KeyCode(facts[0], filtered)).ToHashSet();
        var names = codes.Select(c => dimensions.NameOf(filtered, c)).ToArray();

        var byCodes = KpiEngine.Aggregate(table, new KpiQuery { GroupBy = grouped, Filters = new Dictionary<FactDimension, IReadOnlySet<int>> { [filtered] = codes } });
        var byNames = KpiEngine.Aggregate(table, new KpiQuery { GroupBy = grouped }.WithFilter(filtered, dimensions, names));
        Assert.Equal(byCodes.Select(g => (g.Key, g.Values)), byNames.Select(g => (g.Key, g.Values)));

        // A label is the dictionary's name of the group's code, and null for a dimension not grouped by.
        var expected = facts.Where(f => codes.Contains(KeyCode(f, filtered))).GroupBy(f => KeyCode(f, grouped)).ToDictionary(g => dimensions.NameOf(grouped, g.Key), g => (long)g.Count());
        Assert.Equal(expected, byNames.ToDictionary(g => g.Label(grouped, dimensions)!, g => g.Values.Tickets));
        Assert.All(byNames, g => Assert.All(single.Where(d => d != grouped), d => Assert.Null(g.Label(d, dimensions))));
        if (grouped == FactDimension.Priority)
        {
            Assert.All(byNames, g => Assert.Equal(g.Label(grouped, dimensions), g.Key.TicketPriority.ToString()));
        }
    }

    private static int KeyCode(TicketFact fact, FactDimension dimension) => dimension switch
    {
        FactDimension.Team => fact.Team,
        FactDimension.Agent => fact.Agent,
        FactDimension.Product => fact.Product,
        FactDimension.Channel => fact.Channel,
        FactDimension.Category => fact.Category,
        FactDimension.Priority => fact.PriorityCode,
        _ => fact.Segment,
    };

    [Fact]
    public void A_filter_by_names_refuses_an_unknown_name_by_its_index_and_untriaged_tickets_are_named_none()
    {
        var dimensions = NamedDimensions();
        var query = new KpiQuery();
        var unknown = Assert.Throws<ArgumentException>(() => query.WithFilter(FactDimension.Channel, dimensions, "channel-1", "fax"));
        Assert.Equal("names", unknown.ParamName);
        Assert.Contains("names[1]", unknown.Message);
        Assert.Contains("'fax'", unknown.Message);
        Assert.Contains("names", Assert.Throws<ArgumentException>(() => query.WithFilter(FactDimension.Team, dimensions)).Message);
        Assert.Throws<ArgumentException>(() => query.WithFilter(FactDimension.Priority, dimensions, "1")); // a code is not a name
        Assert.Throws<ArgumentOutOfRangeException>(() => query.WithFilter(FactDimension.Team | FactDimension.Agent, dimensions, "team-1"));
        Assert.Empty(query.Filters); // the refused calls changed nothing

        // Untriaged tickets (no priority yet) are their own group, named "(none)", with no TicketPriority.
        var facts = RandomFacts(4, 300).Select((f, i) => i % 3 == 0 ? f with { Priority = null } : f).ToArray();
        var groups = KpiEngine.Aggregate(Table(facts), new KpiQuery { GroupBy = FactDimension.Priority }.WithFilter(FactDimension.Priority, dimensions, "(none)", "P2"));
        Assert.Equal(["P2", "(none)"], groups.Select(g => g.Label(FactDimension.Priority, dimensions)));
        Assert.Equal([AfterSales.Quality.Prioritization.Priority.P2, null], groups.Select(g => g.Key.TicketPriority));
        Assert.Equal(facts.Count(f => f.Priority is null), groups[1].Values.Tickets);
    }
}

/// <summary>Groups of more facts than a lane holds (65,535 per partition): the dense path's wide counters take over and give the sparse path's counters exactly.</summary>
public sealed class KpiEngineLaneOverflowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Groups_beyond_a_lanes_capacity_count_exactly_what_the_sparse_path_counts(int parallelism)
    {
        var table = KpiEngineTests.Table(KpiEngineTests.RandomFacts(20261205, 420_000));
        var query = new KpiQuery { GroupBy = FactDimension.Segment }; // 3 groups of ≈ 140,000 facts: every partition's lanes fill
        var dense = KpiEngine.Aggregate(table, query, parallelism);
        var sparse = KpiEngine.Aggregate(table, query, parallelism, maxDenseGroups: 0);
        Assert.Equal(3, dense.Count);
        Assert.True(dense.Max(g => g.Aggregate.Tickets) > 65_535 * parallelism); // more facts in a group than one partition's lane holds
        Assert.Equal(sparse.Select(g => g.Key), dense.Select(g => g.Key));
        foreach (var (d, s) in dense.Zip(sparse))
        {
            Assert.Equal(
                (s.Aggregate.Tickets, s.Aggregate.Resolved, s.Aggregate.FirstContactResolved, s.Aggregate.Complaints, s.Aggregate.Reopened, s.Values.FirstResponseMeanSeconds, s.Values.CsatMean, s.Values.NetPromoterScore, s.Values.TransferRate, s.Values.ReplyMeanSeconds, s.Values.ResolutionWorkingMeanSeconds, s.Values.RevisitOnTimeRate),
                (d.Aggregate.Tickets, d.Aggregate.Resolved, d.Aggregate.FirstContactResolved, d.Aggregate.Complaints, d.Aggregate.Reopened, d.Values.FirstResponseMeanSeconds, d.Values.CsatMean, d.Values.NetPromoterScore, d.Values.TransferRate, d.Values.ReplyMeanSeconds, d.Values.ResolutionWorkingMeanSeconds, d.Values.RevisitOnTimeRate));
        }
    }
}
