using AfterSales.Quality.Prioritization;
using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>One group of a KPI result: its key (dimension codes, period start) and its aggregate.</summary>
/// <param name="Key">The group key.</param>
/// <param name="Aggregate">The mergeable aggregate.</param>
public sealed record KpiGroup(KpiGroupKey Key, KpiAggregate Aggregate)
{
    /// <summary>The KPI values of the group.</summary>
    public KpiValues Values => Aggregate.ToValues();

    /// <summary>The group's value of one dimension by name (the team, the channel, <c>P1</c>, …), so no caller decodes codes.</summary>
    /// <param name="dimension">A single dimension.</param>
    /// <param name="dimensions">The dictionaries of the fact table the group came from (e.g. <c>TicketFactProjection.Dimensions</c>).</param>
    /// <returns>The name; null when the query did not group by <paramref name="dimension"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dimensions"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not a single dimension, or the code is not in <paramref name="dimensions"/> (another table's dictionaries).</exception>
    public string? Label(FactDimension dimension, FactDimensions dimensions)
    {
        Preconditions.CheckNotNull(dimensions);
        var code = Key.CodeOf(dimension);
        return code < 0 ? null : dimensions.NameOf(dimension, code);
    }
}

/// <summary>A group key: the codes of the grouped dimensions (−1 when not grouped) and the period's first day.</summary>
/// <param name="Team">Team code.</param>
/// <param name="Agent">Agent code.</param>
/// <param name="Product">Product code.</param>
/// <param name="Channel">Channel code.</param>
/// <param name="Category">Category code.</param>
/// <param name="Priority">Priority.</param>
/// <param name="Segment">Segment code.</param>
/// <param name="PeriodStart">The first local date of the period, when grouped by period.</param>
public readonly record struct KpiGroupKey(int Team, int Agent, int Product, int Channel, int Category, int Priority, int Segment, LocalDate? PeriodStart)
{
    /// <summary>The group's priority when grouped by priority; null when not grouped by it or for tickets not triaged.</summary>
    public Prioritization.Priority? TicketPriority => Priority is >= 0 and <= 3 ? (Prioritization.Priority)Priority : null;

    /// <summary>The key's code for one dimension (−1 when not grouped by it).</summary>
    /// <param name="dimension">A single dimension.</param>
    /// <returns>The code.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not a single dimension.</exception>
    public int CodeOf(FactDimension dimension) => dimension switch
    {
        FactDimension.Team => Team,
        FactDimension.Agent => Agent,
        FactDimension.Product => Product,
        FactDimension.Channel => Channel,
        FactDimension.Category => Category,
        FactDimension.Priority => Priority,
        FactDimension.Segment => Segment,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension: a single dimension is required."),
    };
}
