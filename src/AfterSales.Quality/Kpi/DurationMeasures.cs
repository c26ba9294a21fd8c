namespace AfterSales.Quality.Kpi;

/// <summary>
/// The duration measures of a fact that the engine keeps a quantile sketch of, for percentiles
/// (<see cref="KpiQuery.Percentiles"/>, <see cref="KpiAggregate.SketchOf"/>). Flags: any combination.
/// </summary>
[Flags]
public enum DurationMeasures
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>First response time, wall-clock (<see cref="TicketFact.FirstResponseSeconds"/>).</summary>
    FirstResponse = 1 << 0,

    /// <summary>Resolution time, wall-clock: received → finally resolved (<see cref="TicketFact.ResolutionSeconds"/>).</summary>
    Resolution = 1 << 1,

    /// <summary>Resolution time in working time (<see cref="TicketFact.ResolutionWorkingSeconds"/>).</summary>
    ResolutionWorking = 1 << 2,

    /// <summary>Handling time, resolved − accepted (<see cref="TicketFact.HandlingSeconds"/>).</summary>
    Handling = 1 << 3,

    /// <summary>Reply time: a ticket's mean response time over its replies (<see cref="TicketFact.ReplySeconds"/> / <see cref="TicketFact.ReplyCount"/>), one value a ticket.</summary>
    Reply = 1 << 4,

    /// <summary>Every duration measure.</summary>
    All = FirstResponse | Resolution | ResolutionWorking | Handling | Reply,
}

/// <summary>The duration measures by index (the bit position of a <see cref="DurationMeasures"/> flag), as the engine keeps them.</summary>
internal static class DurationMeasure
{
    /// <summary>The number of duration measures.</summary>
    public const int Count = 5;

    /// <summary>A measure of a fact as stored, −1 when missing.</summary>
    /// <param name="fact">The fact.</param>
    /// <param name="index">The measure's index.</param>
    /// <returns>The seconds, or −1.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int RawOf(in TicketFact fact, int index) => index switch
    {
        0 => fact.RawFirstResponseSeconds,
        1 => fact.RawResolutionSeconds,
        2 => fact.RawResolutionWorkingSeconds,
        3 => fact.RawHandlingSeconds,
        _ => fact.RawReplyMeanSeconds,
    };

    /// <summary>Whether the flags name exactly one measure, and its index.</summary>
    public static bool TryIndexOf(DurationMeasures measure, out int index)
    {
        index = System.Numerics.BitOperations.TrailingZeroCount((uint)measure);
        return measure != DurationMeasures.None && ((uint)measure & ((uint)measure - 1)) == 0 && index < Count;
    }
}
