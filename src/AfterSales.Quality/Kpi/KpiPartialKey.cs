using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <summary>One group of a <see cref="KpiPartial"/>: its key by value and its mergeable aggregate.</summary>
/// <param name="Key">The group key.</param>
/// <param name="Aggregate">The aggregate (counters and sketches; do not change it).</param>
public sealed record KpiPartialGroup(KpiPartialKey Key, KpiAggregate Aggregate)
{
    /// <summary>The KPI values of the group.</summary>
    public KpiValues Values => Aggregate.ToValues();
}

/// <summary>
/// A group key by value: the name of each grouped dimension (null when not grouped by it; <c>(none)</c> for a
/// ticket without the value, e.g. <c>Priority</c> before triage) and the period's first local date.
/// </summary>
/// <param name="Team">Team.</param>
/// <param name="Agent">Agent.</param>
/// <param name="Product">Product.</param>
/// <param name="Channel">Channel.</param>
/// <param name="Category">Category.</param>
/// <param name="Priority">Priority (<c>P0</c>–<c>P3</c>, <c>(none)</c>).</param>
/// <param name="Segment">Segment.</param>
/// <param name="PeriodStart">The first local date of the period, when grouped by period.</param>
public sealed record KpiPartialKey(string? Team, string? Agent, string? Product, string? Channel, string? Category, string? Priority, string? Segment, LocalDate? PeriodStart)
{
    private static readonly FactDimension[] Order = KpiKeys.SingleDimensions;

    internal static IComparer<KpiPartialKey> Comparer { get; } = Comparer<KpiPartialKey>.Create((a, b) =>
    {
        foreach (var dimension in Order)
        {
            var c = string.CompareOrdinal(a.NameOf(dimension), b.NameOf(dimension));
            if (c != 0)
            {
                return c;
            }
        }

        return Nullable.Compare(a.PeriodStart, b.PeriodStart);
    });

    /// <summary>The key's name for one dimension (null when not grouped by it).</summary>
    /// <param name="dimension">A single dimension.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not a single dimension.</exception>
    public string? NameOf(FactDimension dimension) => dimension switch
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

    internal static KpiPartialKey Of(KpiGroupKey key, FactDimension groupBy, FactDimensions dimensions)
    {
        string? Name(FactDimension dimension, int code) => (groupBy & dimension) == 0 || code < 0 ? null : dimensions.NameOf(dimension, code);
        return new KpiPartialKey(
            Name(FactDimension.Team, key.Team), Name(FactDimension.Agent, key.Agent), Name(FactDimension.Product, key.Product),
            Name(FactDimension.Channel, key.Channel), Name(FactDimension.Category, key.Category), Name(FactDimension.Priority, key.Priority),
            Name(FactDimension.Segment, key.Segment), key.PeriodStart);
    }

    internal void WriteTo(BinaryWriter writer, FactDimension groupBy, bool byPeriod)
    {
        foreach (var dimension in Order)
        {
            if ((groupBy & dimension) != 0)
            {
                writer.Write(NameOf(dimension) ?? string.Empty);
            }
        }

        if (byPeriod)
        {
            writer.Write(PeriodStart is { } start ? start.ToDateOnly().DayNumber : -1);
        }
    }

    internal static KpiPartialKey ReadFrom(BinaryReader reader, FactDimension groupBy, bool byPeriod)
    {
        var names = new string?[Order.Length];
        for (var i = 0; i < Order.Length; i++)
        {
            if ((groupBy & Order[i]) != 0)
            {
                var name = reader.ReadString();
                names[i] = name.Length == 0 ? throw new FormatException($"partial: an empty {Order[i]} name.") : name;
            }
        }

        LocalDate? start = null;
        if (byPeriod)
        {
            var day = reader.ReadInt32();
            start = day switch
            {
                -1 => null,
                < 0 or > 3_652_058 => throw new FormatException($"partial: period start day {day} is out of range."),
                _ => LocalDate.FromDateOnly(DateOnly.FromDayNumber(day)),
            };
        }

        // Order is KpiKeys.SingleDimensions: team, agent, product, channel, category, priority, segment.
        return new KpiPartialKey(names[0], names[1], names[2], names[3], names[4], names[5], names[6], start);
    }
}
