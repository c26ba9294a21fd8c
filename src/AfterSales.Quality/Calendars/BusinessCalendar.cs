using System.Collections.Immutable;
using NodaTime;
using NodaTime.TimeZones;

namespace AfterSales.Quality.Calendars;

/// <summary>
/// A business calendar: working intervals per weekday (several a day, night shifts across
/// midnight), an IANA time zone, and per-date overrides — holidays (no work), short days and
/// make-up working days (a weekend date worked, with its own intervals). 24×7 is one case of it.
/// Takes and returns <see cref="Instant"/>s; local times are used only inside.
/// Immutable and thread-safe; the working intervals of a year are computed once, on first use,
/// so operations are binary searches and allocate nothing.
/// </summary>
/// <remarks>
/// <para>Local to instant: an interval start inside a DST gap starts when the gap ends; a start
/// in a repeated (fall-back) hour takes the earlier instant and an end the later one, so a
/// 01:00–03:00 shift on a fall-back night holds three real hours. Overlapping intervals
/// (a night shift running into the next day's hours) count once.</para>
/// <para>"N working days" (<see cref="AddWorkingDays"/>) counts dates that have any working time.</para>
/// <para>Instants from 1701-01-01 (inclusive) to 2261-01-01 UTC (exclusive) are supported: an argument
/// outside that range, or an answer that would fall outside it, is refused with an
/// <see cref="ArgumentOutOfRangeException"/> naming the caller's argument (<c>instant</c>,
/// <c>start</c>, <c>end</c>, <c>workingTime</c>, <c>date</c>, <c>days</c>). Searches for working time
/// (<see cref="NextWorkingInstant"/>, <see cref="AddWorkingTime"/>) look at most 100 years ahead and
/// then throw an <see cref="InvalidOperationException"/> (a calendar with no working hours does).</para>
/// </remarks>
public sealed class BusinessCalendar
{
    private const int MaxYearsSearched = 100;
    private static readonly Duration Day = Duration.FromHours(24);
    private readonly ImmutableArray<ImmutableArray<WorkingInterval>> weekly;
    private readonly ImmutableDictionary<LocalDate, ImmutableArray<WorkingInterval>> overrides;
    private readonly YearTable?[] years = new YearTable?[2262 - 1700];
    private readonly bool twentyFourSeven;
    private readonly ImmutableDictionary<LocalDate, string> holidayNames;

    // The covered years as merged instant ranges [start, end) in nanoseconds; null for a calendar without dated data.
    private readonly long[]? coveredStarts;
    private readonly long[]? coveredEnds;

    internal BusinessCalendar(string name, DateTimeZone zone, ImmutableArray<ImmutableArray<WorkingInterval>> weekly, ImmutableDictionary<LocalDate, ImmutableArray<WorkingInterval>> overrides, ImmutableDictionary<LocalDate, string> holidayNames, ImmutableArray<int>? coveredYears, UncoveredDateHandling uncoveredDates)
    {
        Name = name;
        Zone = zone;
        this.weekly = weekly;
        this.overrides = overrides;
        this.holidayNames = holidayNames;
        HolidayNames = holidayNames;
        UncoveredDates = uncoveredDates;
        if (coveredYears is { } years)
        {
            CoveredYears = years;
            var starts = new List<long>();
            var ends = new List<long>();
            foreach (var year in years.Order())
            {
                var from = (new LocalDate(year, 1, 1).AtStartOfDayInZone(zone).ToInstant() - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
                var to = (new LocalDate(year + 1, 1, 1).AtStartOfDayInZone(zone).ToInstant() - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
                if (ends.Count > 0 && ends[^1] == from)
                {
                    ends[^1] = to;
                }
                else
                {
                    starts.Add(from);
                    ends.Add(to);
                }
            }

            coveredStarts = [.. starts];
            coveredEnds = [.. ends];
        }

        // Index 0 (IsoDayOfWeek.None) is never a weekday: only Monday to Sunday decide 24×7.
        twentyFourSeven = overrides.IsEmpty && weekly.Skip(1).All(d => d.Length == 1 && d[0].Start == Duration.Zero && d[0].End == Day);
    }

    /// <summary>The weekly schedule and the date overrides as text (a read-model snapshot's settings fingerprint): equal for calendars that count alike.</summary>
    internal string ScheduleFingerprint()
    {
        var text = new System.Text.StringBuilder();
        for (var day = 1; day < weekly.Length; day++)
        {
            text.Append(day).Append('=').AppendJoin(',', weekly[day].Select(i => $"{i.Start.ToInt64Nanoseconds()}-{i.End.ToInt64Nanoseconds()}")).Append(';');
        }

        foreach (var (date, intervals) in overrides.OrderBy(o => o.Key))
        {
            text.Append(date.Year).Append('-').Append(date.Month).Append('-').Append(date.Day).Append('=')
                .AppendJoin(',', intervals.Select(i => $"{i.Start.ToInt64Nanoseconds()}-{i.End.ToInt64Nanoseconds()}")).Append(';');
        }

        return text.ToString();
    }

    /// <summary>Whether every instant is working time (every weekday 00:00–24:00, no date overrides); such a calendar answers without its year tables.</summary>
    public bool IsTwentyFourSeven => twentyFourSeven;

    /// <summary>The calendar's name (e.g. <c>default</c>, <c>china-mainland</c>).</summary>
    public string Name { get; }

    /// <summary>The IANA time zone the working hours are in.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The dates that have an override (holidays, short days, make-up days) with their names, if given.</summary>
    public IReadOnlyDictionary<LocalDate, string> HolidayNames { get; }

    /// <summary>
    /// The years the calendar's dated holiday data covers, ascending; null for a calendar that makes no
    /// such claim (weekly hours and hand-set dates only), which computes every date. A dated calendar
    /// refuses a computation that reaches an uncovered local date with a <see cref="CalendarCoverageException"/>,
    /// unless <see cref="UncoveredDates"/> is <see cref="UncoveredDateHandling.Warn"/>.
    /// </summary>
    public IReadOnlyList<int>? CoveredYears { get; }

    /// <summary>What a dated calendar does with an uncovered date. Default <see cref="UncoveredDateHandling.Throw"/>.</summary>
    public UncoveredDateHandling UncoveredDates { get; }

    /// <summary>Whether the calendar's data covers a local date (always, for a calendar without dated data).</summary>
    /// <param name="date">The date.</param>
    /// <returns><see langword="true"/> when the date's year is covered or the calendar is not dated.</returns>
    public bool IsCovered(LocalDate date) => CoveredYears is null || CoveredYears.Contains(date.Year);

    /// <summary>Whether every local date from <paramref name="start"/> to <paramref name="end"/> (either order) is covered.</summary>
    /// <param name="start">One end of the span.</param>
    /// <param name="end">The other end.</param>
    /// <returns><see langword="true"/> when the whole span is covered, or the calendar is not dated.</returns>
    public bool Covers(Instant start, Instant end) => FirstUncovered(Nanos(start, nameof(start)), Nanos(end, nameof(end))) is null;

    /// <summary>
    /// A copy that also covers the given years: call it after adding a year's holidays (from
    /// configuration, an .ics file or by hand) to a dated calendar. On a calendar without dated data
    /// it makes the calendar dated, covering exactly these years.
    /// </summary>
    /// <param name="years">The years to add (1701–2260).</param>
    /// <returns>The new calendar.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A year is outside 1701–2260.</exception>
    public BusinessCalendar WithCoveredYears(params int[] years)
    {
        Preconditions.CheckNotNull(years);
        foreach (var year in years)
        {
            Preconditions.CheckRange(year, FirstSupportedYear, LastSupportedYear, nameof(years));
        }

        return new BusinessCalendar(Name, Zone, weekly, overrides, holidayNames, [.. (CoveredYears ?? []).Union(years).Order()], UncoveredDates);
    }

    /// <summary>A copy that handles uncovered dates as given (warn instead of throw, or back).</summary>
    /// <param name="handling">The handling.</param>
    /// <returns>The new calendar.</returns>
    public BusinessCalendar WithUncoveredDates(UncoveredDateHandling handling)
    {
        Preconditions.CheckArgument(Enum.IsDefined(handling), nameof(handling), $"'{(int)handling}' is not an UncoveredDateHandling.");
        return new BusinessCalendar(Name, Zone, weekly, overrides, holidayNames, CoveredYears is null ? null : [.. CoveredYears], handling);
    }

    /// <summary>The first uncovered instant in [a, b] (either order), or null.</summary>
    private long? FirstUncovered(long a, long b)
    {
        if (coveredStarts is null)
        {
            return null;
        }

        if (b < a)
        {
            (a, b) = (b, a);
        }

        for (var i = 0; i < coveredStarts.Length; i++)
        {
            if (a >= coveredStarts[i] && a < coveredEnds![i])
            {
                return b <= coveredEnds[i] ? null : coveredEnds[i];
            }
        }

        return a;
    }

    /// <summary>Refuses a span that reaches an uncovered date, unless the calendar warns instead.</summary>
    private void CheckCovered(long a, long b)
    {
        if (coveredStarts is not null && UncoveredDates == UncoveredDateHandling.Throw && FirstUncovered(a, b) is { } first)
        {
            throw new CalendarCoverageException(Name, FromNanos(first).InZone(Zone).Date, CoveredYears!);
        }
    }

    private void CheckCovered(LocalDate date)
    {
        if (coveredStarts is not null && UncoveredDates == UncoveredDateHandling.Throw && !IsCovered(date))
        {
            throw new CalendarCoverageException(Name, date, CoveredYears!);
        }
    }

    /// <summary>A calendar where every instant is working time.</summary>
    /// <param name="zone">The zone (it only matters for <see cref="AddWorkingDays"/>).</param>
    /// <param name="name">The name. Default <c>24x7</c>.</param>
    /// <returns>The calendar.</returns>
    public static BusinessCalendar TwentyFourSeven(DateTimeZone zone, string name = "24x7")
    {
        Preconditions.CheckNotNull(zone);
        var builder = new BusinessCalendarBuilder(name, zone);
        foreach (var day in Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None))
        {
            builder.Weekly(day, WorkingInterval.Parse("00:00-24:00"));
        }

        return builder.Build();
    }

    /// <summary>The working intervals of a local date (after overrides), as configured.</summary>
    /// <param name="date">The date.</param>
    /// <returns>Its intervals; empty on a day off.</returns>
    public IReadOnlyList<WorkingInterval> IntervalsOn(LocalDate date) =>
        overrides.TryGetValue(date, out var special) ? special : weekly[(int)date.DayOfWeek];

    /// <summary>Whether a date has any working time.</summary>
    /// <param name="date">The date.</param>
    /// <returns><see langword="true"/> for a working day (a make-up day included, a holiday excluded).</returns>
    /// <exception cref="CalendarCoverageException">The calendar is dated and does not cover the date.</exception>
    public bool IsWorkingDay(LocalDate date)
    {
        CheckCovered(date);
        return IntervalsOn(date).Count > 0;
    }

    /// <summary>
    /// Moves <paramref name="days"/> working days from <paramref name="date"/>: forward for a positive
    /// count, backward for a negative one, counting only dates with working time (the start date
    /// itself is not counted). Zero returns the date unchanged.
    /// </summary>
    /// <param name="date">The start date.</param>
    /// <param name="days">Working days to move (−10 000 to 10 000).</param>
    /// <returns>The date reached.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="date"/> is outside 1701–2260, <paramref name="days"/> is out of range, or the date reached would leave 1701–2260.</exception>
    /// <exception cref="InvalidOperationException">The calendar has no working day in range.</exception>
    /// <exception cref="CalendarCoverageException">The calendar is dated and the move reaches an uncovered date.</exception>
    public LocalDate AddWorkingDays(LocalDate date, int days)
    {
        Preconditions.CheckRange(days, -10_000, 10_000);
        if (date.Year < FirstSupportedYear || date.Year > LastSupportedYear)
        {
            throw new ArgumentOutOfRangeException(nameof(date), date, $"'{nameof(date)}' must be in the years {FirstSupportedYear} to {LastSupportedYear}; it was {date:uuuu-MM-dd}.");
        }

        var step = Math.Sign(days);
        var left = Math.Abs(days);
        var guard = 0;
        while (left > 0)
        {
            if ((step > 0 && date == LastSupportedDate) || (step < 0 && date == FirstSupportedDate))
            {
                throw new ArgumentOutOfRangeException(nameof(days), days, $"Moving {days} working days from the start leaves the supported years {FirstSupportedYear} to {LastSupportedYear} on calendar '{Name}'.");
            }

            date = date.PlusDays(step);
            if (IsWorkingDay(date))
            {
                left--;
            }

            if (++guard > (Math.Abs(days) + 1) * 400)
            {
                throw new InvalidOperationException($"Calendar '{Name}' has too few working days to move {days} working days from the start.");
            }
        }

        return date;
    }

    /// <summary>Whether an instant is working time.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><see langword="true"/> inside a working interval (its start included, its end excluded).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the supported range.</exception>
    /// <exception cref="CalendarCoverageException">The calendar is dated and does not cover the instant's date.</exception>
    public bool IsWorking(Instant instant)
    {
        var t = Nanos(instant, nameof(instant));
        CheckCovered(t, t);
        if (twentyFourSeven)
        {
            return true;
        }

        var table = Table(YearOf(t));
        var i = table.IndexAtOrBefore(t);
        return i >= 0 && t < table.Ends[i];
    }

    /// <summary>The first working instant at or after <paramref name="instant"/>.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><paramref name="instant"/> itself when it is working time, else the start of the next working interval.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the supported range, or no working time follows it before the end of the range.</exception>
    /// <exception cref="InvalidOperationException">No working time within 100 years.</exception>
    /// <exception cref="CalendarCoverageException">The calendar is dated and the search reaches an uncovered date.</exception>
    public Instant NextWorkingInstant(Instant instant)
    {
        if (IsWorking(instant))
        {
            return instant;
        }

        var t = Nanos(instant, nameof(instant));
        var year = YearOf(t);
        var last = Math.Min(year + MaxYearsSearched - 1, LastSupportedYear);
        for (var y = year; y <= last; y++)
        {
            var table = Table(y);
            var i = y == year ? table.IndexAtOrBefore(t) + 1 : 0;
            if (i < table.Starts.Length)
            {
                var next = Math.Max(t, table.Starts[i]);
                CheckCovered(t, next);
                return FromNanos(next);
            }
        }

        throw last == LastSupportedYear
            ? new ArgumentOutOfRangeException(nameof(instant), instant, $"Calendar '{Name}' has no working time from {instant} to 2261-01-01, the end of the supported range.")
            : NoWorkingTime();
    }

    /// <summary>
    /// The working time in [<paramref name="start"/>, <paramref name="end"/>). Reversed arguments give
    /// the negated result, so between(a, c) = between(a, b) + between(b, c) for any a, b, c.
    /// </summary>
    /// <param name="start">The start.</param>
    /// <param name="end">The end.</param>
    /// <returns>The working time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> or <paramref name="end"/> is outside the supported range.</exception>
    /// <exception cref="CalendarCoverageException">The calendar is dated and the span reaches an uncovered date.</exception>
    public Duration WorkingTimeBetween(Instant start, Instant end)
    {
        var a = Nanos(start, nameof(start));
        var b = Nanos(end, nameof(end));
        CheckCovered(a, b);
        if (twentyFourSeven)
        {
            return end - start;
        }

        if (b < a)
        {
            return -Between(b, a);
        }

        return Between(a, b);
    }

    private Duration Between(long a, long b)
    {
        var ya = YearOf(a);
        var yb = YearOf(b);
        var first = Table(ya);
        if (ya == yb)
        {
            return Duration.FromNanoseconds(first.Cumulative(b) - first.Cumulative(a));
        }

        // Summed as a Duration: the working time of the whole supported range overflows 64-bit nanoseconds.
        var total = Duration.FromNanoseconds(first.Total - first.Cumulative(a));
        for (var y = ya + 1; y < yb; y++)
        {
            total += Duration.FromNanoseconds(Table(y).Total);
        }

        return total + Duration.FromNanoseconds(Table(yb).Cumulative(b));
    }

    /// <summary>
    /// The earliest instant at which <paramref name="workingTime"/> of working time has passed since
    /// <paramref name="start"/>: for a positive duration, inside or at the end of a working interval;
    /// for zero, <paramref name="start"/> itself. A negative duration goes back: the latest instant
    /// <c>x</c> at or before <paramref name="start"/> with <c>WorkingTimeBetween(x, start)</c> equal to
    /// its magnitude (inside or at the start of a working interval).
    /// </summary>
    /// <param name="start">The start.</param>
    /// <param name="workingTime">The working time to add; negative to go back.</param>
    /// <returns>The instant reached.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is outside the supported range, or the instant reached is outside it (at or after 2261-01-01, or before 1701-01-01).</exception>
    /// <exception cref="InvalidOperationException">No such working time within 100 years.</exception>
    /// <exception cref="CalendarCoverageException">The calendar is dated and the instant reached lies past the covered years (or the start outside them).</exception>
    public Instant AddWorkingTime(Instant start, Duration workingTime)
    {
        var t = Nanos(start, nameof(start));
        CheckCovered(t, t);
        if (workingTime < Duration.Zero)
        {
            return SubtractWorkingTime(start, t, workingTime);
        }

        if (workingTime == Duration.Zero)
        {
            return start;
        }

        // Working time never exceeds wall time, so this bound also keeps the nanoseconds below in range.
        if (workingTime >= MaxSupported - start)
        {
            throw PastTheRange(start, workingTime);
        }

        if (twentyFourSeven)
        {
            if (coveredStarts is not null)
            {
                CheckCovered(t, Nanos(start + workingTime, nameof(workingTime)));
            }

            return start + workingTime;
        }

        if (workingTime > SearchedSpan)
        {
            throw NoWorkingTime();
        }

        var year = YearOf(t);
        var table = Table(year);
        var target = table.Cumulative(t) + workingTime.ToInt64Nanoseconds();
        var last = Math.Min(year + MaxYearsSearched - 1, LastSupportedYear);
        for (var y = year; y <= last; y++)
        {
            table = y == year ? table : Table(y);
            if (target <= table.Total)
            {
                var reached = table.InstantAtCumulative(target);
                if (reached >= MaxSupportedNanos)
                {
                    throw PastTheRange(start, workingTime);
                }

                CheckCovered(t, reached);
                return FromNanos(reached);
            }

            target -= table.Total;
        }

        throw last == LastSupportedYear ? PastTheRange(start, workingTime) : NoWorkingTime();
    }

    private Instant SubtractWorkingTime(Instant start, long t, Duration workingTime)
    {
        // Working time never exceeds wall time: going back further than the range start cannot succeed.
        if (workingTime < MinSupported - start)
        {
            throw BeforeTheRange(start, workingTime);
        }

        if (twentyFourSeven)
        {
            if (coveredStarts is not null)
            {
                CheckCovered(Nanos(start + workingTime, nameof(workingTime)), t);
            }

            return start + workingTime;
        }

        if (-workingTime > SearchedSpan)
        {
            throw NoWorkingTime();
        }

        var year = YearOf(t);
        var table = Table(year);
        var target = table.Cumulative(t) - (-workingTime).ToInt64Nanoseconds();
        var first = Math.Max(year - MaxYearsSearched + 1, FirstSupportedYear);
        var y = year;
        while (target < 0)
        {
            if (--y < first)
            {
                throw first == FirstSupportedYear ? BeforeTheRange(start, workingTime) : NoWorkingTime();
            }

            table = Table(y);
            target += table.Total;
        }

        var reached = table.LatestInstantAtCumulative(target);
        CheckCovered(reached, t);
        return FromNanos(reached);
    }

    private ArgumentOutOfRangeException BeforeTheRange(Instant start, Duration workingTime) =>
        new(nameof(workingTime), workingTime, $"Going back {-workingTime} of working time from {start} on calendar '{Name}' reaches before 1701-01-01, the start of the supported range.");

    private ArgumentOutOfRangeException PastTheRange(Instant start, Duration workingTime) =>
        new(nameof(workingTime), workingTime, $"Adding {workingTime} of working time to {start} on calendar '{Name}' reaches past 2261-01-01, the end of the supported range.");

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Zone.Id})";

    private InvalidOperationException NoWorkingTime() => new($"Calendar '{Name}' has too little working time: what was asked for is not reached within {MaxYearsSearched} years.");

    private static readonly Instant MinSupported = Instant.FromUtc(1701, 1, 1, 0, 0);
    private static readonly Instant MaxSupported = Instant.FromUtc(2261, 1, 1, 0, 0);

    private static readonly long MaxSupportedNanos = (MaxSupported - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
    private static readonly Duration SearchedSpan = Duration.FromDays(MaxYearsSearched * 366);
    private const int FirstSupportedYear = 1701;
    private const int LastSupportedYear = 2260;
    private static readonly LocalDate FirstSupportedDate = new(FirstSupportedYear, 1, 1);
    private static readonly LocalDate LastSupportedDate = new(LastSupportedYear, 12, 31);

    private static long Nanos(Instant instant, string paramName) =>
        instant >= MinSupported && instant < MaxSupported
            ? (instant - NodaConstants.UnixEpoch).ToInt64Nanoseconds()
            : throw new ArgumentOutOfRangeException(paramName, instant, $"'{paramName}' must be from 1701-01-01 (inclusive) to 2261-01-01 UTC (exclusive), the range business calendars support; it was {instant}.");

    private static Instant FromNanos(long nanos) => NodaConstants.UnixEpoch + Duration.FromNanoseconds(nanos);

    private const int FirstTabulatedYear = 1700;
    private static readonly long[] YearStarts = Enumerable.Range(FirstTabulatedYear, 2262 - FirstTabulatedYear).Select(y => (Instant.FromUtc(y, 1, 1, 0, 0) - NodaConstants.UnixEpoch).ToInt64Nanoseconds()).ToArray();
    private const long NanosPerDay = 86_400_000_000_000L;
    private const long NanosPerYear = 31_557_600_000_000_000L; // 365.25 days

    private static int YearOf(long nanos)
    {
        // An estimate from the mean year length, corrected against the tabulated year starts.
        var i = (int)((nanos - YearStarts[0]) / NanosPerYear);
        if ((uint)i >= (uint)(YearStarts.Length - 1))
        {
            return FromNanos(nanos).InUtc().Year;
        }

        while (i > 0 && nanos < YearStarts[i])
        {
            i--;
        }

        while (i < YearStarts.Length - 1 && nanos >= YearStarts[i + 1])
        {
            i++;
        }

        return FirstTabulatedYear + i;
    }

    private YearTable Table(int year)
    {
        // Tables are built once per year on first use; a race builds the same table twice and one wins.
        var index = year - FirstTabulatedYear;
        return Volatile.Read(ref years[index]) ?? Interlocked.CompareExchange(ref years[index], Build(year), null) ?? years[index]!;
    }

    /// <summary>The working intervals that start in one UTC year, clipped to it, merged and with prefix sums.</summary>
    private YearTable Build(int year)
    {
        var yearStart = (Instant.FromUtc(year, 1, 1, 0, 0) - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
        var yearEnd = (Instant.FromUtc(year + 1, 1, 1, 0, 0) - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
        var spans = new List<(long Start, long End)>();
        var startResolver = Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);
        var endResolver = Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnStartOfIntervalAfter);

        // Local dates around the UTC year: zones are at most ±18 h off and night shifts end a day later.
        for (var date = new LocalDate(year, 1, 1).PlusDays(-3); date <= new LocalDate(year, 12, 31).PlusDays(3); date = date.PlusDays(1))
        {
            var midnight = date.AtMidnight();
            foreach (var interval in IntervalsOn(date))
            {
                var s = (Zone.ResolveLocal(midnight + Period.FromNanoseconds(interval.Start.ToInt64Nanoseconds()), startResolver).ToInstant() - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
                var e = (Zone.ResolveLocal(midnight + Period.FromNanoseconds(interval.End.ToInt64Nanoseconds()), endResolver).ToInstant() - NodaConstants.UnixEpoch).ToInt64Nanoseconds();
                s = Math.Max(s, yearStart);
                e = Math.Min(e, yearEnd);
                if (e > s)
                {
                    spans.Add((s, e));
                }
            }
        }

        spans.Sort();
        var starts = new List<long>(spans.Count);
        var ends = new List<long>(spans.Count);
        foreach (var (s, e) in spans)
        {
            if (ends.Count > 0 && s <= ends[^1])
            {
                ends[^1] = Math.Max(ends[^1], e);
            }
            else
            {
                starts.Add(s);
                ends.Add(e);
            }
        }

        return new YearTable(year, yearStart, [.. starts], [.. ends]);
    }

    /// <summary>Sorted disjoint intervals of one year with the working time before each.</summary>
    private sealed class YearTable
    {
        public YearTable(int year, long yearStart, long[] starts, long[] ends)
        {
            Year = year;
            YearStart = yearStart;
            Starts = starts;
            Ends = ends;
            Before = new long[starts.Length];
            long sum = 0;
            for (var i = 0; i < starts.Length; i++)
            {
                Before[i] = sum;
                sum += ends[i] - starts[i];
            }

            Total = sum;

            // For each UTC day of the year, the first interval that ends after the day starts:
            // a search starts there and steps over the few intervals of one day.
            FirstOfDay = new int[368];
            var j = 0;
            for (var d = 0; d < FirstOfDay.Length; d++)
            {
                var dayStart = yearStart + (d * NanosPerDay);
                while (j < ends.Length && ends[j] <= dayStart)
                {
                    j++;
                }

                FirstOfDay[d] = j;
            }
        }

        public int Year { get; }

        public long YearStart { get; }

        public long[] Starts { get; }

        public long[] Ends { get; }

        public long[] Before { get; }

        public int[] FirstOfDay { get; }

        public long Total { get; }

        /// <summary>The last interval starting at or before <paramref name="t"/>, or −1.</summary>
        public int IndexAtOrBefore(long t)
        {
            var i = FirstOfDay[(int)((t - YearStart) / NanosPerDay)] - 1;
            var starts = Starts;
            while (i + 1 < starts.Length && starts[i + 1] <= t)
            {
                i++;
            }

            return i;
        }

        /// <summary>Working time from the start of the year to <paramref name="t"/>.</summary>
        public long Cumulative(long t)
        {
            var i = IndexAtOrBefore(t);
            return i < 0 ? 0 : Before[i] + Math.Min(t, Ends[i]) - Starts[i];
        }

        /// <summary>The latest instant where the cumulative working time is <paramref name="target"/> (0 ≤ target &lt; Total).</summary>
        public long LatestInstantAtCumulative(long target)
        {
            // The first interval whose end-cumulative (Before + length) exceeds the target.
            int lo = 0, hi = Starts.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Before[mid] + Ends[mid] - Starts[mid] > target)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return Starts[lo] + (target - Before[lo]);
        }

        /// <summary>The earliest instant where the cumulative working time reaches <paramref name="target"/> (0 &lt; target ≤ Total).</summary>
        public long InstantAtCumulative(long target)
        {
            // The first interval whose end-cumulative (Before + length) reaches the target.
            int lo = 0, hi = Starts.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Before[mid] + Ends[mid] - Starts[mid] >= target)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return Starts[lo] + (target - Before[lo]);
        }
    }
}
