using NodaTime;

namespace AfterSales.Quality.Calendars.ICalendar.Tests;

public sealed class ICalendarHolidaysTests
{
    private static BusinessCalendarBuilder ChinaHours() =>
        new BusinessCalendarBuilder("china-ics", DateTimeZoneProviders.Tzdb["Asia/Shanghai"])
            .Weekdays(WorkingInterval.Parse("09:00-12:00"), WorkingInterval.Parse("13:00-18:00"));

    [Fact]
    public void The_shipped_ics_file_gives_the_same_calendar_as_the_shipped_data()
    {
        var builder = ChinaHours();
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "data", "china-mainland-2024-2026.ics"));
        var report = ICalendarHolidays.AddTo(builder, reader);
        var fromIcs = builder.Build();
        var fromData = ChinaMainlandHolidays.Calendar();

        Assert.Equal(ChinaMainlandHolidays.CoveredYears.Sum(y => ChinaMainlandHolidays.DaysOff(y).Count), report.Holidays);
        Assert.Equal(ChinaMainlandHolidays.CoveredYears.Sum(y => ChinaMainlandHolidays.MakeUpWorkingDays(y).Count), report.MakeUpWorkingDays);
        Assert.Empty(report.Skipped);
        for (var date = new LocalDate(2024, 1, 1); date <= new LocalDate(2026, 12, 31); date = date.PlusDays(1))
        {
            Assert.Equal(fromData.IntervalsOn(date), fromIcs.IntervalsOn(date));
        }

        Assert.Equal("Spring Festival", fromIcs.HolidayNames[new LocalDate(2026, 2, 20)]);
        Assert.True(fromIcs.IsWorkingDay(new LocalDate(2026, 2, 28))); // a make-up Saturday
        Assert.False(fromIcs.IsWorkingDay(new LocalDate(2025, 10, 8)));
    }

    [Fact]
    public void An_ics_file_with_next_years_holidays_extends_the_coverage_by_that_year()
    {
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" +
            "BEGIN:VEVENT\r\nUID:ny2027\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:New Year's Day\r\nEND:VEVENT\r\n" +
            "END:VCALENDAR\r\n";
        var builder = ChinaMainlandHolidays.AddTo(ChinaHours());
        Assert.Throws<CalendarCoverageException>(() => ChinaMainlandHolidays.AddTo(ChinaHours()).Build().IsWorkingDay(new LocalDate(2027, 1, 1)));
        ICalendarHolidays.AddTo(builder, new StringReader(ics));
        var calendar = builder.Build();
        Assert.Equal([2024, 2025, 2026, 2027], calendar.CoveredYears);
        Assert.False(calendar.IsWorkingDay(new LocalDate(2027, 1, 1)));
        Assert.True(calendar.IsWorkingDay(new LocalDate(2027, 1, 4)));
    }

    [Fact]
    public void Part_day_recurring_and_cancelled_events_follow_the_convention()
    {
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" +
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240209T120000\r\nDTEND:20240209T180000\r\nSUMMARY:New Year's Eve afternoon\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20240101\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20240301\r\nSTATUS:CANCELLED\r\nSUMMARY:Called off\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20240302\r\nSUMMARY:春节补班\r\nEND:VEVENT\r\n" +
            "END:VCALENDAR\r\n";
        var builder = ChinaHours();
        var report = ICalendarHolidays.AddTo(builder, new StringReader(ics));
        var calendar = builder.Build();
        Assert.Equal((0, 1, 1), (report.Holidays, report.PartDayHolidays, report.MakeUpWorkingDays));
        Assert.Equal(["'New Year' (b): recurring events are not expanded; list each year's dates.", "'Called off' (c): cancelled."], report.Skipped);
        Assert.Equal([WorkingInterval.Parse("09:00-12:00")], calendar.IntervalsOn(new LocalDate(2024, 2, 9)));
        Assert.True(calendar.IsWorkingDay(new LocalDate(2024, 3, 2))); // a Saturday worked
        Assert.Throws<FormatException>(() => ICalendarHolidays.AddTo(ChinaHours(), new StringReader("not a calendar")));
    }

    [Fact]
    public void Years_outside_the_shipped_data_are_refused_not_empty()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ChinaMainlandHolidays.DaysOff(2027));
        Assert.Contains("2027 is not covered", error.Message);
        Assert.Equal([2024, 2025, 2026], ChinaMainlandHolidays.CoveredYears);
        Assert.Equal(new LocalDate(2026, 1, 4), ChinaMainlandHolidays.MakeUpWorkingDays(2026)[0].Date);
    }
}
