using AfterSales.Quality.Kpi;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed partial class KpiEngineTests
{
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
        var period = (KpiPeriod)random.Next(1, 7);
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
            KpiPeriod.HalfYear => new LocalDate(d.Year, d.Month < 7 ? 1 : 7, 1),
            _ => new LocalDate(d.Year, 1, 1),
        };
        var expected = facts.GroupBy(f => (Start(f.ReceivedAt.InZone(zone).Date), (int)f.Segment)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.Count, groups.Count);
        Assert.All(groups, g => Assert.Equal(expected[(g.Key.PeriodStart!.Value, g.Key.Segment)], g.Values.Tickets));
    }

    [Fact]
    public void A_half_year_runs_january_to_june_and_july_to_december_in_the_query_zone()
    {
        // 2024-06-30 23:30 Shanghai is still the first half; 00:10 on 1 July (16:10 UTC on 30 June) is the second.
        static TicketFact At(int month, int day, int hour, int minute) => new()
        {
            ReceivedMinute = (int)((new LocalDateTime(2024, month, day, hour, minute).InZoneStrictly(Shanghai).ToInstant() - TicketFact.Epoch).TotalMinutes),
        };
        var table = Table([At(1, 1, 0, 5), At(3, 15, 9, 0), At(6, 30, 23, 30), At(7, 1, 0, 10), At(12, 31, 23, 59)]);
        var halves = KpiEngine.Aggregate(table, new KpiQuery { Period = KpiPeriod.HalfYear, TimeZone = Shanghai });
        Assert.Equal([(new LocalDate(2024, 1, 1), 3L), (new LocalDate(2024, 7, 1), 2L)], halves.Select(g => (g.Key.PeriodStart!.Value, g.Values.Tickets)));

        // The two halves are the roll-up of the four quarters.
        var quarters = new KpiQuery { Period = KpiPeriod.Quarter, TimeZone = Shanghai };
        var rolled = KpiEngine.RollUp(KpiEngine.Aggregate(table, quarters), quarters, quarters with { Period = KpiPeriod.HalfYear });
        Assert.Equal(halves.Select(g => (g.Key, g.Values.Tickets)), rolled.Select(g => (g.Key, g.Values.Tickets)));
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

    [Property(MaxTest = 40)]
    public void A_query_naming_no_zone_takes_the_fact_tables_zone(int seed)
    {
        var random = new Random(seed);
        var zone = DateTimeZoneProviders.Tzdb[Zones[random.Next(Zones.Length)]];
        var period = (KpiPeriod)random.Next(1, 7);
        var table = new FactTable(timeZone: zone);
        foreach (var fact in RandomFacts(seed, 2_000))
        {
            table.Add(fact);
        }

        var implicitZone = KpiEngine.Aggregate(table, new KpiQuery { GroupBy = FactDimension.Channel, Period = period });
        var named = KpiEngine.Aggregate(table, new KpiQuery { GroupBy = FactDimension.Channel, Period = period, TimeZone = zone });
        Assert.Equal(named.Select(g => (g.Key, g.Values)), implicitZone.Select(g => (g.Key, g.Values)));
        Assert.Equal(DateTimeZone.Utc, new FactTable().TimeZone);

        // A drill-down turns a period into instants, so it needs the zone named.
        var refused = Assert.Throws<ArgumentException>(() => new KpiQuery { Period = period }.DrillDown(implicitZone[0].Key with { Channel = -1 }, FactDimension.Agent, KpiPeriod.Day));
        Assert.Contains("query.TimeZone", refused.Message);
    }
}
