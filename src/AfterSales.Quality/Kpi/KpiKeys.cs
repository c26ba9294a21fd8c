using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <summary>The dimensions and periods of KPI group keys: one definition for the engine, roll-up, drill-down and analysis.</summary>
internal static class KpiKeys
{
    /// <summary>Every dimension.</summary>
    public const FactDimension AllDimensions = FactDimension.Team | FactDimension.Agent | FactDimension.Product | FactDimension.Channel
        | FactDimension.Category | FactDimension.Priority | FactDimension.Segment;

    /// <summary>The single dimensions, in key order.</summary>
    public static readonly FactDimension[] SingleDimensions =
    [
        FactDimension.Team, FactDimension.Agent, FactDimension.Product, FactDimension.Channel, FactDimension.Category, FactDimension.Priority, FactDimension.Segment,
    ];

    /// <summary>Whether <paramref name="dimension"/> is exactly one known dimension.</summary>
    public static bool IsSingle(FactDimension dimension) =>
        dimension != FactDimension.None && (dimension & ~AllDimensions) == 0 && (dimension & (dimension - 1)) == 0;

    /// <summary>The first local date of the period holding <paramref name="date"/>.</summary>
    public static LocalDate PeriodStart(LocalDate date, KpiPeriod period) => period switch
    {
        KpiPeriod.Day => date,
        KpiPeriod.IsoWeek => date.PlusDays(-((int)date.DayOfWeek - 1)),
        KpiPeriod.Month => new LocalDate(date.Year, date.Month, 1),
        KpiPeriod.Quarter => new LocalDate(date.Year, ((date.Month - 1) / 3 * 3) + 1, 1),
        KpiPeriod.HalfYear => new LocalDate(date.Year, date.Month <= 6 ? 1 : 7, 1),
        KpiPeriod.Year => new LocalDate(date.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "period: not a period."),
    };

    /// <summary>The first local date of the period after the one starting at <paramref name="start"/>.</summary>
    public static LocalDate NextPeriod(LocalDate start, KpiPeriod period) => period switch
    {
        KpiPeriod.Day => start.PlusDays(1),
        KpiPeriod.IsoWeek => start.PlusWeeks(1),
        KpiPeriod.Month => start.PlusMonths(1),
        KpiPeriod.Quarter => start.PlusMonths(3),
        KpiPeriod.HalfYear => start.PlusMonths(6),
        KpiPeriod.Year => start.PlusYears(1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "period: not a period."),
    };

    /// <summary>Items in group-key order: period, then team, agent, product, channel, category, priority, segment.</summary>
    public static IOrderedEnumerable<T> OrderByKey<T>(this IEnumerable<T> items, Func<T, KpiGroupKey> key) => items
        .OrderBy(i => key(i).PeriodStart).ThenBy(i => key(i).Team).ThenBy(i => key(i).Agent).ThenBy(i => key(i).Product)
        .ThenBy(i => key(i).Channel).ThenBy(i => key(i).Category).ThenBy(i => key(i).Priority).ThenBy(i => key(i).Segment);
}
