using System.Runtime.CompilerServices;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// The hot-path form of <see cref="KpiCounters"/> for the dense engine: the twenty-three 0/1 counters
/// are packed four to a 64-bit word in 16-bit lanes, the small sums two to a word in 32-bit lanes,
/// so one fact updates 16 words on two cache lines instead of 36 on five, and the increments come
/// from byte-indexed tables rather than bit arithmetic. A lane holds at most <see cref="Capacity"/>
/// facts: the owner adds, and flushes (<see cref="FlushInto"/>) when <see cref="IsFull"/>, so no
/// lane overflows and a group's lanes are flushed once per 65,535 of its facts, not per chunk.
/// </summary>
internal struct LaneCounters
{
    /// <summary>Facts the lanes hold before they must be flushed: the capacity of a 16-bit lane.</summary>
    public const int Capacity = ushort.MaxValue;

    // 16-bit lanes: [0] Tickets, Resolved, FCR, Complaints; [1] Escalated, Reopened, Inspected, Accurate;
    // [2] FR SLA due, FR SLA met, resolution SLA due, resolution SLA met; [3] Responded, Handled, CSAT answers, CSAT satisfied;
    // [4] recommendation answers, promoters, detractors, effort answers.
    public ulong Counts0;
    public ulong Counts1;
    public ulong Counts2;
    public ulong Counts3;
    public ulong Counts4;

    // [5] transferred, resolution timed (wall-clock), resolution timed (working time), unused.
    public ulong Counts5;

    // 32-bit lanes: CSAT sum, effort sum; revisits due, revisits on time.
    public ulong Scores;
    public ulong Revisits;

    // Replies: the count in the high 24 bits, the seconds in the low 40 (a fact adds at most 255 and 2²⁴ − 1, so
    // 65,535 facts fit in each part).
    public ulong Replies;
    public long ResolutionSeconds;
    public long ResolutionWorkingSeconds;

    public long FirstResponseSeconds;
    public long HandlingSeconds;
    public double FirstResponseSquares;
    public long FirstResponseMin;
    public long FirstResponseMax;

    // Per-fact increments looked up instead of assembled bit by bit, by the bytes of the fact as
    // stored: the low flag byte gives the Counts0 and Counts1 words (ticket, resolved, FCR,
    // complaint; escalated, reopened, inspected, accurate); the high byte of the flags word holds
    // the SLA nibble (Counts2: due / met) and the recommendation code (Counts4: answered, promoter,
    // detractor; 0 = none, else the answer + 1); the scores byte holds CSAT (Counts3: answered, satisfied; the CSAT sum)
    // and effort (Counts4: answered; the effort sum); the revisit byte its two 32-bit halves.
    // Byte-indexed tables of 256 entries need no bounds check.
    private static readonly ulong[] TransferLanes = Table(f => Spread((uint)((f >> 4) & 1)));
    private static readonly ulong[] OutcomeLanes = Table(f => Spread((uint)(1 | ((f & 7) << 1))));
    private static readonly ulong[] EscalationLanes = Table(f => Spread((uint)(((f >> 3) & 1) | ((f >> 4) & 2) | ((f >> 4) & 4) | (((f >> 7) & (f >> 6) & 1) << 3))));
    private static readonly ulong[] ServiceLevelLanes = Table(h => Spread((uint)((h & 1) | ((h >> 1) & h & 1) << 1 | ((h >> 2) & 1) << 2 | ((h >> 3) & (h >> 2) & 1) << 3)));
    private static readonly ulong[] RecommendationLanes = Table(h => (h >> 4) - 1 is var answer && answer is >= 0 and <= 13
        ? RecommendationLane(new TicketFact { RecommendationCode = (byte)answer })
        : 0);
    private static readonly ulong[] CsatLanes = Table(b => Spread((uint)(((b & 15) != 0 ? 4 : 0) | ((b & 15) >= 4 ? 8 : 0))));
    private static readonly ulong[] EffortLanes = Table(b => (b >> 4) != 0 ? Spread(8) : 0);
    private static readonly ulong[] ScoreSums = Table(b => (ulong)(uint)(b & 15) | ((ulong)(uint)(b >> 4) << 32));
    private static readonly ulong[] RevisitLanes = Table(v => (ulong)(uint)(v & 0x0F) | ((ulong)(uint)(v >> 4) << 32));

    public static LaneCounters Empty => new() { FirstResponseMin = long.MaxValue, FirstResponseMax = -1 };

    /// <summary>Whether no fact has been added since the last flush.</summary>
    public readonly bool IsEmpty => Counts0 == 0;

    /// <summary>Whether the lanes hold <see cref="Capacity"/> facts and must be flushed before the next one.</summary>
    public readonly bool IsFull => (ushort)Counts0 == Capacity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in TicketFact fact)
    {
        var flags = fact.FlagsWord;
        var high = (byte)(flags >> 8);
        var scores = fact.ScoresByte;
        Counts0 += OutcomeLanes[(byte)flags];
        Counts1 += EscalationLanes[(byte)flags];
        Counts2 += ServiceLevelLanes[high];

        long frt = fact.RawFirstResponseSeconds;
        var responded = (frt >> 63) + 1; // 1 when frt >= 0, else 0
        var frtOrZero = frt & -responded;
        long handling = fact.RawHandlingSeconds;
        var handled = (handling >> 63) + 1;
        Counts3 += (ulong)(responded | (handled << 16)) | CsatLanes[scores];
        Counts4 += RecommendationLanes[high] | EffortLanes[scores];
        Scores += ScoreSums[scores];
        Revisits += RevisitLanes[fact.RevisitsCode];

        FirstResponseSeconds += frtOrZero;
        FirstResponseSquares += (double)(frtOrZero * frtOrZero);

        // Unsigned, a missing response (−1) is the largest value, so it never lowers the minimum.
        FirstResponseMin = (long)Math.Min((ulong)FirstResponseMin, (ulong)frt);
        FirstResponseMax = Math.Max(FirstResponseMax, frt);
        HandlingSeconds += handling & -handled;

        long resolution = fact.RawResolutionSeconds;
        var timed = (resolution >> 63) + 1;
        long resolutionWorking = fact.RawResolutionWorkingSeconds;
        var worked = (resolutionWorking >> 63) + 1;
        Counts5 += TransferLanes[(byte)flags] | (ulong)((timed << 16) | (worked << 32));
        ResolutionSeconds += resolution & -timed;
        ResolutionWorkingSeconds += resolutionWorking & -worked;
        var replies = fact.RepliesWord;
        Replies += ((ulong)(replies >> 24) << 40) | (replies & 0xFF_FFFF);
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
        wide.Transferred += Lane(Counts5, 0);
        wide.ResolutionTimed += Lane(Counts5, 1);
        wide.ResolutionWorkingTimed += Lane(Counts5, 2);
        wide.ResolutionSeconds += ResolutionSeconds;
        wide.ResolutionWorkingSeconds += ResolutionWorkingSeconds;
        wide.Replies += (long)(Replies >> 40);
        wide.ReplySeconds += (long)(Replies & 0xFF_FFFF_FFFF);
        this = Empty;
    }

    // Promoter and detractor as the fact defines them (0–10 and the three-answer form).
    private static ulong RecommendationLane(TicketFact fact) => Spread((uint)(1 | (fact.IsPromoter ? 2 : 0) | (fact.IsDetractor ? 4 : 0)));

    private static ulong[] Table(Func<int, ulong> entry) => Enumerable.Range(0, 256).Select(entry).ToArray();

    /// <summary>Spreads four bits to the low bit of each 16-bit lane: one multiply puts bit i at i, i + 15, i + 30 and i + 45 (no two products overlap, so no carries) and the mask keeps bit i of lane i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Spread(uint bits) => (bits * 0x0000_2000_4000_8001UL) & 0x0001_0001_0001_0001UL;
}
