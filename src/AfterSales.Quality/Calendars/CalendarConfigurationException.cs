using System.Collections.Immutable;
using NodaTime;

namespace AfterSales.Quality.Calendars;

/// <summary>
/// Thrown when a calendar's configuration is invalid: every problem is listed at once, each naming
/// the weekday, date, interval or zone at fault. Nothing is built.
/// </summary>
public sealed class CalendarConfigurationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="calendar">The calendar's name.</param>
    /// <param name="errors">The problems.</param>
    public CalendarConfigurationException(string calendar, IReadOnlyList<string> errors)
        : base($"Calendar '{calendar}' is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}")
    {
        Calendar = calendar;
        Errors = errors;
    }

    /// <summary>The calendar's name.</summary>
    public string Calendar { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Errors { get; }
}
