namespace AfterSales.Quality.Kpi.Engine;

/// <summary>A dense group index: the period and the grouped dimensions as mixed-radix digits.</summary>
internal sealed class DenseLayout
{
    private readonly FactDimension by;
    private readonly int periodCount;
    private readonly int[] radix = new int[7];

    private DenseLayout(FactDimension by, int periodCount, FactTable table, int maxGroups)
    {
        this.by = by;
        this.periodCount = periodCount;
        radix[0] = Has(FactDimension.Team) ? table.MaxTeam + 1 : 1;
        radix[1] = Has(FactDimension.Agent) ? table.MaxAgent + 1 : 1;
        radix[2] = Has(FactDimension.Product) ? table.MaxProduct + 1 : 1;
        radix[3] = Has(FactDimension.Channel) ? table.MaxChannel + 1 : 1;
        radix[4] = Has(FactDimension.Category) ? table.MaxCategory + 1 : 1;
        radix[5] = Has(FactDimension.Priority) ? table.MaxPriority + 1 : 1;
        radix[6] = Has(FactDimension.Segment) ? table.MaxSegment + 1 : 1;
        long size = Math.Max(1, periodCount);
        foreach (var r in radix)
        {
            size *= r;
        }

        Size = (int)Math.Min(size, int.MaxValue);
        Fits = size <= maxGroups;

        // Strides of the mixed-radix index (0 for a dimension not grouped), so the index is a plain dot product.
        var stride = 1;
        var strides = new int[7];
        for (var d = 6; d >= 0; d--)
        {
            strides[d] = HasDigit(d) ? stride : 0;
            stride = (int)Math.Min((long)stride * radix[d], int.MaxValue);
        }

        (teamStride, agentStride, productStride, channelStride, categoryStride, priorityStride, segmentStride) = (strides[0], strides[1], strides[2], strides[3], strides[4], strides[5], strides[6]);
        PeriodStride = stride;
    }

    private readonly int teamStride;
    private readonly int agentStride;
    private readonly int productStride;
    private readonly int channelStride;
    private readonly int categoryStride;
    private readonly int priorityStride;
    private readonly int segmentStride;

    /// <summary>The index step of one period (the product of every dimension's radix).</summary>
    public int PeriodStride { get; }

    private bool HasDigit(int d) => d switch
    {
        0 => Has(FactDimension.Team),
        1 => Has(FactDimension.Agent),
        2 => Has(FactDimension.Product),
        3 => Has(FactDimension.Channel),
        4 => Has(FactDimension.Category),
        5 => Has(FactDimension.Priority),
        _ => Has(FactDimension.Segment),
    };

    /// <summary>The index of a fact given its period's offset (period ordinal × <see cref="PeriodStride"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int IndexOf(in TicketFact fact, int periodOffset) =>
        periodOffset + (fact.Team * teamStride) + (fact.Agent * agentStride) + (fact.Product * productStride) + (fact.Channel * channelStride)
        + (fact.Category * categoryStride) + (fact.PriorityCode * priorityStride) + (fact.Segment * segmentStride);

    public int Size { get; }

    private bool Fits { get; }

    public static DenseLayout? TryCreate(FactTable table, KpiQuery query, PeriodTable periods, int maxGroups)
    {
        var layout = new DenseLayout(query.GroupBy, periods.Count, table, maxGroups);
        return layout.Fits ? layout : null;
    }

    public KpiGroupKey KeyOf(int index, PeriodTable periods)
    {
        var digits = new int[7];
        for (var d = 6; d >= 0; d--)
        {
            digits[d] = index % radix[d];
            index /= radix[d];
        }

        int Digit(FactDimension dimension, int d) => Has(dimension) ? digits[d] : -1;
        return new KpiGroupKey(
            Digit(FactDimension.Team, 0), Digit(FactDimension.Agent, 1), Digit(FactDimension.Product, 2), Digit(FactDimension.Channel, 3),
            Digit(FactDimension.Category, 4), Digit(FactDimension.Priority, 5), Digit(FactDimension.Segment, 6),
            periods.IsEmpty ? null : periods.StartOf(index));
    }

    private bool Has(FactDimension dimension) => (by & dimension) != 0;
}
