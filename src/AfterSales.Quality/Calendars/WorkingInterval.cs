using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace AfterSales.Quality.Calendars;

/// <summary>
/// A working interval of a day, as offsets from the day's local midnight: [start, end). The end
/// may be 24:00 (the end of the day, not 23:59) or, for a night shift, up to 24 hours after the
/// start on the next day. Immutable.
/// </summary>
public readonly record struct WorkingInterval
{
    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    /// <summary>Creates an interval.</summary>
    /// <param name="start">The local start time.</param>
    /// <param name="end">The local end time; midnight (00:00) means 24:00 of the same day.</param>
    /// <param name="endsNextDay">Whether the interval ends on the next day (a night shift such as 22:00–06:00).</param>
    /// <exception cref="ArgumentException">The end is not after the start (on the same day), or a night shift lasts more than 24 hours.</exception>
    public WorkingInterval(LocalTime start, LocalTime end, bool endsNextDay = false)
        : this(Offset(start), end == LocalTime.Midnight && !endsNextDay ? Duration.FromHours(24) : Offset(end) + (endsNextDay ? Duration.FromHours(24) : Duration.Zero))
    {
    }

    private WorkingInterval(Duration start, Duration end)
    {
        if (Problem(start, end) is { } problem)
        {
            throw new ArgumentException(problem, nameof(end));
        }

        Start = start;
        End = end;
    }

    /// <summary>The start, as the time since local midnight (0 to under 24 hours).</summary>
    public Duration Start { get; }

    /// <summary>The end, as the time since the local midnight of the start day (up to 48 hours for a night shift).</summary>
    public Duration End { get; }

    /// <summary>Whether the interval ends on the next day.</summary>
    public bool EndsNextDay => End > Duration.FromHours(24);

    /// <summary>The nominal length (wall-clock local time; DST days may differ in real time).</summary>
    public Duration Length => End - Start;

    /// <summary>Creates an interval from offsets since the local midnight of its day.</summary>
    /// <param name="start">The start offset (0 to under 24 hours).</param>
    /// <param name="end">The end offset (after the start, at most 24 hours after it).</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentException">The offsets do not make an interval.</exception>
    public static WorkingInterval FromOffsets(Duration start, Duration end)
    {
        if (start < Duration.Zero || start >= Duration.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "The start must be from 00:00 to before 24:00.");
        }

        return new WorkingInterval(start, end);
    }

    /// <summary>Parses <c>HH:mm-HH:mm</c>, with <c>24:00</c> for the end of the day and a <c>+1</c> suffix for a night shift (e.g. <c>22:00-06:00+1</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="FormatException">The text is not of that form, or the end is not after the start.</exception>
    public static WorkingInterval Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var nextDay = trimmed.EndsWith("+1", StringComparison.Ordinal);
        if (nextDay)
        {
            trimmed = trimmed[..^2].TrimEnd();
        }

        var parts = trimmed.Split('-');
        if (parts.Length != 2)
        {
            throw new FormatException($"'{text}' is not a working interval: write HH:mm-HH:mm, e.g. 09:00-12:00, 13:00-24:00 or 22:00-06:00+1.");
        }

        var start = ParseTime(parts[0].Trim(), text, allowTwentyFour: false);
        var end = ParseTime(parts[1].Trim(), text, allowTwentyFour: !nextDay) + (nextDay ? Duration.FromHours(24) : Duration.Zero);
        return Problem(start, end) is { } problem ? throw new FormatException(problem) : new WorkingInterval(start, end);
    }

    private static string? Problem(Duration start, Duration end) =>
        end <= start ? $"Working interval {Format(start)}-{Format(end)} ends before it starts; use 24:00 for the end of the day or '+1' for a night shift."
        : end - start > Duration.FromHours(24) ? $"Working interval {Format(start)}-{Format(end)} lasts more than 24 hours."
        : null;

    /// <inheritdoc />
    public override string ToString() => $"{Format(Start)}-{Format(EndsNextDay ? End - Duration.FromHours(24) : End)}{(EndsNextDay ? "+1" : "")}";

    private static Duration ParseTime(string value, string text, bool allowTwentyFour)
    {
        if (allowTwentyFour && value == "24:00")
        {
            return Duration.FromHours(24);
        }

        var result = TimePattern.Parse(value);
        return result.Success
            ? Offset(result.Value)
            : throw new FormatException($"'{value}' in working interval '{text}' is not a time HH:mm (00:00-23:59{(allowTwentyFour ? ", or 24:00 as an end" : "")}).");
    }

    private static Duration Offset(LocalTime time) => Duration.FromNanoseconds(time.NanosecondOfDay);

    private static string Format(Duration offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)offset.TotalHours:00}:{offset.Minutes:00}");
}
