using AfterSales.Quality.Calendars;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Calendars;

/// <summary>A calendar made from dated holiday data knows the years it covers.</summary>
public sealed class CalendarCoverageTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static Instant Local(int year, int month, int day, int hour = 0) => new LocalDateTime(year, month, day, hour, 0).InZoneStrictly(Shanghai).ToInstant();

    [Fact]
    public void The_shipped_china_calendar_refuses_dates_outside_2024_to_2026()
    {
        var china = ChinaMainlandHolidays.Calendar();
        Assert.Equal([2024, 2025, 2026], china.CoveredYears);
        Assert.True(china.IsCovered(new LocalDate(2026, 12, 31)));
        Assert.False(china.IsCovered(new LocalDate(2027, 1, 1)));

        var newYear = Assert.Throws<CalendarCoverageException>(() => china.IsWorkingDay(new LocalDate(2027, 1, 1)));
        Assert.Equal((new LocalDate(2027, 1, 1), "china-mainland"), (newYear.Date, newYear.Calendar));
        Assert.Contains("2024, 2025, 2026 only; 2027-01-01 is not covered", newYear.Message, StringComparison.Ordinal);
        Assert.Equal(new LocalDate(2023, 10, 2), Assert.Throws<CalendarCoverageException>(() => china.IsWorking(Local(2023, 10, 2, 10))).Date);
        Assert.Equal(new LocalDate(2027, 1, 1), Assert.Throws<CalendarCoverageException>(() => china.WorkingTimeBetween(Local(2026, 12, 30), Local(2027, 1, 5))).Date);
        Assert.Equal(new LocalDate(2027, 1, 1), Assert.Throws<CalendarCoverageException>(() => china.AddWorkingTime(Local(2026, 12, 30, 9), Duration.FromHours(40))).Date);
        Assert.Throws<CalendarCoverageException>(() => china.AddWorkingDays(new LocalDate(2026, 12, 30), 5));
        Assert.Throws<CalendarCoverageException>(() => china.NextWorkingInstant(Local(2026, 12, 31, 19)));

        // Inside the coverage nothing changes: 2026-12-31 is a Thursday with its ordinary hours.
        Assert.Equal(Duration.FromHours(8), china.WorkingTimeBetween(Local(2026, 12, 31), Local(2026, 12, 31, 23)));
        Assert.Equal(Local(2026, 12, 31, 18), china.AddWorkingTime(Local(2026, 12, 31, 9), Duration.FromHours(8)));
    }

    [Fact]
    public void Adding_a_year_of_holidays_extends_the_coverage()
    {
        var builder = ChinaMainlandHolidays.AddTo(new BusinessCalendarBuilder("china", Shanghai).Weekdays(WorkingInterval.Parse("09:00-12:00"), WorkingInterval.Parse("13:00-18:00")));
        var calendar = builder.Holiday(new LocalDate(2027, 1, 1), "New Year's Day").Covers(2027).Build();
        Assert.Equal([2024, 2025, 2026, 2027], calendar.CoveredYears);
        Assert.False(calendar.IsWorkingDay(new LocalDate(2027, 1, 1)));
        Assert.Equal(Duration.FromHours(8), calendar.WorkingTimeBetween(Local(2026, 12, 31), Local(2027, 1, 2))); // Thursday worked, the holiday not

        var extended = ChinaMainlandHolidays.Calendar().WithCoveredYears(2023);
        Assert.True(extended.IsWorking(Local(2023, 10, 9, 10)));
        Assert.Throws<CalendarCoverageException>(() => extended.IsWorking(Local(2022, 10, 9, 10)));
        Assert.Null(new BusinessCalendarBuilder("plain", Shanghai).Build().CoveredYears);
        Assert.Equal("years", Assert.Throws<ArgumentOutOfRangeException>(() => extended.WithCoveredYears(2261)).ParamName);
    }

    [Fact]
    public async Task Configuration_declares_covered_years_and_may_choose_to_warn()
    {
        var options = new BusinessCalendarOptions
        {
            Name = "desk",
            TimeZone = "Asia/Shanghai",
            WeeklyHours = new(StringComparer.OrdinalIgnoreCase) { ["Monday"] = ["09:00-18:00"], ["Tuesday"] = ["09:00-18:00"] },
            Holidays = ["2027-01-01"],
            CoveredYears = [2027],
        };
        var dated = options.ToCalendar();
        Assert.Equal([2027], dated.CoveredYears);
        Assert.Throws<CalendarCoverageException>(() => dated.IsWorkingDay(new LocalDate(2028, 1, 3)));

        options.UncoveredDates = UncoveredDateHandling.Warn;
        var warning = options.ToCalendar();
        Assert.True(warning.IsWorkingDay(new LocalDate(2028, 1, 3)));
        Assert.False(warning.Covers(Local(2027, 12, 31), Local(2028, 1, 4)));

        // An SLA clock computed across the uncovered date carries the flag.
        var policies = SlaPolicySet.Default.WithCalendar(SlaPolicySet.DefaultCalendarName, warning);
        var host = new TicketTestHost(Local(2027, 12, 27, 10));
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        host.Advance(Duration.FromDays(10));
        var history = (await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray();
        Assert.Contains(SlaClock.Evaluate(history, policies, host.Clock.GetCurrentInstant()).Targets, t => t.OutsideCalendarCoverage);
        Assert.Throws<CalendarCoverageException>(() => SlaClock.Evaluate(history, SlaPolicySet.Default.WithCalendar(SlaPolicySet.DefaultCalendarName, dated), host.Clock.GetCurrentInstant()));

        options.CoveredYears = [1600];
        Assert.Contains("CoveredYears:0: 1600 is not a year between 1701 and 2260.", Assert.Throws<CalendarConfigurationException>(options.ToCalendar).Errors);
    }

    /// <summary>A random calendar with a random set of covered years around 2020–2030.</summary>
    public sealed record Dated(BusinessCalendar Calendar, BusinessCalendar Plain, int[] Years, Instant A, Instant B)
    {
        public override string ToString() => $"{Calendar} covering [{string.Join(",", Years)}] from {A} to {B}";
    }

    public static Arbitrary<Dated> DatedCases() => Gen.Choose(0, int.MaxValue - 1).Select(seed =>
    {
        var random = new Random(seed);
        var calendar = CalendarEdgeProperties.RandomCalendar(random);
        var years = Enumerable.Range(2020, 11).Where(_ => random.Next(3) != 0).ToArray();
        var origin = Instant.FromUtc(2019, 6, 1, 0, 0);
        Instant Any() => origin + Duration.FromMinutes(random.Next(0, 12 * 366 * 24 * 60));
        var a = Any();
        var b = random.Next(2) == 0 ? Any() : a + Duration.FromMinutes(random.Next(-5000, 5000));
        return new Dated(calendar.WithCoveredYears(years), calendar, years, a, b);
    }).ToArbitrary();

    [Property(MaxTest = 400, Arbitrary = [typeof(CalendarCoverageTests)])]
    public void A_dated_calendar_refuses_exactly_the_spans_it_does_not_cover_and_warns_with_the_same_answers(Dated c)
    {
        var zone = c.Calendar.Zone;
        var (from, to) = c.A <= c.B ? (c.A, c.B) : (c.B, c.A);
        var years = Enumerable.Range(from.InZone(zone).Year, to.InZone(zone).Year - from.InZone(zone).Year + 1);
        var covered = years.All(c.Years.Contains);
        Assert.Equal(covered, c.Calendar.Covers(c.A, c.B));
        Assert.Equal(c.Years.Contains(c.A.InZone(zone).Year), c.Calendar.IsCovered(c.A.InZone(zone).Date));

        var warn = c.Calendar.WithUncoveredDates(UncoveredDateHandling.Warn);
        var plain = c.Plain;
        Assert.Equal(plain.WorkingTimeBetween(c.A, c.B), warn.WorkingTimeBetween(c.A, c.B));
        if (covered)
        {
            Assert.Equal(plain.WorkingTimeBetween(c.A, c.B), c.Calendar.WorkingTimeBetween(c.A, c.B));
        }
        else
        {
            var error = Assert.Throws<CalendarCoverageException>(() => c.Calendar.WorkingTimeBetween(c.A, c.B));
            Assert.False(c.Calendar.IsCovered(error.Date));
            Assert.InRange(error.Date, from.InZone(zone).Date, to.InZone(zone).Date);
        }
    }
}
