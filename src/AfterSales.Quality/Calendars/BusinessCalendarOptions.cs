using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Calendars;

/// <summary>
/// A business calendar as plain configuration (bindable from appsettings): zone id, weekly hours
/// as <c>HH:mm-HH:mm</c> strings (<c>24:00</c> ends the day, <c>+1</c> marks a night shift), and
/// holidays and make-up working days as ISO dates, optionally followed by <c>: HH:mm-HH:mm, ...</c>
/// for a short day or the make-up day's own hours.
/// </summary>
/// <example>
/// <code>
/// "Calendar": {
///   "Name": "china-mainland", "TimeZone": "Asia/Shanghai",
///   "WeeklyHours": { "Monday": [ "09:00-12:00", "13:00-18:00" ], ... },
///   "Holidays": [ "2024-02-10", "2024-02-09: 09:00-12:00" ],
///   "MakeUpWorkingDays": [ "2024-02-04", "2024-02-18" ]
/// }
/// </code>
/// </example>
public sealed class BusinessCalendarOptions
{
    /// <summary>The calendar's name. Default <c>default</c>.</summary>
    public string Name { get; set; } = "default";

    /// <summary>The IANA time zone id. Default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Weekday name (Monday … Sunday) → working intervals.</summary>
    public Dictionary<string, List<string>> WeeklyHours { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Holidays: <c>uuuu-MM-dd</c> for a whole day, <c>uuuu-MM-dd: HH:mm-HH:mm, ...</c> for a short day (the hours still worked).</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>Make-up working days: <c>uuuu-MM-dd</c> (working Monday's hours) or <c>uuuu-MM-dd: HH:mm-HH:mm, ...</c>.</summary>
    public List<string> MakeUpWorkingDays { get; set; } = [];

    /// <summary>
    /// The years whose holidays are complete in <see cref="Holidays"/> and <see cref="MakeUpWorkingDays"/>
    /// (e.g. <c>[2024, 2025]</c>). When set, the calendar is dated: a computation reaching another year
    /// throws a <see cref="CalendarCoverageException"/> (or warns, see <see cref="UncoveredDates"/>);
    /// adding a year's holidays and its year here extends the coverage. Empty (the default): not dated.
    /// </summary>
    public List<int> CoveredYears { get; set; } = [];

    /// <summary>What a dated calendar does with an uncovered date: <c>Throw</c> (default) or <c>Warn</c>.</summary>
    public UncoveredDateHandling UncoveredDates { get; set; } = UncoveredDateHandling.Throw;

    /// <summary>
    /// Builds the calendar, or throws one exception listing every problem with its configuration key,
    /// spelled as the configuration binder spells it (<c>WeeklyHours:Monday:1</c>, <c>Holidays:0</c>).
    /// </summary>
    /// <returns>The calendar.</returns>
    /// <exception cref="CalendarConfigurationException">A zone, weekday, date or interval is invalid, or intervals overlap.</exception>
    public BusinessCalendar ToCalendar()
    {
        var errors = new List<string>();
        var name = string.IsNullOrWhiteSpace(Name) ? "default" : Name;
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{nameof(Name)}: is required.");
        }

        var zone = string.IsNullOrWhiteSpace(TimeZone) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone);
        if (zone is null)
        {
            errors.Add($"{nameof(TimeZone)}: '{TimeZone}' is not an IANA time zone id (e.g. Asia/Shanghai, Europe/Berlin, UTC).");
        }

        var builder = new BusinessCalendarBuilder(name, zone ?? DateTimeZone.Utc);
        foreach (var (dayName, intervals) in WeeklyHours ?? [])
        {
            if (!Enum.TryParse<IsoDayOfWeek>(dayName, ignoreCase: true, out var day) || day == IsoDayOfWeek.None || int.TryParse(dayName, out _))
            {
                errors.Add($"{nameof(WeeklyHours)}:{dayName}: is not a weekday (Monday ... Sunday).");
                continue;
            }

            var key = $"{nameof(WeeklyHours)}:{dayName}";
            builder.Weekly(day, [.. WithoutOverlaps(ParseIntervals(intervals ?? [], key, errors), key, errors)]);
        }

        ParseDates(Holidays, nameof(Holidays), errors, (date, hours) => builder.ShortDayOrHoliday(date, hours));
        ParseDates(MakeUpWorkingDays, nameof(MakeUpWorkingDays), errors, (date, hours) => builder.MakeUpWorkingDay(date, IsoDayOfWeek.Monday, null, [.. hours ?? []]));
        for (var i = 0; i < (CoveredYears?.Count ?? 0); i++)
        {
            if (CoveredYears![i] is < 1701 or > 2260)
            {
                errors.Add($"{nameof(CoveredYears)}:{i}: {CoveredYears[i]} is not a year between 1701 and 2260.");
            }
            else
            {
                builder.Covers(CoveredYears[i]);
            }
        }

        if (!Enum.IsDefined(UncoveredDates))
        {
            errors.Add($"{nameof(UncoveredDates)}: '{(int)UncoveredDates}' is not Throw or Warn.");
        }

        BusinessCalendar? calendar = null;
        try
        {
            calendar = builder.Build();
        }
        catch (CalendarConfigurationException ex)
        {
            errors.AddRange(ex.Errors);
        }

        return errors.Count == 0 ? calendar!.WithUncoveredDates(UncoveredDates) : throw new CalendarConfigurationException(name, errors);
    }

    private static List<(WorkingInterval Interval, int Index)> ParseIntervals(IEnumerable<string> texts, string key, List<string> errors)
    {
        var result = new List<(WorkingInterval, int)>();
        var index = 0;
        foreach (var text in texts)
        {
            try
            {
                result.Add((WorkingInterval.Parse(text ?? ""), index));
            }
            catch (FormatException ex)
            {
                errors.Add($"{key}:{index}: {ex.Message}");
            }

            index++;
        }

        return result;
    }

    /// <summary>Reports each interval that overlaps an earlier-starting one under its own key, and leaves it out.</summary>
    private static List<WorkingInterval> WithoutOverlaps(List<(WorkingInterval Interval, int Index)> parsed, string key, List<string> errors)
    {
        var kept = new List<(WorkingInterval Interval, int Index)>();
        foreach (var item in parsed.OrderBy(p => p.Interval.Start).ThenBy(p => p.Index))
        {
            if (kept.Count > 0 && item.Interval.Start < kept[^1].Interval.End)
            {
                errors.Add($"{key}:{item.Index}: interval {item.Interval} overlaps {kept[^1].Interval} ({key}:{kept[^1].Index}).");
                continue;
            }

            kept.Add(item);
        }

        return [.. kept.OrderBy(k => k.Index).Select(k => k.Interval)];
    }

    private static void ParseDates(List<string>? entries, string key, List<string> errors, Action<LocalDate, List<WorkingInterval>?> add)
    {
        var pattern = LocalDatePattern.Iso;
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var entry = entries![i] ?? "";
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var datePart = (colon < 0 ? entry : entry[..colon]).Trim();
            var parsed = pattern.Parse(datePart);
            if (!parsed.Success)
            {
                errors.Add($"{key}:{i}: '{datePart}' is not a date uuuu-MM-dd.");
                continue;
            }

            List<WorkingInterval>? hours = null;
            if (colon >= 0)
            {
                var parsedHours = ParseIntervals(entry[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"{key}:{i}", errors);
                if (parsedHours.Count == 0)
                {
                    continue; // its hours were refused above; adding the date without them would mislead
                }

                hours = WithoutOverlaps(parsedHours, $"{key}:{i}", errors);
                if (hours.Count == 0)
                {
                    continue; // its hours were refused above; adding the date without them would mislead
                }
            }

            add(parsed.Value, hours);
        }
    }
}

/// <summary>Configuration helpers for the builder.</summary>
internal static class BusinessCalendarBuilderExtensions
{
    public static BusinessCalendarBuilder ShortDayOrHoliday(this BusinessCalendarBuilder builder, LocalDate date, List<WorkingInterval>? hours) =>
        hours is null || hours.Count == 0 ? builder.Holiday(date) : builder.ShortDay(date, hours);
}
