using System.Runtime.CompilerServices;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// The hot-path form of <see cref="KpiCounters"/> for the dense engine: the twenty 0/1 counters
/// are packed four to a 64-bit word in 16-bit lanes, the small sums two to a word in 32-bit lanes,
/// so one fact updates 12 words on two cache lines instead of 29 on four. A lane holds at most
/// 65,535 facts, so the engine flushes (<see cref="FlushInto"/>) the groups a chunk touched after
/// every <see cref="ChunkFacts"/> facts — no group can overflow in between.
/// </summary>
internal struct LaneCounters
{
    /// <summary>Facts a chunk may hold before its groups are flushed: the capacity of a 16-bit lane.</summary>
    public const int ChunkFacts = ushort.MaxValue;

    // 16-bit lanes: [0] Tickets, Resolved, FCR, Complaints; [1] Escalated, Reopened, Inspected, Accurate;
    // [2] FR SLA due, FR SLA met, resolution SLA due, resolution SLA met; [3] Responded, Handled, CSAT answers, CSAT satisfied;
    // [4] recommendation answers, promoters, detractors, effort answers.
    public ulong Counts0;
    public ulong Counts1;
    public ulong Counts2;
    public ulong Counts3;
    public ulong Counts4;

    // 32-bit lanes: CSAT sum, effort sum; revisits due, revisits on time.
    public ulong Scores;
    public ulong Revisits;

    public long FirstResponseSeconds;
    public long HandlingSeconds;
    public double FirstResponseSquares;
    public long FirstResponseMin;
    public long FirstResponseMax;


    // Recommendation byte → bits (answered, promoter, detractor) in positions 0–2.
    private static readonly byte[] Recommendation = Enumerable.Range(0, 256)
        .Select(r => (byte)((r == 255 ? 0 : 1) | (r is 9 or 10 or 11 ? 2 : 0) | (r <= 6 || r == 13 ? 4 : 0))).ToArray();

    public static LaneCounters Empty => new() { FirstResponseMin = long.MaxValue, FirstResponseMax = -1 };

    /// <summary>Whether no fact has been added since the last flush.</summary>
    public readonly bool IsEmpty => Counts0 == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in TicketFact fact)
    {
        var f = (uint)fact.Flags;
        Counts0 += Spread(1 | ((f & 7) << 1));
        Counts1 += Spread(((f >> 3) & 1) | ((f >> 4) & 2) | ((f >> 4) & 4) | (((f >> 7) & (f >> 6) & 1) << 3));
        Counts2 += Spread(((f >> 8) & 1) | (((f >> 9) & (f >> 8) & 1) << 1) | (((f >> 10) & 1) << 2) | (((f >> 11) & (f >> 10) & 1) << 3));

        long frt = fact.FirstResponseSeconds;
        var responded = (frt >> 63) + 1; // 1 when frt >= 0, else 0
        var frtOrZero = frt & -responded;
        long handling = fact.HandlingSeconds;
        var handled = (handling >> 63) + 1;
        int csat = fact.Csat;
        var csatAnswered = (uint)(-csat) >> 31; // 1 when csat != 0
        var satisfied = (uint)(3 - csat) >> 31; // 1 when csat >= 4
        Counts3 += Spread((uint)responded | ((uint)handled << 1) | (csatAnswered << 2) | (satisfied << 3));

        int effort = fact.Effort;
        Counts4 += Spread(Recommendation[fact.Recommendation] | (((uint)(-effort) >> 31) << 3));
        Scores += (uint)csat | ((ulong)(uint)effort << 32);
        Revisits += (uint)(fact.Revisits & 0x0F) | ((ulong)(uint)(fact.Revisits >> 4) << 32);

        FirstResponseSeconds += frtOrZero;
        FirstResponseSquares += (double)(frtOrZero * frtOrZero);
        FirstResponseMin = Math.Min(FirstResponseMin, responded == 1 ? frt : long.MaxValue);
        FirstResponseMax = Math.Max(FirstResponseMax, frt);
        HandlingSeconds += handling & -handled;
    }

    /// <summary>Adds the lanes into wide counters and empties them.</summary>
    public void FlushInto(ref KpiCounters wide)
    {
        static long Lane(ulong word, int lane) => (long)((word >> (16 * lane)) & 0xFFFF);
        static long Half(ulong word, int half) => (long)((word >> (32 * half)) & 0xFFFF_FFFF);
        wide.Tickets += Lane(Counts0, 0);
        wide.Resolved += Lane(Counts0, 1);
        wide.FirstContactResolved += Lane(Counts0, 2);
        wide.Complaints += Lane(Counts0, 3);
        wide.Escalated += Lane(Counts1, 0);
        wide.Reopened += Lane(Counts1, 1);
        wide.Inspected += Lane(Counts1, 2);
        wide.Accurate += Lane(Counts1, 3);
        wide.FirstResponseSlaDue += Lane(Counts2, 0);
        wide.FirstResponseSlaMet += Lane(Counts2, 1);
        wide.ResolutionSlaDue += Lane(Counts2, 2);
        wide.ResolutionSlaMet += Lane(Counts2, 3);
        wide.Responded += Lane(Counts3, 0);
        wide.Handled += Lane(Counts3, 1);
        wide.CsatAnswers += Lane(Counts3, 2);
        wide.CsatSatisfied += Lane(Counts3, 3);
        wide.RecommendationAnswers += Lane(Counts4, 0);
        wide.Promoters += Lane(Counts4, 1);
        wide.Detractors += Lane(Counts4, 2);
        wide.EffortAnswers += Lane(Counts4, 3);
        wide.CsatSum += Half(Scores, 0);
        wide.EffortSum += Half(Scores, 1);
        wide.RevisitsDue += Half(Revisits, 0);
        wide.RevisitsOnTime += Half(Revisits, 1);
        wide.FirstResponseSeconds += FirstResponseSeconds;
        wide.HandlingSeconds += HandlingSeconds;
        wide.FirstResponseSquares += FirstResponseSquares;
        wide.FirstResponseMin = Math.Min(wide.FirstResponseMin, FirstResponseMin);
        wide.FirstResponseMax = Math.Max(wide.FirstResponseMax, FirstResponseMax);
        this = Empty;
    }

    /// <summary>Spreads four bits to the low bit of each 16-bit lane: one multiply puts bit i at i, i + 15, i + 30 and i + 45 (no two products overlap, so no carries) and the mask keeps bit i of lane i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Spread(uint bits) => (bits * 0x0000_2000_4000_8001UL) & 0x0001_0001_0001_0001UL;
}
