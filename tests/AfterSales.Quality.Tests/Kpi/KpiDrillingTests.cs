using AfterSales.Quality.Kpi;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class KpiDrillingTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static readonly FactDimension[] Dimensions =
    [
        FactDimension.Team, FactDimension.Agent, FactDimension.Product, FactDimension.Channel, FactDimension.Category, FactDimension.Priority, FactDimension.Segment,
    ];

    // Each period with the coarser periods its periods nest in.
    private static readonly (KpiPeriod Finer, KpiPeriod[] Coarser)[] Nesting =
    [
        (KpiPeriod.None, [KpiPeriod.None]),
        (KpiPeriod.Day, [KpiPeriod.Day, KpiPeriod.IsoWeek, KpiPeriod.Month, KpiPeriod.Quarter, KpiPeriod.HalfYear, KpiPeriod.Year, KpiPeriod.None]),
        (KpiPeriod.IsoWeek, [KpiPeriod.IsoWeek, KpiPeriod.None]),
        (KpiPeriod.Month, [KpiPeriod.Month, KpiPeriod.Quarter, KpiPeriod.HalfYear, KpiPeriod.Year, KpiPeriod.None]),
        (KpiPeriod.Quarter, [KpiPeriod.Quarter, KpiPeriod.HalfYear, KpiPeriod.Year, KpiPeriod.None]),
        (KpiPeriod.HalfYear, [KpiPeriod.HalfYear, KpiPeriod.Year, KpiPeriod.None]),
        (KpiPeriod.Year, [KpiPeriod.Year, KpiPeriod.None]),
    ];


    private static FactDimension RandomDimensions(Random random, FactDimension within, int most)
    {
        var chosen = FactDimension.None;
        foreach (var dimension in Dimensions.Where(d => (within & d) != 0).OrderBy(_ => random.Next()).Take(random.Next(0, most + 1)))
        {
            chosen |= dimension;
        }

        return chosen;
    }

    // Everything but the standard deviation, whose sum of squares is a double merged in another order.
    private static IEnumerable<(KpiGroupKey, KpiValues)> Comparable(IEnumerable<KpiGroup> groups) =>
        groups.Select(g => (g.Key, g.Values with { FirstResponseStdDevSeconds = null }));

    [Property(MaxTest = 60)]
    public void A_roll_up_of_a_result_equals_the_coarser_query_over_the_facts(int seed)
    {
        var random = new Random(seed);
        var table = KpiEngineTests.Table(KpiEngineTests.RandomFacts(seed, 3_000));
        var (finerPeriod, coarserPeriods) = Nesting[random.Next(Nesting.Length)];
        var fine = new KpiQuery
        {
            GroupBy = RandomDimensions(random, FactDimension.Team | FactDimension.Channel | FactDimension.Category | FactDimension.Priority | FactDimension.Segment, 3),
            Period = finerPeriod,
            TimeZone = Shanghai,
            WithPercentiles = random.Next(2) == 0,
            WithCounters = random.Next(4) != 0,
            From = random.Next(2) == 0 ? null : Instant.FromUtc(2024, 2, 10, 7, 30),
            Filters = random.Next(2) == 0 ? new Dictionary<FactDimension, IReadOnlySet<int>>() : new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Priority] = new HashSet<int> { 0, 2 } },
        };
        var coarse = fine with { GroupBy = RandomDimensions(random, fine.GroupBy, 3), Period = coarserPeriods[random.Next(coarserPeriods.Length)] };

        var groups = KpiEngine.Aggregate(table, fine, parallelism: 2);
        var before = Comparable(groups).ToArray();
        var rolled = KpiEngine.RollUp(groups, fine, coarse);

        Assert.Equal(Comparable(KpiEngine.Aggregate(table, coarse, parallelism: 2)), Comparable(rolled));
        Assert.Equal(before, Comparable(groups)); // the input groups are not changed
    }

    [Property(MaxTest = 40)]
    public void A_drill_down_rolled_back_up_gives_the_group_it_drilled_into(int seed)
    {
        var random = new Random(seed);
        var table = KpiEngineTests.Table(KpiEngineTests.RandomFacts(seed, 3_000));
        var query = new KpiQuery
        {
            GroupBy = RandomDimensions(random, FactDimension.Team | FactDimension.Channel | FactDimension.Priority, 2),
            Period = new[] { KpiPeriod.None, KpiPeriod.IsoWeek, KpiPeriod.Month, KpiPeriod.Quarter, KpiPeriod.HalfYear }[random.Next(5)],
            TimeZone = Shanghai,
            WithPercentiles = true,
        };
        var groups = KpiEngine.Aggregate(table, query);
        var group = groups[random.Next(groups.Count)];

        var drill = query.DrillDown(group.Key, query.GroupBy | FactDimension.Agent | FactDimension.Segment, query.Period == KpiPeriod.None ? KpiPeriod.Month : KpiPeriod.Day);
        var inside = KpiEngine.Aggregate(table, drill);
        var back = KpiEngine.RollUp(inside, drill, drill with { GroupBy = query.GroupBy, Period = query.Period == KpiPeriod.IsoWeek ? KpiPeriod.IsoWeek : query.Period });

        Assert.Equal(Comparable([group]), Comparable(back));
        Assert.All(inside, g => Assert.True(g.Key.Agent >= 0 && g.Key.Segment >= 0 && g.Key.PeriodStart is not null));
    }

    [Fact]
    public void Roll_ups_and_drill_downs_that_cannot_be_right_are_refused_with_the_reason()
    {
        var table = KpiEngineTests.Table(KpiEngineTests.RandomFacts(4, 500));
        var byWeek = new KpiQuery { GroupBy = FactDimension.Team, Period = KpiPeriod.IsoWeek, TimeZone = Shanghai };
        var groups = KpiEngine.Aggregate(table, byWeek);

        void Refused(string paramName, string reason, Action call)
        {
            var error = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Equal(paramName, error.ParamName);
            Assert.Contains(reason, error.Message);
        }

        Refused("coarser", "IsoWeek periods do not nest in Month periods", () => KpiEngine.RollUp(groups, byWeek, byWeek with { Period = KpiPeriod.Month }));
        Refused("coarser", "groups by Channel", () => KpiEngine.RollUp(groups, byWeek, byWeek with { GroupBy = FactDimension.Channel }));
        Refused("coarser", "time window and filters", () => KpiEngine.RollUp(groups, byWeek, byWeek with { From = Instant.FromUtc(2024, 3, 1, 0, 0) }));
        Refused("coarser", "zone", () => KpiEngine.RollUp(groups, byWeek, byWeek with { TimeZone = DateTimeZone.Utc }));
        Refused("coarser", "percentiles", () => KpiEngine.RollUp(groups, byWeek, byWeek with { WithPercentiles = true }));
        Refused("group", "no period start", () => byWeek.DrillDown(groups[0].Key with { PeriodStart = null }, FactDimension.Agent, KpiPeriod.Day));
        Refused("group", "has a Channel code", () => byWeek.DrillDown(groups[0].Key with { Channel = 2 }, FactDimension.Agent, KpiPeriod.Day));
        Refused("group", "no Team code", () => byWeek.DrillDown(groups[0].Key with { Team = -1 }, FactDimension.Agent, KpiPeriod.Day));
        Refused("groupBy", "no dimension", () => byWeek.DrillDown(groups[0].Key, (FactDimension)1024, KpiPeriod.Day));
        Refused("period", "not a KPI period", () => byWeek.DrillDown(groups[0].Key, FactDimension.Agent, (KpiPeriod)9));
        Refused("dimension", "single dimension", () => groups[0].Key.CodeOf(FactDimension.Team | FactDimension.Agent));
    }

    [Fact]
    public void Every_bad_field_of_a_query_is_refused_by_name()
    {
        var table = KpiEngineTests.Table(KpiEngineTests.RandomFacts(5, 100));

        void Refused(string field, KpiQuery query, int? parallelism = null)
        {
            var error = Assert.ThrowsAny<ArgumentException>(() => KpiEngine.Aggregate(table, query, parallelism));
            Assert.Contains(field, error.Message);
        }

        Refused("query.GroupBy", new KpiQuery { GroupBy = (FactDimension)4096 });
        Refused("query.Period", new KpiQuery { Period = (KpiPeriod)42 });
        Refused("query.From", new KpiQuery { From = Instant.FromUtc(2024, 5, 1, 0, 0), To = Instant.FromUtc(2024, 4, 1, 0, 0) });
        Refused("query.Filters", new KpiQuery { Filters = null! });
        Refused("query.Filters", new KpiQuery { Filters = new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Team | FactDimension.Agent] = new HashSet<int> { 1 } } });
        Refused("query.Filters[Team]", new KpiQuery { Filters = new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Team] = null! } });
        Refused("parallelism", new KpiQuery(), parallelism: 0);
        Assert.Throws<ArgumentNullException>(() => KpiEngine.Aggregate(null!, new KpiQuery()));
        Assert.Throws<ArgumentNullException>(() => KpiEngine.Aggregate(table, null!));
    }

    [Fact]
    public void A_fact_is_in_a_window_when_its_received_minute_is()
    {
        // Facts at 10:00 and 10:01 (UTC); a window edge at 10:00:30 falls between them.
        var tenOClock = (int)(Instant.FromUtc(2024, 5, 1, 10, 0) - TicketFact.Epoch).TotalMinutes;
        var table = KpiEngineTests.Table([new TicketFact { ReceivedMinute = tenOClock, Team = 1 }, new TicketFact { ReceivedMinute = tenOClock + 1, Team = 2 }]);
        var edge = Instant.FromUtc(2024, 5, 1, 10, 0, 30);

        Assert.Equal([2], KpiEngine.Aggregate(table, new KpiQuery { GroupBy = FactDimension.Team, From = edge }).Select(g => g.Key.Team));
        Assert.Equal([1], KpiEngine.Aggregate(table, new KpiQuery { GroupBy = FactDimension.Team, To = edge }).Select(g => g.Key.Team));
        Assert.Empty(KpiEngine.Aggregate(table, new KpiQuery { From = edge, To = edge }));
    }
}
