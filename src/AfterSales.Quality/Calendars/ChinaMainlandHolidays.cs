using NodaTime;

namespace AfterSales.Quality.Calendars;

/// <summary>
/// The official public holidays of mainland China and their make-up working days, as announced
/// each year by the General Office of the State Council (they cannot be computed: they are data,
/// versioned by year). Covers <see cref="CoveredYears"/>; asking for another year is refused, never
/// silently treated as "no holidays", and a calendar built from it is <i>dated</i>: it covers these
/// years only (<see cref="BusinessCalendar.CoveredYears"/>), so computing across 2027-01-01 throws a
/// <see cref="CalendarCoverageException"/> until that year's holidays are added and covered.
/// </summary>
public static class ChinaMainlandHolidays
{
    private static readonly (int Year, string Name, (int Month, int Day)[] Off, (int Month, int Day)[] Work)[] Arrangements =
    [
        (2024, "New Year's Day", [(1, 1)], []),
        (2024, "Spring Festival", Days(2, 10, 8), [(2, 4), (2, 18)]),
        (2024, "Qingming Festival", Days(4, 4, 3), [(4, 7)]),
        (2024, "Labour Day", Days(5, 1, 5), [(4, 28), (5, 11)]),
        (2024, "Dragon Boat Festival", [(6, 10)], []),
        (2024, "Mid-Autumn Festival", Days(9, 15, 3), [(9, 14)]),
        (2024, "National Day", Days(10, 1, 7), [(9, 29), (10, 12)]),
        (2025, "New Year's Day", [(1, 1)], []),
        (2025, "Spring Festival", Days(1, 28, 8), [(1, 26), (2, 8)]),
        (2025, "Qingming Festival", Days(4, 4, 3), []),
        (2025, "Labour Day", Days(5, 1, 5), [(4, 27)]),
        (2025, "Dragon Boat Festival", Days(5, 31, 3), []),
        (2025, "National Day and Mid-Autumn Festival", Days(10, 1, 8), [(9, 28), (10, 11)]),
        (2026, "New Year's Day", Days(1, 1, 3), [(1, 4)]),
        (2026, "Spring Festival", Days(2, 15, 9), [(2, 14), (2, 28)]),
        (2026, "Qingming Festival", Days(4, 4, 3), []),
        (2026, "Labour Day", Days(5, 1, 5), [(5, 9)]),
        (2026, "Dragon Boat Festival", Days(6, 19, 3), []),
        (2026, "Mid-Autumn Festival", Days(9, 25, 3), []),
        (2026, "National Day", Days(10, 1, 7), [(9, 20), (10, 10)]),
    ];

    /// <summary>The years whose arrangements are shipped: 2024, 2025 and 2026.</summary>
    public static IReadOnlyList<int> CoveredYears { get; } = [2024, 2025, 2026];

    /// <summary>The days off of a year, with the holiday's name.</summary>
    /// <param name="year">A covered year.</param>
    /// <returns>The dates off, ascending.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The year is not covered.</exception>
    public static IReadOnlyList<(LocalDate Date, string Name)> DaysOff(int year) =>
        [.. Of(year).SelectMany(a => a.Off.Select(d => (new LocalDate(year, d.Month, d.Day), a.Name))).OrderBy(d => d.Item1)];

    /// <summary>The make-up working days of a year (weekend dates worked), with the holiday they make up for.</summary>
    /// <param name="year">A covered year.</param>
    /// <returns>The dates worked, ascending.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The year is not covered.</exception>
    public static IReadOnlyList<(LocalDate Date, string Name)> MakeUpWorkingDays(int year) =>
        [.. Of(year).SelectMany(a => a.Work.Select(d => (new LocalDate(year, d.Month, d.Day), a.Name))).OrderBy(d => d.Item1)];

    /// <summary>Adds the holidays and make-up working days of the given years to a calendar under construction (set its weekly hours first: make-up days work Monday's hours), and declares those years covered (<see cref="BusinessCalendarBuilder.Covers"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="years">Covered years; all of them when none are given.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A year is not covered.</exception>
    public static BusinessCalendarBuilder AddTo(BusinessCalendarBuilder builder, params int[] years)
    {
        Preconditions.CheckNotNull(builder);
        foreach (var year in years.Length == 0 ? CoveredYears : years)
        {
            builder.Covers(year);
            foreach (var (date, name) in DaysOff(year))
            {
                builder.Holiday(date, name);
            }

            foreach (var (date, name) in MakeUpWorkingDays(year))
            {
                builder.MakeUpWorkingDay(date, IsoDayOfWeek.Monday, name);
            }
        }

        return builder;
    }

    /// <summary>
    /// A mainland China business calendar in Asia/Shanghai: Monday to Friday 09:00–12:00 and
    /// 13:00–18:00 (replace the hours with the builder for your own), the covered years' holidays
    /// and make-up working days.
    /// </summary>
    /// <param name="name">The calendar's name. Default <c>china-mainland</c>.</param>
    /// <returns>The calendar.</returns>
    public static BusinessCalendar Calendar(string name = "china-mainland") =>
        AddTo(new BusinessCalendarBuilder(name, DateTimeZoneProviders.Tzdb["Asia/Shanghai"])
            .Weekdays(WorkingInterval.Parse("09:00-12:00"), WorkingInterval.Parse("13:00-18:00"))).Build();

    private static IEnumerable<(int Year, string Name, (int Month, int Day)[] Off, (int Month, int Day)[] Work)> Of(int year)
    {
        if (!CoveredYears.Contains(year))
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, $"The mainland China holiday arrangements are shipped for {string.Join(", ", CoveredYears)}; {year} is not covered (its dates are announced yearly and cannot be computed).");
        }

        return Arrangements.Where(a => a.Year == year);
    }

    private static (int Month, int Day)[] Days(int month, int day, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new LocalDate(2000, month, day).PlusDays(i)).Select(d => (d.Month, d.Day))];
}
