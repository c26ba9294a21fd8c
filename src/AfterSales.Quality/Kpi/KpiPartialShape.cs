using System.Globalization;
using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// The query a <see cref="KpiPartial"/> answers, by value: what it groups by, its period and zone, its window, its
/// filters by name, the percentiles it keeps and whether it has counters. Two partials merge only when their shapes are equal.
/// </summary>
public sealed class KpiPartialShape
{
    private KpiPartialShape(
        FactDimension groupBy,
        KpiPeriod period,
        string timeZoneId,
        Instant? from,
        Instant? to,
        IReadOnlyDictionary<FactDimension, IReadOnlyList<string>> filters,
        DurationMeasures percentiles,
        bool withCounters)
    {
        GroupBy = groupBy;
        Period = period;
        TimeZoneId = timeZoneId;
        From = from;
        To = to;
        Filters = filters;
        Percentiles = percentiles;
        WithCounters = withCounters;
    }

    /// <summary>The dimensions grouped by.</summary>
    public FactDimension GroupBy { get; }

    /// <summary>The period grouped by.</summary>
    public KpiPeriod Period { get; }

    /// <summary>The id of the zone the periods were taken in (the query's, else the fact table's).</summary>
    public string TimeZoneId { get; }

    /// <summary>Only tickets received at or after this instant.</summary>
    public Instant? From { get; }

    /// <summary>Only tickets received before this instant.</summary>
    public Instant? To { get; }

    /// <summary>The filters by value: per filtered dimension, the names kept (ordinal order).</summary>
    public IReadOnlyDictionary<FactDimension, IReadOnlyList<string>> Filters { get; }

    /// <summary>The duration measures whose percentiles the groups keep.</summary>
    public DurationMeasures Percentiles { get; }

    /// <summary>Whether the groups have the counters behind every KPI value.</summary>
    public bool WithCounters { get; }

    internal static KpiPartialShape Of(KpiQuery query, FactDimensions dimensions, DateTimeZone tableZone)
    {
        var filters = new SortedDictionary<FactDimension, IReadOnlyList<string>>();
        foreach (var (dimension, codes) in query.Filters)
        {
            try
            {
                filters[dimension] = codes.Select(code => dimensions.NameOf(dimension, code)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ArgumentException($"query.Filters[{dimension}]: a code is not in these dimensions ({e.Message}).", nameof(query), e);
            }
        }

        return new KpiPartialShape(query.GroupBy, query.Period, (query.TimeZone ?? tableZone).Id, query.From, query.To, filters, query.Percentiles, query.WithCounters);
    }

    /// <summary>The first field in which another shape differs from this one, or null when they are equal.</summary>
    internal string? Difference(KpiPartialShape other)
    {
        if (GroupBy != other.GroupBy)
        {
            return $"GroupBy {other.GroupBy}, not {GroupBy}";
        }

        if (Period != other.Period)
        {
            return $"Period {other.Period}, not {Period}";
        }

        if (Period != KpiPeriod.None && !string.Equals(TimeZoneId, other.TimeZoneId, StringComparison.Ordinal))
        {
            return $"TimeZone {other.TimeZoneId}, not {TimeZoneId}";
        }

        if (From != other.From)
        {
            return $"From {Show(other.From)}, not {Show(From)}";
        }

        if (To != other.To)
        {
            return $"To {Show(other.To)}, not {Show(To)}";
        }

        if (Filters.Count != other.Filters.Count || Filters.Any(f => !other.Filters.TryGetValue(f.Key, out var names) || !names.SequenceEqual(f.Value, StringComparer.Ordinal)))
        {
            return "Filters differ";
        }

        if (Percentiles != other.Percentiles)
        {
            return $"Percentiles {other.Percentiles}, not {Percentiles}";
        }

        return WithCounters != other.WithCounters ? $"WithCounters {other.WithCounters}, not {WithCounters}" : null;
    }

    internal void WriteTo(BinaryWriter writer)
    {
        writer.Write((byte)GroupBy);
        writer.Write((byte)Period);
        writer.Write(TimeZoneId);
        WriteInstant(writer, From);
        WriteInstant(writer, To);
        writer.Write7BitEncodedInt(Filters.Count);
        foreach (var (dimension, names) in Filters)
        {
            writer.Write((byte)dimension);
            writer.Write7BitEncodedInt(names.Count);
            foreach (var name in names)
            {
                writer.Write(name);
            }
        }

        writer.Write((byte)Percentiles);
        writer.Write(WithCounters);
    }

    internal static KpiPartialShape ReadFrom(BinaryReader reader)
    {
        var groupBy = (FactDimension)reader.ReadByte();
        if ((groupBy & ~KpiKeys.AllDimensions) != 0)
        {
            throw new FormatException($"partial: GroupBy {groupBy} holds bits that are no dimension.");
        }

        var period = (KpiPeriod)reader.ReadByte();
        if (!Enum.IsDefined(period))
        {
            throw new FormatException($"partial: period {(int)period} is no KPI period.");
        }

        var zone = reader.ReadString();
        var from = ReadInstant(reader);
        var to = ReadInstant(reader);
        var count = reader.Read7BitEncodedInt();
        if (count is < 0 or > 7)
        {
            throw new FormatException($"partial: {count} filters; there are 7 dimensions.");
        }

        var filters = new SortedDictionary<FactDimension, IReadOnlyList<string>>();
        for (var i = 0; i < count; i++)
        {
            var dimension = (FactDimension)reader.ReadByte();
            if (!KpiKeys.IsSingle(dimension) || filters.ContainsKey(dimension))
            {
                throw new FormatException($"partial: filter {i} is on {dimension}, not a single dimension filtered once.");
            }

            var names = new string[reader.Read7BitEncodedInt()];
            for (var n = 0; n < names.Length; n++)
            {
                names[n] = reader.ReadString();
            }

            filters[dimension] = names;
        }

        var percentiles = (DurationMeasures)reader.ReadByte();
        if ((percentiles & ~DurationMeasures.All) != 0)
        {
            throw new FormatException($"partial: percentiles {percentiles} hold bits that are no duration measure.");
        }

        return new KpiPartialShape(groupBy, period, zone, from, to, filters, percentiles, reader.ReadBoolean());
    }

    private static void WriteInstant(BinaryWriter writer, Instant? instant)
    {
        writer.Write(instant.HasValue);
        if (instant is { } value)
        {
            writer.Write(value.ToUnixTimeTicks());
        }
    }

    private static Instant? ReadInstant(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }

        var ticks = reader.ReadInt64();
        if (ticks < Instant.MinValue.ToUnixTimeTicks() || ticks > Instant.MaxValue.ToUnixTimeTicks())
        {
            throw new FormatException($"partial: instant {ticks} ticks is out of range.");
        }

        return Instant.FromUnixTimeTicks(ticks);
    }

    private static string Show(Instant? instant) => instant?.ToString("g", CultureInfo.InvariantCulture) ?? "(none)";
}
