using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// One node's grouped KPI result in a portable form, to merge the results of several nodes (or several desks,
/// or several months' stores) in one call. Each node's <see cref="FactDimensions"/> assign their own codes, so a
/// partial names its group keys and its filters by value (<c>team-a</c>, <c>P1</c>), not by code, and carries the
/// query's shape (grouping, period, zone, window, filters, percentiles) so that only partials of the same query
/// are merged. Immutable.
/// </summary>
/// <remarks>
/// The byte form (<see cref="ToBytes"/>, <see cref="FromBytes"/>) holds a format version, the shape, and each
/// group's key and <see cref="KpiAggregate.ToBytes"/>; the same partial always gives the same bytes, and merging
/// partials read back gives exactly what merging the originals gives: counters add, sketches merge, so the merged
/// values equal the values of one query over every node's facts (percentiles within the sketch's 1 % bound).
/// </remarks>
public sealed class KpiPartial
{
    private const byte FormatVersion = 1;

    private KpiPartial(KpiPartialShape shape, IReadOnlyList<KpiPartialGroup> groups)
    {
        Shape = shape;
        Groups = groups;
    }

    /// <summary>The query the partial answers.</summary>
    public KpiPartialShape Shape { get; }

    /// <summary>The groups, ordered by key (ordinal by name, then period).</summary>
    public IReadOnlyList<KpiPartialGroup> Groups { get; }

    /// <summary>Runs a query on a fact table and returns its portable partial.</summary>
    /// <param name="table">The facts.</param>
    /// <param name="dimensions">The dictionaries the facts' codes come from.</param>
    /// <param name="query">The query.</param>
    /// <returns>The partial.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The query is invalid; the message names the field.</exception>
    public static KpiPartial Compute(FactTable table, FactDimensions dimensions, KpiQuery query)
    {
        Preconditions.CheckNotNull(table);
        Preconditions.CheckNotNull(dimensions);
        Preconditions.CheckNotNull(query);
        return FromGroups(KpiEngine.Aggregate(table, query), query, dimensions, table.TimeZone);
    }

    /// <summary>The portable partial of groups a query already gave.</summary>
    /// <param name="groups">The groups <see cref="KpiEngine.Aggregate(FactTable, KpiQuery, int?)"/> returned for <paramref name="query"/>.</param>
    /// <param name="query">The query.</param>
    /// <param name="dimensions">The dictionaries of the fact table the groups came from.</param>
    /// <param name="tableZone">The fact table's zone (<see cref="FactTable.TimeZone"/>), used when the query names none.</param>
    /// <returns>The partial.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The query is invalid, a group is null, or a code is not in <paramref name="dimensions"/>; the message says which.</exception>
    public static KpiPartial FromGroups(IEnumerable<KpiGroup> groups, KpiQuery query, FactDimensions dimensions, DateTimeZone tableZone)
    {
        Preconditions.CheckNotNull(groups);
        Preconditions.CheckNotNull(query);
        Preconditions.CheckNotNull(dimensions);
        Preconditions.CheckNotNull(tableZone);
        query.Validate();
        var shape = KpiPartialShape.Of(query, dimensions, tableZone);
        var merged = new Dictionary<KpiPartialKey, KpiAggregate>();
        foreach (var group in groups)
        {
            Preconditions.CheckArgument(group is not null, nameof(groups), "groups: a group is null.");
            KpiPartialKey key;
            try
            {
                key = KpiPartialKey.Of(group.Key, query.GroupBy, dimensions);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ArgumentException($"groups: a group's key is not in these dimensions ({e.Message}); pass the dictionaries of the table the groups came from.", nameof(groups), e);
            }

            Add(merged, key, group.Aggregate, shape);
        }

        return new KpiPartial(shape, Order(merged, shape));
    }

    /// <summary>Merges the partials of several nodes into one: the groups with the same key add up.</summary>
    /// <param name="partials">The partials, at least one, all of the same <see cref="Shape"/>.</param>
    /// <returns>The merged partial.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="partials"/> is null.</exception>
    /// <exception cref="ArgumentException">No partial, a null one, or one of another shape; the message names the index and the field that differs.</exception>
    public static KpiPartial Merge(IEnumerable<KpiPartial> partials)
    {
        Preconditions.CheckNotNull(partials);
        KpiPartialShape? shape = null;
        var merged = new Dictionary<KpiPartialKey, KpiAggregate>();
        var index = 0;
        foreach (var partial in partials)
        {
            Preconditions.CheckArgument(partial is not null, nameof(partials), $"partials[{index}]: is null.");
            if (shape is null)
            {
                shape = partial.Shape;
            }
            else if (shape.Difference(partial.Shape) is { } difference)
            {
                throw new ArgumentException($"partials[{index}]: answers another query than partials[0] ({difference}); only partials of the same query merge.", nameof(partials));
            }

            foreach (var group in partial.Groups)
            {
                Add(merged, group.Key, group.Aggregate, shape);
            }

            index++;
        }

        Preconditions.CheckArgument(shape is not null, nameof(partials), "partials: at least one partial is required.");
        return new KpiPartial(shape, Order(merged, shape));
    }

    /// <summary>Reads the byte forms of several nodes' partials and merges them in one call.</summary>
    /// <param name="partials">The byte forms (<see cref="ToBytes"/>), at least one.</param>
    /// <returns>The merged partial.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="partials"/> is null.</exception>
    /// <exception cref="ArgumentException">No partial, or partials of different queries.</exception>
    /// <exception cref="FormatException">A byte form is malformed; the message names its index.</exception>
    public static KpiPartial Merge(IEnumerable<byte[]> partials)
    {
        Preconditions.CheckNotNull(partials);
        return Merge(partials.Select((bytes, i) =>
        {
            Preconditions.CheckArgument(bytes is not null, nameof(partials), $"partials[{i}]: is null.");
            try
            {
                return FromBytes(bytes);
            }
            catch (FormatException e)
            {
                throw new FormatException($"partials[{i}]: {e.Message}", e);
            }
        }).ToList());
    }

    /// <summary>The partial as bytes, to send from one node to another.</summary>
    /// <returns>The bytes (deterministic).</returns>
    public byte[] ToBytes() => AggregateFormat.Write(FormatVersion, writer =>
    {
        Shape.WriteTo(writer);
        writer.Write7BitEncodedInt(Groups.Count);
        foreach (var group in Groups)
        {
            group.Key.WriteTo(writer, Shape.GroupBy, Shape.Period != KpiPeriod.None);
            var aggregate = group.Aggregate.ToBytes();
            writer.Write7BitEncodedInt(aggregate.Length);
            writer.Write(aggregate);
        }
    });

    /// <summary>Reads a partial written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The partial.</returns>
    /// <exception cref="FormatException">The bytes are not a partial this version reads: truncated, trailing data, another format version, a repeated key, a bad aggregate.</exception>
    public static KpiPartial FromBytes(ReadOnlySpan<byte> bytes) => AggregateFormat.Read(bytes, "partial", FormatVersion, reader =>
    {
        var shape = KpiPartialShape.ReadFrom(reader);
        var count = reader.Read7BitEncodedInt();
        if (count < 0)
        {
            throw new FormatException($"partial: group count {count} is negative.");
        }

        var groups = new Dictionary<KpiPartialKey, KpiAggregate>();
        for (var i = 0; i < count; i++)
        {
            var key = KpiPartialKey.ReadFrom(reader, shape.GroupBy, shape.Period != KpiPeriod.None);
            var length = reader.Read7BitEncodedInt();
            if (length < 0)
            {
                throw new FormatException($"partial: group {i}'s aggregate length {length} is negative.");
            }

            var aggregate = KpiAggregate.FromBytes(reader.ReadBytes(length));
            if (aggregate.Percentiles != shape.Percentiles)
            {
                throw new FormatException($"partial: group {i} keeps percentiles {aggregate.Percentiles}, the query {shape.Percentiles}.");
            }

            if (!groups.TryAdd(key, aggregate))
            {
                throw new FormatException($"partial: group {i} repeats the key {key}.");
            }
        }

        return new KpiPartial(shape, Order(groups, shape));
    });

    private static void Add(Dictionary<KpiPartialKey, KpiAggregate> merged, KpiPartialKey key, KpiAggregate aggregate, KpiPartialShape shape)
    {
        if (!merged.TryGetValue(key, out var sum))
        {
            merged[key] = sum = new KpiAggregate(shape.Percentiles);
        }

        sum.Merge(aggregate);
    }

    private static KpiPartialGroup[] Order(Dictionary<KpiPartialKey, KpiAggregate> groups, KpiPartialShape shape) => groups
        .OrderBy(kv => kv.Key, KpiPartialKey.Comparer)
        .Select(kv => new KpiPartialGroup(kv.Key, shape.WithCounters ? kv.Value : kv.Value.WithoutCounters()))
        .ToArray();
}
