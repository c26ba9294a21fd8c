using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>A dimension a KPI query groups or filters by.</summary>
[Flags]
public enum FactDimension
{
    /// <summary>No dimension.</summary>
    None = 0,

    /// <summary>Team.</summary>
    Team = 1,

    /// <summary>Agent.</summary>
    Agent = 2,

    /// <summary>Product.</summary>
    Product = 4,

    /// <summary>Channel.</summary>
    Channel = 8,

    /// <summary>Category.</summary>
    Category = 16,

    /// <summary>Priority.</summary>
    Priority = 32,

    /// <summary>Customer segment.</summary>
    Segment = 64,
}
