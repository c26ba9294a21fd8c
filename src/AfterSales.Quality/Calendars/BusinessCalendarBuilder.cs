using System.Collections.Immutable;
using NodaTime;

namespace AfterSales.Quality.Calendars;

/// <summary>
/// Builds a <see cref="BusinessCalendar"/>: weekly hours, holidays, short days and make-up working
/// days. Not thread-safe; the calendar it builds is.
/// </summary>
public sealed class BusinessCalendarBuilder
{
    private readonly string name;
    private readonly DateTimeZone zone;
    private readonly Dictionary<IsoDayOfWeek, List<WorkingInterval>> weekly = [];
    private readonly Dictionary<LocalDate, (List<WorkingInterval> Intervals, string Kind)> overrides = [];
    private readonly Dictionary<LocalDate, string> names = [];
    private readonly List<string> errors = [];
    private SortedSet<int>? covered;

    /// <summary>Starts a calendar with no working hours.</summary>
    /// <param name="name">The calendar's name. Required.</param>
    /// <param name="zone">The IANA zone its hours are in. Required.</param>
    public BusinessCalendarBuilder(string name, DateTimeZone zone)
    {
        this.name = Preconditions.CheckNotBlank(name);
        this.zone = Preconditions.CheckNotNull(zone);
    }

    /// <summary>Adds working intervals to a weekday.</summary>
    /// <param name="day">The weekday.</param>
    /// <param name="intervals">The intervals (several for a lunch break).</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder Weekly(IsoDayOfWeek day, params WorkingInterval[] intervals)
    {
        if (day == IsoDayOfWeek.None || !Enum.IsDefined(day))
        {
            errors.Add($"'{day}' is not a weekday.");
            return this;
        }

        (weekly.TryGetValue(day, out var list) ? list : weekly[day] = []).AddRange(intervals);
        return this;
    }

    /// <summary>Adds the same intervals to Monday to Friday.</summary>
    /// <param name="intervals">The intervals.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder Weekdays(params WorkingInterval[] intervals)
    {
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Friday; day++)
        {
            Weekly(day, intervals);
        }

        return this;
    }

    /// <summary>A whole-day holiday: no working time on the date.</summary>
    /// <param name="date">The date.</param>
    /// <param name="holidayName">Its name, e.g. <c>Spring Festival</c>.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder Holiday(LocalDate date, string? holidayName = null) => Override(date, [], "holiday", holidayName);

    /// <summary>A part-day holiday or short day: the date works only the given intervals.</summary>
    /// <param name="date">The date.</param>
    /// <param name="remaining">The intervals still worked.</param>
    /// <param name="holidayName">Its name.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder ShortDay(LocalDate date, IEnumerable<WorkingInterval> remaining, string? holidayName = null) =>
        Override(date, [.. Preconditions.CheckNotNull(remaining)], "short day", holidayName);

    /// <summary>
    /// A part-day holiday: the date works its weekday's hours (as set so far) except
    /// [<paramref name="from"/>, <paramref name="to"/>); <c>to</c> at midnight means the end of the day.
    /// </summary>
    /// <param name="date">The date.</param>
    /// <param name="from">The local time the holiday starts.</param>
    /// <param name="to">The local time it ends (midnight for the end of the day).</param>
    /// <param name="holidayName">Its name.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder PartDayHoliday(LocalDate date, LocalTime from, LocalTime to, string? holidayName = null)
    {
        var start = Duration.FromNanoseconds(from.NanosecondOfDay);
        var end = to == LocalTime.Midnight ? Duration.FromHours(24) : Duration.FromNanoseconds(to.NanosecondOfDay);
        if (end <= start)
        {
            errors.Add($"{date:uuuu-MM-dd}: part-day holiday {from:HH:mm}-{to:HH:mm} ends before it starts.");
            return this;
        }

        var remaining = new List<WorkingInterval>();
        foreach (var interval in weekly.TryGetValue(date.DayOfWeek, out var list) ? list : [])
        {
            if (interval.Start < start)
            {
                remaining.Add(WorkingInterval.FromOffsets(interval.Start, Min(interval.End, start)));
            }

            if (interval.End > end)
            {
                remaining.Add(WorkingInterval.FromOffsets(Max(interval.Start, end), interval.End));
            }
        }

        return Override(date, remaining, "part-day holiday", holidayName);
    }

    /// <summary>
    /// A make-up working day (e.g. a Sunday worked in place of a holiday): the date works the given
    /// intervals, or, when none are given, the hours of <paramref name="worksAs"/> (Monday by default).
    /// </summary>
    /// <param name="date">The date.</param>
    /// <param name="worksAs">The weekday whose hours apply when no intervals are given.</param>
    /// <param name="holidayName">The holiday it makes up for.</param>
    /// <param name="intervals">Its own intervals, if any.</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder MakeUpWorkingDay(LocalDate date, IsoDayOfWeek worksAs = IsoDayOfWeek.Monday, string? holidayName = null, params WorkingInterval[] intervals)
    {
        var hours = intervals.Length > 0 ? intervals.ToList() : (weekly.TryGetValue(worksAs, out var list) ? [.. list] : []);
        if (hours.Count == 0)
        {
            errors.Add($"{date:uuuu-MM-dd}: make-up working day has no hours (give intervals, or set {worksAs}'s hours first).");
        }

        return Override(date, hours, "make-up day", holidayName);
    }

    /// <summary>
    /// Declares that the holidays added cover whole years: the calendar built is <i>dated</i> and
    /// refuses (or, by <see cref="BusinessCalendar.WithUncoveredDates"/>, warns about) dates outside the
    /// covered years. Called by <see cref="ChinaMainlandHolidays.AddTo"/> and the iCalendar import;
    /// call it for a year of holidays you add yourself. Calls add up.
    /// </summary>
    /// <param name="years">The years covered (1701–2260).</param>
    /// <returns>This builder.</returns>
    public BusinessCalendarBuilder Covers(params int[] years)
    {
        Preconditions.CheckNotNull(years);
        covered ??= [];
        foreach (var year in years)
        {
            if (year is < 1701 or > 2260)
            {
                errors.Add($"covered year {year}: must be between 1701 and 2260.");
                continue;
            }

            covered.Add(year);
        }

        return this;
    }

    /// <summary>Builds the calendar, or throws listing every problem.</summary>
    /// <returns>The immutable calendar.</returns>
    /// <exception cref="CalendarConfigurationException">Intervals overlap, a date is set twice, or another problem.</exception>
    public BusinessCalendar Build()
    {
        var problems = new List<string>(errors);
        var days = new ImmutableArray<WorkingInterval>[8];
        days[0] = [];
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            var list = weekly.TryGetValue(day, out var l) ? l : [];
            CheckOverlaps(list, day.ToString(), problems);
            days[(int)day] = [.. list.OrderBy(i => i.Start)];
        }

        var dates = ImmutableDictionary.CreateBuilder<LocalDate, ImmutableArray<WorkingInterval>>();
        foreach (var (date, (intervals, _)) in overrides)
        {
            CheckOverlaps(intervals, date.ToString("uuuu-MM-dd", null), problems);
            dates[date] = [.. intervals.OrderBy(i => i.Start)];
        }

        if (problems.Count > 0)
        {
            throw new CalendarConfigurationException(name, problems);
        }

        return new BusinessCalendar(name, zone, [.. days], dates.ToImmutable(), names.ToImmutableDictionary(), covered is null ? null : [.. covered], UncoveredDateHandling.Throw);
    }

    private BusinessCalendarBuilder Override(LocalDate date, List<WorkingInterval> intervals, string kind, string? holidayName)
    {
        if (overrides.TryGetValue(date, out var existing))
        {
            errors.Add($"{date:uuuu-MM-dd}: set twice (as a {existing.Kind} and as a {kind}).");
            return this;
        }

        overrides[date] = (intervals, kind);
        if (!string.IsNullOrWhiteSpace(holidayName))
        {
            names[date] = holidayName;
        }

        return this;
    }

    private static Duration Min(Duration a, Duration b) => a < b ? a : b;

    private static Duration Max(Duration a, Duration b) => a > b ? a : b;

    private static void CheckOverlaps(List<WorkingInterval> intervals, string where, List<string> problems)
    {
        var sorted = intervals.OrderBy(i => i.Start).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Start < sorted[i - 1].End)
            {
                problems.Add($"{where}: interval {sorted[i]} overlaps {sorted[i - 1]}.");
            }
        }
    }
}
