using AfterSales.Quality.Calendars;
using BenchmarkDotNet.Attributes;
using NodaTime;

namespace AfterSales.Quality.Benchmarks.Calendars;

/// <summary>
/// Working-time arithmetic on a Shanghai business calendar (Mon–Fri 09:00–12:00, 13:00–18:00) with
/// the 2024 and 2025 public holidays and make-up working days, over random spans up to 90 days.
/// The baseline is the minute-stepping loop a user would otherwise write (step a minute, ask
/// whether it is working time); times are per operation.
/// </summary>
[MemoryDiagnoser]
public class CalendarBenchmarks
{
    private const int Operations = 4096;
    private const int OracleOperations = 8;
    private BusinessCalendar calendar = null!;
    private Instant[] starts = null!;
    private Instant[] ends = null!;
    private Duration[] durations = null!;

    [GlobalSetup]
    public void Setup()
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var builder = new BusinessCalendarBuilder("china", zone).Weekdays(WorkingInterval.Parse("09:00-12:00"), WorkingInterval.Parse("13:00-18:00"));
        foreach (var (year, month, day, days) in new[] { (2024, 1, 1, 1), (2024, 2, 10, 8), (2024, 4, 4, 3), (2024, 5, 1, 5), (2024, 6, 10, 1), (2024, 9, 15, 3), (2024, 10, 1, 7), (2025, 1, 1, 1), (2025, 1, 28, 8), (2025, 4, 4, 3), (2025, 5, 1, 5), (2025, 5, 31, 3), (2025, 10, 1, 8) })
        {
            for (var d = 0; d < days; d++)
            {
                builder.Holiday(new LocalDate(year, month, day).PlusDays(d));
            }
        }

        foreach (var (year, month, day) in new[] { (2024, 2, 4), (2024, 2, 18), (2024, 4, 7), (2024, 4, 28), (2024, 5, 11), (2024, 9, 14), (2024, 9, 29), (2024, 10, 12), (2025, 1, 26), (2025, 2, 8), (2025, 4, 27), (2025, 9, 28), (2025, 10, 11) })
        {
            builder.MakeUpWorkingDay(new LocalDate(year, month, day));
        }

        calendar = builder.Build();
        var random = new Random(42);
        var origin = Instant.FromUtc(2024, 1, 1, 0, 0);
        starts = new Instant[Operations];
        ends = new Instant[Operations];
        durations = new Duration[Operations];
        for (var i = 0; i < Operations; i++)
        {
            starts[i] = origin + Duration.FromMinutes(random.Next(0, 600 * 24 * 60));
            ends[i] = starts[i] + Duration.FromMinutes(random.Next(0, 90 * 24 * 60));
            durations[i] = Duration.FromMinutes(random.Next(0, 90 * 8 * 60 / 1));
        }

        // Warm the year tables so the measurement is the steady state.
        _ = calendar.WorkingTimeBetween(origin, origin + Duration.FromDays(800));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OracleOperations, Description = "minute-stepping loop: between")]
    public long MinuteSteppingBetween()
    {
        long total = 0;
        for (var i = 0; i < OracleOperations; i++)
        {
            for (var t = starts[i]; t < ends[i]; t += Duration.FromMinutes(1))
            {
                total += calendar.IsWorking(t) ? 1 : 0;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "BusinessCalendar.WorkingTimeBetween")]
    public Duration Between()
    {
        var total = Duration.Zero;
        for (var i = 0; i < Operations; i++)
        {
            total += calendar.WorkingTimeBetween(starts[i], ends[i]);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "BusinessCalendar.AddWorkingTime")]
    public Instant Add()
    {
        var last = default(Instant);
        for (var i = 0; i < Operations; i++)
        {
            last = calendar.AddWorkingTime(starts[i], durations[i]);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "BusinessCalendar.IsWorking")]
    public int IsWorking()
    {
        var count = 0;
        for (var i = 0; i < Operations; i++)
        {
            count += calendar.IsWorking(starts[i]) ? 1 : 0;
        }

        return count;
    }
}
