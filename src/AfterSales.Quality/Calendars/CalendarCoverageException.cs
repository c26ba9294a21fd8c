using NodaTime;

namespace AfterSales.Quality.Calendars;

/// <summary>What a dated calendar does with a date outside the years its holiday data covers.</summary>
public enum UncoveredDateHandling
{
    /// <summary>Refuse: the operation throws a <see cref="CalendarCoverageException"/> (the default).</summary>
    Throw = 0,

    /// <summary>
    /// Compute with the weekly hours alone (no holidays are known there) and let the caller warn:
    /// SLA statuses carry <c>OutsideCalendarCoverage</c>, and the ticket service logs a warning.
    /// </summary>
    Warn = 1,
}

/// <summary>
/// Thrown when a computation on a dated calendar (one made from holiday data that covers given
/// years, e.g. <see cref="ChinaMainlandHolidays"/>) reaches a date its data does not cover: its
/// holidays there are unknown, and treating it as an ordinary week would be silently wrong. Add the
/// year's holidays and extend the coverage (<see cref="BusinessCalendar.WithCoveredYears"/>, the
/// builder's <see cref="BusinessCalendarBuilder.Covers"/>, <c>CoveredYears</c> in configuration),
/// or choose <see cref="UncoveredDateHandling.Warn"/>.
/// </summary>
public sealed class CalendarCoverageException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="calendar">The calendar's name.</param>
    /// <param name="date">The first uncovered date reached.</param>
    /// <param name="coveredYears">The years the calendar covers.</param>
    public CalendarCoverageException(string calendar, LocalDate date, IReadOnlyList<int> coveredYears)
        : base($"Calendar '{calendar}' has holiday data for {string.Join(", ", coveredYears)} only; {date:uuuu-MM-dd} is not covered. Add {date.Year}'s holidays and its year to the coverage, or choose UncoveredDateHandling.Warn.")
    {
        Calendar = calendar;
        Date = date;
        CoveredYears = coveredYears;
    }

    /// <summary>The calendar's name.</summary>
    public string Calendar { get; }

    /// <summary>The first uncovered date the computation reached.</summary>
    public LocalDate Date { get; }

    /// <summary>The years the calendar covers.</summary>
    public IReadOnlyList<int> CoveredYears { get; }
}
