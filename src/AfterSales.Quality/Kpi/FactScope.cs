namespace AfterSales.Quality.Kpi;

/// <summary>The time window and dimension filters of a query, tested fact by fact (the engine's and the analysis's one filter).</summary>
internal readonly struct FactScope
{
    private readonly long from;
    private readonly long to;
    private readonly IReadOnlyDictionary<FactDimension, IReadOnlySet<int>>? filters;

    /// <summary>Takes the window and filters of a query; everything passes when null.</summary>
    public FactScope(KpiQuery? query)
    {
        // A fact counts at its received minute's instant: in the window when From ≤ that instant < To,
        // that is from the first minute at or after From up to the first minute at or after To.
        from = query?.From is { } f ? (long)Math.Ceiling((f - TicketFact.Epoch).TotalMinutes) : long.MinValue;
        to = query?.To is { } t ? (long)Math.Ceiling((t - TicketFact.Epoch).TotalMinutes) : long.MaxValue;
        filters = query is { Filters.Count: > 0 } ? query.Filters : null;
    }

    /// <summary>The first minute included (<see cref="long.MinValue"/> without a start).</summary>
    public long FromMinute => from;

    /// <summary>The first minute excluded (<see cref="long.MaxValue"/> without an end).</summary>
    public long ToMinute => to;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Includes(in TicketFact fact) =>
        fact.ReceivedMinute >= from && fact.ReceivedMinute < to && (filters is null || Engine.SparseAggregation.Passes(fact, filters));
}
