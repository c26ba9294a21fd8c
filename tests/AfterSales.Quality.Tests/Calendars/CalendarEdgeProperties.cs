using AfterSales.Quality.Calendars;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Calendars;

/// <summary>
/// Calendar operations at the edges: random calendars (empty ones, 24×7 ones and sparse ones
/// included) × instants across the whole supported range and beyond × durations from zero to
/// centuries and negative. Every call answers inside the supported range or throws one of the
/// documented exceptions, naming the caller's argument — never an index error.
/// </summary>
public sealed class CalendarEdgeProperties
{
    private static readonly Instant MinSupported = Instant.FromUtc(1701, 1, 1, 0, 0);
    private static readonly Instant MaxSupported = Instant.FromUtc(2261, 1, 1, 0, 0);
    private static readonly string[] Zones = ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"];

    /// <summary>A random calendar and random arguments.</summary>
    public sealed record Case(BusinessCalendar Calendar, Instant First, Instant Second, Duration WorkingTime, LocalDate Date, int Days, int Seed)
    {
        public override string ToString() => $"{Calendar} first {First} second {Second} add {WorkingTime} date {Date} days {Days} (seed {Seed})";
    }

    public static Arbitrary<Case> Cases() => Gen.Choose(0, int.MaxValue - 1).Select(Build).ToArbitrary();

    internal static BusinessCalendar RandomCalendar(Random random)
    {
        var zone = DateTimeZoneProviders.Tzdb[Zones[random.Next(Zones.Length)]];
        var builder = new BusinessCalendarBuilder("edge", zone);
        var kind = random.Next(4);
        if (kind == 0)
        {
            return builder.Build(); // no working hours at all
        }

        if (kind == 1)
        {
            return BusinessCalendar.TwentyFourSeven(zone);
        }

        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            // Sparse calendars too: a single working weekday, or a single minute a week.
            if (random.Next(kind == 2 ? 7 : 2) == 0)
            {
                var start = random.Next(0, 23 * 60);
                var end = Math.Min(24 * 60, start + 1 + random.Next(0, 10 * 60));
                builder.Weekly(day, new WorkingInterval(new LocalTime(start / 60, start % 60), end == 24 * 60 ? LocalTime.Midnight : new LocalTime(end / 60, end % 60)));
            }
        }

        // Holidays near both ends of the range and in the middle.
        foreach (var year in new[] { 1701, 2024, 2260 })
        {
            for (var n = random.Next(0, 3); n > 0; n--)
            {
                var date = new LocalDate(year, 1, 1).PlusDays(random.Next(0, 365));
                if (random.Next(2) == 0)
                {
                    builder.Holiday(date);
                }
                else
                {
                    builder.ShortDay(date, [new WorkingInterval(new LocalTime(10, 0), new LocalTime(11, 0))]);
                }
            }
        }

        try
        {
            return builder.Build();
        }
        catch (CalendarConfigurationException)
        {
            return BusinessCalendar.TwentyFourSeven(zone); // a date drawn twice
        }
    }

    private static Case Build(int seed)
    {
        var random = new Random(seed);
        var calendar = RandomCalendar(random);
        var rangeTicks = (MaxSupported - MinSupported).BclCompatibleTicks;

        // Anywhere in the range, a little outside it, or right at its ends.
        Instant AnyInstant() => random.Next(8) switch
        {
            0 => MinSupported + Duration.FromMinutes(random.Next(-120, 120)),
            1 => MaxSupported + Duration.FromMinutes(random.Next(-120, 120)),
            2 => MaxSupported - Duration.FromDays(random.Next(0, 800)),
            3 => Instant.FromUnixTimeTicks(random.NextInt64(Instant.MinValue.ToUnixTimeTicks() / 2, Instant.MaxValue.ToUnixTimeTicks() / 2)),
            _ => MinSupported + Duration.FromTicks(random.NextInt64(0, rangeTicks)),
        };

        var first = AnyInstant();

        // Usually near the first (so a property stays quick), sometimes anywhere (up to the whole range).
        var second = random.Next(4) == 0 ? AnyInstant() : first + Duration.FromMinutes(random.Next(-100_000, 100_000));
        var workingTime = random.Next(7) switch
        {
            0 => Duration.Zero,
            1 => -Duration.FromMinutes(random.Next(1, 200_000)),
            2 when random.Next(2) == 0 => -Duration.FromDays(random.Next(1, 300 * 365)),
            2 => Duration.FromDays(random.Next(1, 300 * 365)),
            3 => Duration.MaxValue,
            _ => Duration.FromMinutes(random.Next(1, 200_000)),
        };
        var date = random.Next(3) == 0 ? new LocalDate(random.Next(1, 9999), 1, 1).PlusDays(random.Next(0, 365)) : first.InUtc().Date;
        var days = random.Next(6) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-400, 400);
        return new Case(calendar, first, second, workingTime, date, days, seed);
    }

    private static bool InRange(Instant instant) => instant >= MinSupported && instant < MaxSupported;

    /// <summary>Runs an operation: an answer, or a documented exception naming one of the given arguments.</summary>
    private static T? Answer<T>(Func<T> operation, params string[] arguments)
        where T : struct
    {
        try
        {
            return operation();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            Assert.Contains(ex.ParamName, arguments);
            Assert.Contains(ex.ParamName!, ex.Message, StringComparison.Ordinal);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            Assert.True(ex.Message.Contains("too little working time", StringComparison.Ordinal) || ex.Message.Contains("too few working days", StringComparison.Ordinal), ex.Message);
            return null;
        }
    }

    [Property(MaxTest = 250, Arbitrary = [typeof(CalendarEdgeProperties)])]
    public void Operations_answer_inside_the_range_or_throw_a_documented_exception(Case c)
    {
        var calendar = c.Calendar;
        if (Answer(() => calendar.IsWorking(c.First), "instant") is { } working)
        {
            Assert.True(InRange(c.First));
            if (Answer(() => calendar.NextWorkingInstant(c.First), "instant") is { } next)
            {
                Assert.True(InRange(next));
                Assert.True(calendar.IsWorking(next));
                Assert.Equal(working, next == c.First);
            }
        }
        else
        {
            Assert.False(InRange(c.First));
        }

        if (Answer(() => calendar.AddWorkingTime(c.First, c.WorkingTime), "start", "workingTime") is { } added)
        {
            Assert.True(InRange(added), $"{added} is outside the supported range");
            Assert.True(c.WorkingTime >= Duration.Zero ? added >= c.First : added <= c.First);
            if (c.WorkingTime < Duration.FromDays(60) && c.WorkingTime > -Duration.FromDays(60))
            {
                Assert.Equal(c.WorkingTime, calendar.WorkingTimeBetween(c.First, added));
            }
        }
        else if (InRange(c.First))
        {
            // Refused only when the range or the 100-year search could not hold that much working time.
            Assert.NotEqual(Duration.Zero, c.WorkingTime);
        }

        if (Answer(() => calendar.WorkingTimeBetween(c.First, c.Second), "start", "end") is { } between)
        {
            Assert.True(InRange(c.First) && InRange(c.Second));
            var wall = c.Second - c.First;
            Assert.InRange(Math.Abs(between.TotalTicks), 0, Math.Abs(wall.TotalTicks));
        }
        else
        {
            Assert.False(InRange(c.First) && InRange(c.Second));
        }

        if (Answer(() => calendar.AddWorkingDays(c.Date, c.Days), "date", "days") is { } moved)
        {
            Assert.InRange(moved.Year, 1701, 2260);
            Assert.Equal(c.Days == 0, moved == c.Date);
        }
    }

    [Fact]
    public void Generated_edge_cases_reach_every_outcome()
    {
        var cases = Enumerable.Range(0, 400).Select(Build).ToArray();
        Assert.True(cases.Count(c => !c.Calendar.IsWorkingDay(new LocalDate(2024, 1, 1)) && Enumerable.Range(1, 7).All(d => !c.Calendar.IsWorkingDay(new LocalDate(2024, 1, d)))) > 50);
        Assert.True(cases.Count(c => c.First >= MaxSupported - Duration.FromDays(800) && c.First < MaxSupported) > 40);
        Assert.True(cases.Count(c => !InRange(c.First)) > 40);
        Assert.True(cases.Count(c => c.WorkingTime < Duration.Zero) > 30);
    }

    [Fact]
    public void The_end_of_the_range_is_refused_with_the_argument_named()
    {
        var calendar = BusinessCalendar.TwentyFourSeven(DateTimeZone.Utc);
        var nearEnd = MaxSupported - Duration.FromHours(1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => calendar.AddWorkingTime(nearEnd, Duration.FromHours(1)));
        Assert.Equal("workingTime", ex.ParamName);
        Assert.Equal(MaxSupported - Duration.FromMinutes(1), calendar.AddWorkingTime(nearEnd, Duration.FromMinutes(59)));
        Assert.Equal("end", Assert.Throws<ArgumentOutOfRangeException>(() => calendar.WorkingTimeBetween(nearEnd, MaxSupported)).ParamName);
        Assert.Equal("start", Assert.Throws<ArgumentOutOfRangeException>(() => calendar.WorkingTimeBetween(MinSupported - Duration.Epsilon, nearEnd)).ParamName);

        // A business calendar whose last interval ends at the end of the range: its end is not an answer.
        var business = new BusinessCalendarBuilder("b", DateTimeZone.Utc).Weekly(IsoDayOfWeek.Monday, WorkingInterval.Parse("20:00-24:00")).Build(); // 2260-12-31 is a Monday
        var lastStart = Instant.FromUtc(2260, 12, 31, 20, 0);
        Assert.Equal(lastStart + Duration.FromHours(3), business.AddWorkingTime(lastStart, Duration.FromHours(3)));
        Assert.Equal("workingTime", Assert.Throws<ArgumentOutOfRangeException>(() => business.AddWorkingTime(lastStart, Duration.FromHours(4))).ParamName);
        Assert.Equal("workingTime", Assert.Throws<ArgumentOutOfRangeException>(() => business.AddWorkingTime(Instant.FromUtc(2250, 1, 1, 0, 0), Duration.FromDays(5000))).ParamName);
    }

    [Fact]
    public void A_calendar_without_working_hours_says_so_instead_of_crashing()
    {
        var empty = new BusinessCalendarBuilder("empty", DateTimeZone.Utc).Build();
        var start = Instant.FromUtc(2024, 1, 1, 0, 0);
        Assert.Throws<InvalidOperationException>(() => empty.NextWorkingInstant(start));
        Assert.Throws<InvalidOperationException>(() => empty.AddWorkingTime(start, Duration.FromMinutes(1)));
        Assert.Throws<InvalidOperationException>(() => empty.AddWorkingDays(new LocalDate(2024, 1, 1), 1));
        Assert.Equal("instant", Assert.Throws<ArgumentOutOfRangeException>(() => empty.NextWorkingInstant(Instant.FromUtc(2200, 1, 1, 0, 0))).ParamName);
        Assert.Equal(Duration.Zero, empty.WorkingTimeBetween(Instant.FromUtc(1701, 1, 1, 0, 0), Instant.FromUtc(2260, 12, 31, 0, 0)));
    }
}
