using AfterSales.Quality.Calendars;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.TimeZones;

namespace AfterSales.Quality.Tests.Calendars;

/// <summary>
/// The calendar's arithmetic against a brute-force oracle that steps minute by minute over the
/// working intervals mapped date by date, on random calendars (several intervals a day, night
/// shifts, holidays, make-up days, short days) in zones with DST gaps and overlaps.
/// </summary>
public sealed class CalendarOracleProperties
{
    private static readonly string[] Zones = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Europe/London"];

    /// <summary>A random calendar and a window of minutes around a DST change or a year end.</summary>
    public sealed record Case(BusinessCalendar Calendar, Instant WindowStart, int WindowMinutes, int Seed)
    {
        public override string ToString() => $"{Calendar} window {WindowStart} +{WindowMinutes} min (seed {Seed})";
    }

    public static Arbitrary<Case> Cases() => Gen.Choose(0, int.MaxValue - 1).Select(Build).ToArbitrary();

    private static Case Build(int seed)
    {
        var random = new Random(seed);
        var zone = DateTimeZoneProviders.Tzdb[Zones[random.Next(Zones.Length)]];
        var builder = new BusinessCalendarBuilder("random", zone);
        WorkingInterval[] Day()
        {
            var intervals = new List<WorkingInterval>();
            var cursor = random.Next(0, 10 * 60);
            for (var n = random.Next(0, 4); n > 0 && cursor < 23 * 60; n--)
            {
                var start = cursor + random.Next(0, 120);
                var end = Math.Min(start + random.Next(1, 8 * 60), 24 * 60);
                if (start >= 24 * 60 || end <= start)
                {
                    break;
                }

                intervals.Add(new WorkingInterval(new LocalTime(start / 60, start % 60), end == 24 * 60 ? LocalTime.Midnight : new LocalTime(end / 60, end % 60)));
                cursor = end;
            }

            if (random.Next(6) == 0 && cursor < 22 * 60)
            {
                // A night shift into the next day.
                var start = Math.Max(cursor, 22 * 60);
                intervals.Add(new WorkingInterval(new LocalTime(start / 60, start % 60), new LocalTime(random.Next(0, 7), random.Next(0, 60)), endsNextDay: true));
            }

            return [.. intervals];
        }

        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            builder.Weekly(day, Day());
        }

        // Windows around the interesting days: DST changes in spring and autumn, year end, leap day.
        var transitions = zone.GetZoneIntervals(Instant.FromUtc(2024, 1, 1, 0, 0), Instant.FromUtc(2025, 1, 1, 0, 0)).Skip(1).Select(i => i.Start.InZone(zone).Date).ToArray();
        var anchors = new[] { new LocalDate(2023, 12, 30), new LocalDate(2024, 2, 28), new LocalDate(2024, 12, 30) };
        var anchor = (transitions.Length > 0 && random.Next(4) != 0 ? transitions[random.Next(transitions.Length)] : anchors[random.Next(anchors.Length)]).PlusDays(-random.Next(0, 4));
        var used = new HashSet<LocalDate>();
        for (var n = random.Next(0, 4); n > 0; n--)
        {
            var date = anchor.PlusDays(random.Next(-2, 8));
            if (used.Add(date))
            {
                switch (random.Next(3))
                {
                    case 0: builder.Holiday(date); break;
                    case 1: builder.ShortDay(date, [new WorkingInterval(new LocalTime(9, 0), new LocalTime(12, 0))]); break;
                    default: builder.MakeUpWorkingDay(date, IsoDayOfWeek.Monday, null, new WorkingInterval(new LocalTime(8, 30), new LocalTime(17, 45))); break;
                }
            }
        }

        BusinessCalendar calendar;
        try
        {
            calendar = builder.Build();
        }
        catch (CalendarConfigurationException)
        {
            // A night shift overlapping a hand-made override is refused; fall back to the weekly hours alone.
            return Build(seed + 1);
        }

        var windowStart = anchor.AtMidnight().InZoneLeniently(zone).ToInstant() + Duration.FromMinutes(random.Next(0, 24 * 60));
        return new Case(calendar, windowStart, 6 * 24 * 60, seed);
    }

    /// <summary>Independent brute force: working minutes found by mapping each date's intervals to instants.</summary>
    private sealed class Oracle
    {
        private readonly List<(Instant Start, Instant End)> spans = [];

        public Oracle(BusinessCalendar calendar, Instant from, Instant to)
        {
            var startResolver = Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);
            var endResolver = Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnStartOfIntervalAfter);
            var zone = calendar.Zone;
            for (var date = from.InZone(zone).Date.PlusDays(-2); date <= to.InZone(zone).Date.PlusDays(1); date = date.PlusDays(1))
            {
                foreach (var interval in calendar.IntervalsOn(date))
                {
                    var s = zone.ResolveLocal(date.AtMidnight().PlusNanoseconds(interval.Start.ToInt64Nanoseconds()), startResolver).ToInstant();
                    var e = zone.ResolveLocal(date.AtMidnight().PlusNanoseconds(interval.End.ToInt64Nanoseconds()), endResolver).ToInstant();
                    spans.Add((s, e));
                }
            }
        }

        public bool IsWorking(Instant t) => spans.Any(s => s.Start <= t && t < s.End);

        public Duration Between(Instant a, Instant b)
        {
            var minutes = 0;
            for (var t = a; t < b; t += Duration.FromMinutes(1))
            {
                minutes += IsWorking(t) ? 1 : 0;
            }

            return Duration.FromMinutes(minutes);
        }

        public Instant Add(Instant a, Duration d)
        {
            var left = (int)d.TotalMinutes;
            var t = a;
            while (left > 0)
            {
                if (IsWorking(t))
                {
                    left--;
                }

                t += Duration.FromMinutes(1);
            }

            return t;
        }

        public Instant Subtract(Instant a, Duration d)
        {
            var left = (int)d.TotalMinutes;
            var t = a;
            while (left > 0)
            {
                t -= Duration.FromMinutes(1);
                if (IsWorking(t))
                {
                    left--;
                }
            }

            return t;
        }
    }

    [Fact]
    public void Generated_calendars_are_varied_so_the_properties_are_not_vacuous()
    {
        var cases = Enumerable.Range(0, 300).Select(Build).ToArray();
        var withWork = cases.Count(c => c.Calendar.WorkingTimeBetween(c.WindowStart, c.WindowStart + Duration.FromMinutes(c.WindowMinutes)) > Duration.Zero);
        var withDstChange = cases.Count(c => c.Calendar.Zone.GetZoneIntervals(c.WindowStart, c.WindowStart + Duration.FromMinutes(c.WindowMinutes)).Count() > 1);
        var withNightShift = cases.Count(c => Enumerable.Range(1, 7).Any(d => c.Calendar.IntervalsOn(new LocalDate(2024, 1, d)).Any(i => i.EndsNextDay)));
        var withOverrides = cases.Count(c => c.Calendar.HolidayNames.Count > 0 || Enumerable.Range(-3, 12).Any(d => !c.Calendar.IntervalsOn(c.WindowStart.InZone(c.Calendar.Zone).Date.PlusDays(d)).SequenceEqual(c.Calendar.IntervalsOn(c.WindowStart.InZone(c.Calendar.Zone).Date.PlusDays(d + 7)))));
        Assert.True(withWork > 250, $"{withWork} of 300 calendars have working time in their window");
        Assert.True(withDstChange > 40, $"{withDstChange} windows contain a DST change");
        Assert.True(withNightShift > 60, $"{withNightShift} calendars have a night shift");
        Assert.True(withOverrides > 100, $"{withOverrides} calendars have holidays, short or make-up days near their window");
    }

    private static Instant Minute(Case c, int offset) => c.WindowStart + Duration.FromMinutes(offset);

    [Property(MaxTest = 300, Arbitrary = [typeof(CalendarOracleProperties)])]
    public void Between_and_is_working_agree_with_minute_stepping(Case c, PositiveInt first, PositiveInt second)
    {
        var a = Minute(c, first.Get % (c.WindowMinutes / 2));
        var b = a + Duration.FromMinutes(second.Get % (c.WindowMinutes / 2));
        var oracle = new Oracle(c.Calendar, c.WindowStart, c.WindowStart + Duration.FromMinutes(c.WindowMinutes + 1));
        Assert.Equal(oracle.Between(a, b), c.Calendar.WorkingTimeBetween(a, b));
        Assert.Equal(oracle.IsWorking(a), c.Calendar.IsWorking(a));
        Assert.Equal(-c.Calendar.WorkingTimeBetween(a, b), c.Calendar.WorkingTimeBetween(b, a));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(CalendarOracleProperties)])]
    public void Add_agrees_with_minute_stepping_and_inverts_between(Case c, PositiveInt start, PositiveInt minutes)
    {
        var a = Minute(c, start.Get % (c.WindowMinutes / 3));
        var oracle = new Oracle(c.Calendar, c.WindowStart, c.WindowStart + Duration.FromDays(40));
        var available = oracle.Between(a, c.WindowStart + Duration.FromMinutes(c.WindowMinutes));
        if (available == Duration.Zero)
        {
            return;
        }

        var d = Duration.FromMinutes(minutes.Get % (int)available.TotalMinutes + 1);
        var added = c.Calendar.AddWorkingTime(a, d);
        Assert.Equal(oracle.Add(a, d), added);
        Assert.Equal(d, c.Calendar.WorkingTimeBetween(a, added));
        Assert.Equal(a, c.Calendar.AddWorkingTime(a, Duration.Zero));
    }

    [Property(MaxTest = 400, Arbitrary = [typeof(CalendarOracleProperties)])]
    public void Negative_add_agrees_with_stepping_back_and_inverts_between(Case c, PositiveInt start, PositiveInt minutes)
    {
        var a = Minute(c, c.WindowMinutes - 1 - (start.Get % (c.WindowMinutes / 3)));
        var oracle = new Oracle(c.Calendar, c.WindowStart - Duration.FromDays(1), c.WindowStart + Duration.FromMinutes(c.WindowMinutes + 1));
        var available = oracle.Between(c.WindowStart, a);
        if (available == Duration.Zero)
        {
            return;
        }

        var d = Duration.FromMinutes(minutes.Get % (int)available.TotalMinutes + 1);
        var back = c.Calendar.AddWorkingTime(a, -d);
        Assert.Equal(oracle.Subtract(a, d), back);
        Assert.Equal(d, c.Calendar.WorkingTimeBetween(back, a));
        Assert.Equal(-d, c.Calendar.WorkingTimeBetween(a, back));

        // The latest such instant: a minute later, less working time lies before a (unless the minute is not working).
        Assert.True(c.Calendar.IsWorking(back));

        // Going forward again from there lands at or before a, and on a when a is inside working time.
        var forward = c.Calendar.AddWorkingTime(back, d);
        Assert.True(forward <= a);
        Assert.Equal(d, c.Calendar.WorkingTimeBetween(back, forward));
    }

    /// <summary>A zone and two instants up to a few years apart for the 24×7 fast path.</summary>
    public static Arbitrary<(string Zone, long A, long B, long D)> Spans() =>
        Gen.Choose(0, int.MaxValue - 1).Select(seed =>
        {
            var random = new Random(seed);
            var a = Instant.FromUtc(1705, 1, 1, 0, 0) + Duration.FromMinutes(random.NextInt64(0, 552L * 366 * 24 * 60)); // b stays inside 1701..2261
            var b = a + Duration.FromMinutes(random.Next(-3 * 366 * 24 * 60, 3 * 366 * 24 * 60));
            return (Zones[random.Next(Zones.Length)], a.ToUnixTimeTicks(), b.ToUnixTimeTicks(), Duration.FromMinutes(random.Next(-200_000, 200_000)).BclCompatibleTicks);
        }).ToArbitrary();

    [Property(MaxTest = 400, Arbitrary = [typeof(CalendarOracleProperties)])]
    public void The_24x7_fast_path_answers_what_the_year_tables_answer((string Zone, long A, long B, long D) span)
    {
        var zone = DateTimeZoneProviders.Tzdb[span.Zone];
        var fast = BusinessCalendar.TwentyFourSeven(zone);
        var builder = new BusinessCalendarBuilder("tables", zone);
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            builder.Weekly(day, WorkingInterval.Parse("00:00-24:00"));
        }

        // One override (a whole working day) keeps the calendar off the fast path with the same hours.
        var tables = builder.ShortDay(new LocalDate(1701, 1, 3), [WorkingInterval.Parse("00:00-24:00")]).Build();
        Assert.True(fast.IsTwentyFourSeven);
        Assert.False(tables.IsTwentyFourSeven);
        var (a, b, d) = (Instant.FromUnixTimeTicks(span.A), Instant.FromUnixTimeTicks(span.B), Duration.FromTicks(span.D));
        Assert.Equal(tables.IsWorking(a), fast.IsWorking(a));
        Assert.Equal(tables.WorkingTimeBetween(a, b), fast.WorkingTimeBetween(a, b));
        Assert.Equal(b - a, fast.WorkingTimeBetween(a, b));
        Assert.Equal(tables.AddWorkingTime(a, d), fast.AddWorkingTime(a, d));
        Assert.Equal(tables.NextWorkingInstant(a), fast.NextWorkingInstant(a));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(CalendarOracleProperties)])]
    public void Laws_hold_between_any_three_instants(Case c, PositiveInt x, PositiveInt y, PositiveInt z, PositiveInt d1, PositiveInt d2)
    {
        var points = new[] { x, y, z }.Select(p => Minute(c, p.Get % c.WindowMinutes)).Order().ToArray();
        var (a, b, m) = (points[0], points[2], points[1]);
        var calendar = c.Calendar;

        // Additivity.
        Assert.Equal(calendar.WorkingTimeBetween(a, b), calendar.WorkingTimeBetween(a, m) + calendar.WorkingTimeBetween(m, b));

        // Add is monotone in the duration.
        var (small, large) = (Duration.FromMinutes(Math.Min(d1.Get, d2.Get) % 5000), Duration.FromMinutes(Math.Max(d1.Get, d2.Get) % 5000));
        if (small <= large)
        {
            Assert.True(calendar.AddWorkingTime(a, small) <= calendar.AddWorkingTime(a, large));
        }

        // Adding the working time between a and b lands on b when b is strictly inside working time
        // (b and the minute before it are both working); otherwise on the end of the last working interval before b.
        var between = calendar.WorkingTimeBetween(a, b);
        if (between > Duration.Zero && calendar.IsWorking(b) && calendar.IsWorking(b - Duration.FromMinutes(1)))
        {
            Assert.Equal(b, calendar.AddWorkingTime(a, between));
        }
        else
        {
            Assert.True(calendar.AddWorkingTime(a, between) <= b);
        }

        // The next working instant is working and nothing between is.
        var next = calendar.NextWorkingInstant(a);
        Assert.True(calendar.IsWorking(next));
        Assert.Equal(Duration.Zero, calendar.WorkingTimeBetween(a, next));
    }
}
