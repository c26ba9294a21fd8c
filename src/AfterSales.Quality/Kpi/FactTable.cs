using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// A growable columnar-friendly table of <see cref="TicketFact"/>s: append one at a time (streaming)
/// or in bulk, query at any time. Appending does not allocate per fact (the array doubles).
/// Not thread-safe for concurrent appends; queries may run in parallel with each other.
/// </summary>
public sealed class FactTable
{
    private TicketFact[] facts;

    /// <summary>Creates a table.</summary>
    /// <param name="capacity">Initial capacity.</param>
    /// <param name="timeZone">The service desk's zone: the zone of periods for a query that names none. Default UTC.</param>
    public FactTable(int capacity = 1024, DateTimeZone? timeZone = null)
    {
        facts = new TicketFact[Math.Max(16, capacity)];
        TimeZone = timeZone ?? DateTimeZone.Utc;
    }

    /// <summary>The service desk's zone: periods of a <see cref="KpiQuery"/> whose <see cref="KpiQuery.TimeZone"/> is null are taken in it.</summary>
    public DateTimeZone TimeZone { get; }

    /// <summary>The number of facts.</summary>
    public int Count { get; private set; }

    /// <summary>The facts.</summary>
    public ReadOnlySpan<TicketFact> Facts => facts.AsSpan(0, Count);

    /// <summary>Appends a fact.</summary>
    /// <param name="fact">The fact.</param>
    public void Add(in TicketFact fact)
    {
        if (Count == facts.Length)
        {
            System.Array.Resize(ref facts, facts.Length * 2);
        }

        facts[Count++] = fact;
        Widen(fact);
    }

    private void Widen(in TicketFact fact)
    {
        MaxTeam = Math.Max(MaxTeam, fact.Team);
        MaxAgent = Math.Max(MaxAgent, fact.Agent);
        MaxProduct = Math.Max(MaxProduct, fact.Product);
        MaxChannel = Math.Max(MaxChannel, fact.Channel);
        MaxCategory = Math.Max(MaxCategory, fact.Category);
        MaxPriority = Math.Max(MaxPriority, fact.PriorityCode);
        MaxSegment = Math.Max(MaxSegment, fact.Segment);
        MaxFirstResponse = Math.Max(MaxFirstResponse, fact.RawFirstResponseSeconds);
        MaxResolution = Math.Max(MaxResolution, fact.RawResolutionSeconds);
        MaxResolutionWorking = Math.Max(MaxResolutionWorking, fact.RawResolutionWorkingSeconds);
        MaxHandling = Math.Max(MaxHandling, fact.RawHandlingSeconds);
        MaxReplyMean = Math.Max(MaxReplyMean, fact.RawReplyMeanSeconds);
        MinMinute = Math.Min(MinMinute, fact.ReceivedMinute);
        MaxMinute = Math.Max(MaxMinute, fact.ReceivedMinute);
    }

    /// <summary>Replaces the fact at a row (a ticket measured again after new events or as its clocks ran on).</summary>
    /// <param name="index">The row, 0 to <see cref="Count"/> − 1.</param>
    /// <param name="fact">The new fact.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a row of the table.</exception>
    public void Set(int index, in TicketFact fact)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index: must be a row of the table (0 to {Count - 1}).");
        }

        facts[index] = fact;
        Widen(fact);
    }

    internal int MaxTeam { get; private set; }

    internal int MaxAgent { get; private set; }

    internal int MaxProduct { get; private set; }

    internal int MaxChannel { get; private set; }

    internal int MaxCategory { get; private set; }

    internal int MaxPriority { get; private set; }

    internal int MaxSegment { get; private set; }

    internal int MaxFirstResponse { get; private set; }

    internal int MaxResolution { get; private set; }

    internal int MaxResolutionWorking { get; private set; }

    internal int MaxHandling { get; private set; }

    internal int MaxReplyMean { get; private set; }

    /// <summary>The largest value of a duration measure (by <see cref="DurationMeasure"/> index) in the table; 0 when none.</summary>
    internal int MaxOf(int measure) => measure switch
    {
        0 => MaxFirstResponse,
        1 => MaxResolution,
        2 => MaxResolutionWorking,
        3 => MaxHandling,
        _ => MaxReplyMean,
    };

    internal int MinMinute { get; private set; } = int.MaxValue;

    internal int MaxMinute { get; private set; } = int.MinValue;

    internal TicketFact[] Buffer => facts;
}
