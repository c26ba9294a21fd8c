using Ical.Net.CalendarComponents;
using NodaTime;

namespace AfterSales.Quality.Calendars.ICalendar;

/// <summary>What an iCalendar import added.</summary>
/// <param name="Holidays">Whole-day holiday dates added.</param>
/// <param name="PartDayHolidays">Part-day holidays added.</param>
/// <param name="MakeUpWorkingDays">Make-up working days added.</param>
/// <param name="Skipped">Events not imported, each with the reason.</param>
public sealed record ICalendarImportReport(int Holidays, int PartDayHolidays, int MakeUpWorkingDays, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads holidays from an iCalendar file with Ical.Net. The convention: every all-day VEVENT is a
/// holiday on each date from DTSTART up to (not including) DTEND; an event whose CATEGORIES include
/// <see cref="MakeUpWorkingDayCategory"/> (or <c>WORKDAY</c>), or whose summary contains "make-up
/// working day" or 补班, is a make-up working day instead (it works Monday's hours); a timed event is
/// a part-day holiday on its start date, its times read as the calendar's local time. Recurring and
/// cancelled events are skipped and reported. The years the file lists holidays for are declared
/// covered (<see cref="BusinessCalendarBuilder.Covers"/>): the calendar built is dated, and a file
/// with next year's holidays extends its coverage. Set the weekly hours on the builder first.
/// </summary>
public static class ICalendarHolidays
{
    /// <summary>The category that marks a make-up working day: <c>MAKE-UP-WORKING-DAY</c>.</summary>
    public const string MakeUpWorkingDayCategory = "MAKE-UP-WORKING-DAY";

    /// <summary>Adds the holidays and make-up working days of an iCalendar file to a calendar under construction.</summary>
    /// <param name="builder">The builder, with its weekly hours set.</param>
    /// <param name="ics">The iCalendar text.</param>
    /// <returns>What was added and what was skipped.</returns>
    /// <exception cref="FormatException">The text is not iCalendar.</exception>
    public static ICalendarImportReport AddTo(BusinessCalendarBuilder builder, TextReader ics)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(ics);
        Ical.Net.Calendar? calendar;
        try
        {
            calendar = Ical.Net.Calendar.Load(ics);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new FormatException($"The text is not an iCalendar file: {ex.Message}", ex);
        }

        if (calendar is null)
        {
            throw new FormatException("The text holds no VCALENDAR.");
        }

        int holidays = 0, partDays = 0, makeUps = 0;
        var skipped = new List<string>();
        foreach (var e in calendar.Events.OrderBy(e => e.DtStart?.Value))
        {
            var label = $"'{e.Summary}' ({e.Uid})";
            if (e.DtStart is null)
            {
                skipped.Add($"{label}: no DTSTART.");
                continue;
            }

            if (e.RecurrenceRule is not null || e.RecurrenceDates.GetAllDates().Any())
            {
                skipped.Add($"{label}: recurring events are not expanded; list each year's dates.");
                continue;
            }

            if (string.Equals(e.Status, "CANCELLED", StringComparison.OrdinalIgnoreCase))
            {
                skipped.Add($"{label}: cancelled.");
                continue;
            }

            var start = LocalDate.FromDateOnly(e.DtStart.Date);
            if (!e.DtStart.HasTime)
            {
                var end = e.DtEnd is null ? start.PlusDays(1) : LocalDate.FromDateOnly(e.DtEnd.Date);
                for (var date = start; date < end || date == start; date = date.PlusDays(1))
                {
                    if (IsMakeUpDay(e))
                    {
                        builder.MakeUpWorkingDay(date, IsoDayOfWeek.Monday, e.Summary);
                        makeUps++;
                    }
                    else
                    {
                        builder.Holiday(date, e.Summary);
                        holidays++;
                    }
                }

                continue;
            }

            var from = LocalTime.FromTicksSinceMidnight(e.DtStart.Value.TimeOfDay.Ticks);
            var to = e.DtEnd is { HasTime: true } endTime && LocalDate.FromDateOnly(endTime.Date) == start
                ? LocalTime.FromTicksSinceMidnight(endTime.Value.TimeOfDay.Ticks)
                : LocalTime.Midnight;
            builder.PartDayHoliday(start, from, to, e.Summary);
            partDays++;
        }

        // The file is dated data: the years it lists holidays for are covered (a file adding 2027 extends the coverage by 2027).
        var years = calendar.Events.Where(e => e.DtStart is not null && e.RecurrenceRule is null && !string.Equals(e.Status, "CANCELLED", StringComparison.OrdinalIgnoreCase))
            .Select(e => e.DtStart!.Date.Year).Distinct().ToArray();
        if (years.Length > 0)
        {
            builder.Covers(years);
        }

        return new ICalendarImportReport(holidays, partDays, makeUps, skipped);
    }

    private static bool IsMakeUpDay(CalendarEvent e) =>
        e.Categories.Any(c => string.Equals(c, MakeUpWorkingDayCategory, StringComparison.OrdinalIgnoreCase) || string.Equals(c, "WORKDAY", StringComparison.OrdinalIgnoreCase))
        || (e.Summary ?? "").Contains("make-up working day", StringComparison.OrdinalIgnoreCase)
        || (e.Summary ?? "").Contains("补班", StringComparison.Ordinal);
}
