using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>The period a KPI query groups by, taken in the query's time zone.</summary>
public enum KpiPeriod
{
    /// <summary>No period grouping.</summary>
    None = 0,

    /// <summary>Calendar day.</summary>
    Day,

    /// <summary>ISO week (Monday start).</summary>
    IsoWeek,

    /// <summary>Calendar month.</summary>
    Month,

    /// <summary>Calendar quarter.</summary>
    Quarter,

    /// <summary>Calendar year.</summary>
    Year,

    /// <summary>Calendar half-year (January–June, July–December), the guides' 半年度 review period.</summary>
    HalfYear,
}
