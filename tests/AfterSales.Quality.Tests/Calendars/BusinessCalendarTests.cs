using AfterSales.Quality.Calendars;
using NodaTime;

namespace AfterSales.Quality.Tests.Calendars;

public sealed class BusinessCalendarTests
{
    internal static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Mon–Fri 09:00–12:00 and 13:00–18:00 in Shanghai with the 2024 State Council holidays and make-up days.</summary>
    internal static BusinessCalendar China2024()
    {
        var builder = new BusinessCalendarBuilder("china-2024", Shanghai)
            .Weekdays(WorkingInterval.Parse("09:00-12:00"), WorkingInterval.Parse("13:00-18:00"));
        void Off(string name, int month, int day, int days)
        {
            for (var d = 0; d < days; d++)
            {
                builder.Holiday(new LocalDate(2024, month, day).PlusDays(d), name);
            }
        }

        Off("New Year", 1, 1, 1);
        Off("Spring Festival", 2, 10, 8);
        Off("Qingming", 4, 4, 3);
        Off("Labour Day", 5, 1, 5);
        Off("Dragon Boat", 6, 10, 1);
        Off("Mid-Autumn", 9, 15, 3);
        Off("National Day", 10, 1, 7);
        foreach (var (month, day, name) in new[] { (2, 4, "Spring Festival"), (2, 18, "Spring Festival"), (4, 7, "Qingming"), (4, 28, "Labour Day"), (5, 11, "Labour Day"), (9, 14, "Mid-Autumn"), (9, 29, "National Day"), (10, 12, "National Day") })
        {
            builder.MakeUpWorkingDay(new LocalDate(2024, month, day), IsoDayOfWeek.Monday, name);
        }

        return builder.Build();
    }

    private static Instant At(int year, int month, int day, int hour, int minute = 0) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(Shanghai).ToInstant();

    [Theory]
    [InlineData(24, 2024, 2, 20, 16)] // P0 first response: 2 h on Friday 9 Feb, the make-up Sunday 18 Feb, Monday, then 6 h on Tuesday
    [InlineData(48, 2024, 2, 23, 16)] // P1
    [InlineData(72, 2024, 2, 28, 16)] // P2: the weekend of 24-25 Feb is off again
    public void Spring_festival_2024_targets_skip_the_holiday_and_count_the_make_up_sunday(int hours, int year, int month, int day, int hour)
    {
        var calendar = China2024();
        var received = At(2024, 2, 9, 16);
        Assert.Equal(At(year, month, day, hour), calendar.AddWorkingTime(received, Duration.FromHours(hours)));
        Assert.Equal(Duration.FromHours(hours), calendar.WorkingTimeBetween(received, At(year, month, day, hour)));
    }

    [Fact]
    public void National_day_2024_counts_the_make_up_saturday()
    {
        var calendar = China2024();
        Assert.Equal(At(2024, 10, 14, 10), calendar.AddWorkingTime(At(2024, 9, 30, 10), Duration.FromHours(48)));
        Assert.Equal(Duration.FromHours(8), calendar.WorkingTimeBetween(At(2024, 9, 28, 9), At(2024, 9, 30, 9))); // Sunday 29 Sep is worked
        Assert.Equal(Duration.Zero, calendar.WorkingTimeBetween(At(2024, 10, 1, 0), At(2024, 10, 8, 0)));
        Assert.True(calendar.IsWorkingDay(new LocalDate(2024, 10, 12)));
        Assert.False(calendar.IsWorkingDay(new LocalDate(2024, 10, 7)));
        Assert.Equal("National Day", calendar.HolidayNames[new LocalDate(2024, 10, 3)]);
    }

    [Fact]
    public void A_friday_evening_ticket_starts_on_monday_and_ends_at_the_end_of_an_interval()
    {
        var calendar = China2024();
        var friday = At(2024, 3, 8, 19);
        Assert.False(calendar.IsWorking(friday));
        Assert.Equal(At(2024, 3, 11, 9), calendar.NextWorkingInstant(friday));
        Assert.Equal(At(2024, 3, 13, 18), calendar.AddWorkingTime(friday, Duration.FromHours(24))); // the earliest instant: 18:00 Wednesday, not 09:00 Thursday
        Assert.Equal(At(2024, 3, 11, 12), calendar.AddWorkingTime(friday, Duration.FromHours(3))); // the morning interval ends exactly then
        Assert.Equal(At(2024, 3, 11, 14), calendar.AddWorkingTime(friday, Duration.FromHours(4))); // lunch is skipped
    }

    [Fact]
    public void N_working_days_count_dates_with_working_time()
    {
        var calendar = China2024();
        Assert.Equal(new LocalDate(2024, 2, 18), calendar.AddWorkingDays(new LocalDate(2024, 2, 9), 1)); // the make-up Sunday
        Assert.Equal(new LocalDate(2024, 2, 8), calendar.AddWorkingDays(new LocalDate(2024, 2, 18), -2)); // back over the holiday: 9 Feb, then 8 Feb
        Assert.Equal(new LocalDate(2024, 2, 9), calendar.AddWorkingDays(new LocalDate(2024, 2, 9), 0));
    }

    [Fact]
    public void The_end_of_day_is_24_00_and_a_24x7_calendar_never_closes()
    {
        var utc = BusinessCalendar.TwentyFourSeven(DateTimeZone.Utc);
        var midnight = Instant.FromUtc(2024, 12, 31, 23, 59);
        Assert.True(utc.IsWorking(midnight));
        Assert.Equal(Duration.FromDays(366), utc.WorkingTimeBetween(Instant.FromUtc(2024, 1, 1, 0, 0), Instant.FromUtc(2025, 1, 1, 0, 0)));

        var lateShift = new BusinessCalendarBuilder("late", DateTimeZone.Utc).Weekdays(WorkingInterval.Parse("18:00-24:00")).Build();
        Assert.True(lateShift.IsWorking(Instant.FromUtc(2024, 3, 4, 23, 59, 59)));
        Assert.Equal(Duration.FromHours(6), lateShift.WorkingTimeBetween(Instant.FromUtc(2024, 3, 4, 0, 0), Instant.FromUtc(2024, 3, 5, 0, 0)));
    }

    [Fact]
    public void Night_shifts_cross_midnight_and_years()
    {
        var night = new BusinessCalendarBuilder("night", DateTimeZone.Utc)
            .Weekly(IsoDayOfWeek.Tuesday, WorkingInterval.Parse("22:00-06:00+1"))
            .Build();
        var tuesday = Instant.FromUtc(2024, 12, 31, 21, 0); // Tuesday 31 December
        Assert.Equal(Instant.FromUtc(2025, 1, 1, 4, 0), night.AddWorkingTime(tuesday, Duration.FromHours(6)));
        Assert.Equal(Duration.FromHours(8), night.WorkingTimeBetween(tuesday, Instant.FromUtc(2025, 1, 1, 12, 0)));
        Assert.Equal("22:00-06:00+1", WorkingInterval.Parse("22:00-06:00+1").ToString());
    }

    [Fact]
    public void Dst_gaps_and_overlaps_count_real_time()
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var calendar = new BusinessCalendarBuilder("berlin-night", berlin).Weekly(IsoDayOfWeek.Sunday, WorkingInterval.Parse("01:00-04:00")).Build();
        Instant Utc(int month, int day, int hour) => Instant.FromUtc(2024, month, day, hour, 0);
        // 31 March 2024: 02:00-03:00 does not exist, so 01:00-04:00 holds two real hours.
        Assert.Equal(Duration.FromHours(2), calendar.WorkingTimeBetween(Utc(3, 30, 0), Utc(4, 1, 0)));
        // 27 October 2024: 02:00-03:00 happens twice, so 01:00-04:00 holds four real hours.
        Assert.Equal(Duration.FromHours(4), calendar.WorkingTimeBetween(Utc(10, 26, 0), Utc(10, 28, 0)));
        Assert.Equal(Utc(10, 27, 1) + Duration.FromMinutes(30), calendar.AddWorkingTime(Utc(10, 26, 0), Duration.FromMinutes(150))); // 01:00 CEST = 23:00Z; +2.5 h = 01:30Z, the repeated 02:30 local
    }

    [Fact]
    public void Leap_days_are_ordinary_days()
    {
        var calendar = new BusinessCalendarBuilder("weekdays", DateTimeZone.Utc).Weekdays(WorkingInterval.Parse("09:00-17:00")).Build();
        Assert.True(calendar.IsWorkingDay(new LocalDate(2024, 2, 29)));
        Assert.Equal(Instant.FromUtc(2024, 3, 1, 17, 0), calendar.AddWorkingTime(Instant.FromUtc(2024, 2, 28, 17, 0), Duration.FromHours(16)));
    }

    [Fact]
    public void Invalid_configuration_names_the_weekday_date_interval_and_zone()
    {
        var options = new BusinessCalendarOptions
        {
            Name = "broken",
            TimeZone = "Mars/Olympus",
            WeeklyHours = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Monday"] = ["09:00-12:00", "11:00-13:00"],
                ["Tuesday"] = ["18:00-09:00"],
                ["Someday"] = ["09:00-10:00"],
            },
            Holidays = ["2024-02-30", "2024-05-01", "2024-05-01", "2024-05-02: 09:00-11:00, 09:30-10:00"],
            MakeUpWorkingDays = ["2024-02-04: 9am-5pm"],
        };
        var error = Assert.Throws<CalendarConfigurationException>(options.ToCalendar);
        Assert.Equal(
            [
                "TimeZone: 'Mars/Olympus' is not an IANA time zone id (e.g. Asia/Shanghai, Europe/Berlin, UTC).",
                "WeeklyHours:Monday:1: interval 11:00-13:00 overlaps 09:00-12:00 (WeeklyHours:Monday:0).",
                "WeeklyHours:Tuesday:0: Working interval 18:00-09:00 ends before it starts; use 24:00 for the end of the day or '+1' for a night shift.",
                "WeeklyHours:Someday: is not a weekday (Monday ... Sunday).",
                "Holidays:0: '2024-02-30' is not a date uuuu-MM-dd.",
                "Holidays:3:1: interval 09:30-10:00 overlaps 09:00-11:00 (Holidays:3:0).",
                "MakeUpWorkingDays:0:0: '9am' in working interval '9am-5pm' is not a time HH:mm (00:00-23:59).",
                "2024-05-01: set twice (as a holiday and as a holiday).",
            ],
            error.Errors);
        Assert.Contains("Calendar 'broken' is invalid (8 errors)", error.Message);
    }

    [Fact]
    public void Options_build_the_calendar_they_describe()
    {
        var calendar = new BusinessCalendarOptions
        {
            Name = "china",
            TimeZone = "Asia/Shanghai",
            WeeklyHours = new(StringComparer.OrdinalIgnoreCase) { ["Monday"] = ["09:00-12:00", "13:00-18:00"], ["Friday"] = ["09:00-12:00"] },
            Holidays = ["2024-02-12", "2024-02-09: 09:00-10:00"],
            MakeUpWorkingDays = ["2024-02-04", "2024-02-18: 10:00-11:00"],
        }.ToCalendar();
        Assert.Equal(("china", "Asia/Shanghai"), (calendar.Name, calendar.Zone.Id));
        Assert.Equal([WorkingInterval.Parse("09:00-10:00")], calendar.IntervalsOn(new LocalDate(2024, 2, 9)));
        Assert.Empty(calendar.IntervalsOn(new LocalDate(2024, 2, 12)));
        Assert.Equal(2, calendar.IntervalsOn(new LocalDate(2024, 2, 4)).Count);
        Assert.Equal([WorkingInterval.Parse("10:00-11:00")], calendar.IntervalsOn(new LocalDate(2024, 2, 18)));
    }
}

public sealed class ChinaMainlandHolidaysTests
{
    [Fact]
    public void The_shipped_2024_data_matches_the_arrangement_written_out_by_hand()
    {
        var shipped = ChinaMainlandHolidays.Calendar();
        var byHand = BusinessCalendarTests.China2024();
        for (var date = new LocalDate(2024, 1, 1); date <= new LocalDate(2024, 12, 31); date = date.PlusDays(1))
        {
            Assert.Equal(byHand.IntervalsOn(date), shipped.IntervalsOn(date));
        }

        Assert.Equal((8, 5, 6), (ChinaMainlandHolidays.MakeUpWorkingDays(2024).Count, ChinaMainlandHolidays.MakeUpWorkingDays(2025).Count, ChinaMainlandHolidays.MakeUpWorkingDays(2026).Count));
    }
}
