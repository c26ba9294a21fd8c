using System.Runtime.InteropServices;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Kpi;

/// <summary>Bit flags of a <see cref="TicketFact"/>.</summary>
[Flags]
public enum FactFlags : ushort
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Resolved (resolved, revisited or closed).</summary>
    Resolved = 1 << 0,

    /// <summary>Solved in the first contact: no transfer, no escalation, no reopen.</summary>
    FirstContactResolution = 1 << 1,

    /// <summary>A complaint.</summary>
    Complaint = 1 << 2,

    /// <summary>Escalated.</summary>
    Escalated = 1 << 3,

    /// <summary>Transferred to another agent.</summary>
    Transferred = 1 << 4,

    /// <summary>Reopened at least once.</summary>
    Reopened = 1 << 5,

    /// <summary>Quality-inspected.</summary>
    Inspected = 1 << 6,

    /// <summary>Inspected and judged accurate.</summary>
    Accurate = 1 << 7,

    /// <summary>A first-response target applies and is settled (met or missed).</summary>
    FirstResponseSlaDue = 1 << 8,

    /// <summary>The first-response target was met.</summary>
    FirstResponseSlaMet = 1 << 9,

    /// <summary>A resolution target applies and is settled.</summary>
    ResolutionSlaDue = 1 << 10,

    /// <summary>The resolution target was met.</summary>
    ResolutionSlaMet = 1 << 11,
}

/// <summary>
/// One ticket as the KPI core sees it: a 40-byte unmanaged struct with times as compact integers,
/// flags as bits and dimensions dictionary-encoded (see <see cref="FactDimensions"/>). Missing
/// values have explicit encodings (−1 for times, 0 for scores, 255 for the recommendation), and
/// they are what a default fact holds: stored as zero, so <c>new TicketFact()</c> is a ticket with
/// no reply, no resolution, no working times and no answers, received at <see cref="Epoch"/>.
/// Small values share bytes — the recommendation rides in the flags word's top four bits, CSAT
/// and effort share a byte, the two working times take 24 bits each (up to
/// <see cref="MaxWorkingSeconds"/>, 194 days of working time), the reply count and their total
/// response time share a word — so every field of the guides fits in 40 bytes; the properties
/// read and write them as plain numbers and refuse values that do not fit. Build one with the
/// constructor from the received instant and typed, nullable measures (null is the only way to
/// say "missing"), then the dimensions and flags with <c>init</c>. Immutable.
/// </summary>
/// <remarks>
/// The fact was 32 bytes until the wall-clock resolution time and the reply times came in: they need
/// 64 more bits (a 31-bit duration, a reply count and a reply-time sum), and the 32-byte layout had
/// about 19 spare bits even with every range narrowed, so the fact grew by 8 bytes, not more.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct TicketFact
{
    /// <summary>The epoch of <see cref="ReceivedMinute"/>: 2000-01-01T00:00Z.</summary>
    public static readonly Instant Epoch = Instant.FromUtc(2000, 1, 1, 0, 0);

    /// <summary>The largest working time a fact holds, in seconds (2²⁴ − 2: 194 days).</summary>
    public const int MaxWorkingSeconds = 0xFF_FFFE;

    /// <summary>The most replies a fact counts (255); later replies are left out of <see cref="ReplyCount"/> and <see cref="ReplySeconds"/>.</summary>
    public const int MaxReplies = 255;

    /// <summary>The largest total reply time a fact holds, in seconds (2²⁴ − 1: 194 days).</summary>
    public const int MaxReplySeconds = 0xFF_FFFF;

    private const uint WorkingTimeMask = 0xFF_FFFF;

    // Layout (40 bytes, no padding): 0 received minute, 4 FRT, 8 handling, 12 FRT working time (24 bits)
    // and the low 8 bits of the resolution working time, 16 team, 18 agent, 20 product, 22 channel,
    // 23 category, 24 priority, 25 segment, 26 flags (12 bits) + recommendation code (4 bits),
    // 28 the high 16 bits of the resolution working time, 30 CSAT (low nibble) + effort (high nibble), 31 revisits,
    // 32 the wall-clock resolution time, 36 the reply count (high 8 bits) and the replies' total response time (low 24 bits).
    // "Missing" is stored as zero: FRT, handling and resolution as their bitwise complement (−1 → 0), working times
    // as value + 1 (−1 → 0), the recommendation as its code + 1 (none → 0).
    private readonly int receivedMinute;
    private readonly int firstResponseSeconds;
    private readonly int handlingSeconds;
    private readonly uint workingTimes;
    private readonly ushort team;
    private readonly ushort agent;
    private readonly ushort product;
    private readonly byte channel;
    private readonly byte category;
    private readonly byte priority;
    private readonly byte segment;
    private readonly ushort flagsAndRecommendation;
    private readonly ushort resolutionWorkingHigh;
    private readonly byte csatAndEffort;
    private readonly byte revisits;
    private readonly int resolutionSeconds;
    private readonly uint replies;

    /// <summary>
    /// Creates a fact from its instant and its measures; dimensions, flags, answers and the priority are set with
    /// <c>init</c> (until then the priority is null, not triaged, and every dimension code 0).
    /// </summary>
    /// <param name="receivedAt">When the feedback was received (kept to the minute, rounded down), from 1970 to 5000.</param>
    /// <param name="firstResponse">First response time, wall-clock; null without a reply.</param>
    /// <param name="handling">Handling time (resolved − accepted); null when not resolved.</param>
    /// <param name="resolution">Resolution time, wall-clock (received → finally resolved); null when not resolved.</param>
    /// <param name="firstResponseWorking">First response time in working time; null without a reply or a calendar.</param>
    /// <param name="resolutionWorking">Resolution time in working time; null when not resolved or without a calendar.</param>
    /// <param name="replies">The replies to the customer, 0 to <see cref="MaxReplies"/>.</param>
    /// <param name="replyTime">The replies' total response time (see <see cref="TicketOutcome.ReplyTime"/>); null exactly when <paramref name="replies"/> is 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A measure is negative or beyond what a fact holds (whole seconds up to 2³¹ − 2, working times up to
    /// <see cref="MaxWorkingSeconds"/>, reply time up to <see cref="MaxReplySeconds"/>), or the instant is out of range; the exception names the parameter.</exception>
    /// <exception cref="ArgumentException"><paramref name="replyTime"/> is given without replies, or missing with them.</exception>
    public TicketFact(
        Instant receivedAt, Duration? firstResponse = null, Duration? handling = null, Duration? resolution = null,
        Duration? firstResponseWorking = null, Duration? resolutionWorking = null, int replies = 0, Duration? replyTime = null)
    {
        if (receivedAt < MinReceivedAt || receivedAt > MaxReceivedAt)
        {
            throw new ArgumentOutOfRangeException(nameof(receivedAt), receivedAt, $"receivedAt: from {MinReceivedAt} to {MaxReceivedAt}.");
        }

        if (replies is < 0 or > MaxReplies)
        {
            throw new ArgumentOutOfRangeException(nameof(replies), replies, $"replies: 0 to {MaxReplies}.");
        }

        if ((replies == 0) != (replyTime is null))
        {
            throw new ArgumentException($"replyTime: null exactly when there is no reply; replies is {replies}, replyTime is {(replyTime is null ? "null" : replyTime)}.", nameof(replyTime));
        }

        receivedMinute = (int)Math.Floor((receivedAt - Epoch).TotalMinutes);
        RawFirstResponseSeconds = SecondsOf(firstResponse, int.MaxValue - 1, nameof(firstResponse));
        RawHandlingSeconds = SecondsOf(handling, int.MaxValue - 1, nameof(handling));
        RawResolutionSeconds = SecondsOf(resolution, int.MaxValue - 1, nameof(resolution));
        RawFirstResponseWorkingSeconds = SecondsOf(firstResponseWorking, MaxWorkingSeconds, nameof(firstResponseWorking));
        RawResolutionWorkingSeconds = SecondsOf(resolutionWorking, MaxWorkingSeconds, nameof(resolutionWorking));
        RepliesWord = ((uint)replies << 24) | (uint)Math.Max(0, SecondsOf(replyTime, MaxReplySeconds, nameof(replyTime)));
        priority = 255;
    }

    private static readonly Instant MinReceivedAt = Instant.FromUtc(1970, 1, 1, 0, 0);
    private static readonly Instant MaxReceivedAt = Instant.FromUtc(5000, 1, 1, 0, 0);

    /// <summary>Minutes since <see cref="Epoch"/> when the feedback was received.</summary>
    public int ReceivedMinute { get => receivedMinute; init => receivedMinute = value; }

    /// <summary>First response time in seconds, wall-clock; null without a reply.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: negative.</exception>
    public int? FirstResponseSeconds
    {
        get => RawFirstResponseSeconds is >= 0 and var s ? s : null;
        init => RawFirstResponseSeconds = NonNegative(value, nameof(FirstResponseSeconds));
    }

    /// <summary>First response seconds as stored: −1 without a reply (the engine's form).</summary>
    internal int RawFirstResponseSeconds { get => ~firstResponseSeconds; init => firstResponseSeconds = ~value; }

    /// <summary>First response time in seconds of working time on the policy's calendar; null without a reply or a calendar.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: negative or above <see cref="MaxWorkingSeconds"/>.</exception>
    public int? FirstResponseWorkingSeconds
    {
        get => RawFirstResponseWorkingSeconds is >= 0 and var s ? s : null;
        init => RawFirstResponseWorkingSeconds = NonNegative(value, nameof(FirstResponseWorkingSeconds));
    }

    /// <summary>First response working seconds as stored: −1 when missing.</summary>
    internal int RawFirstResponseWorkingSeconds
    {
        get => Decode24(workingTimes & WorkingTimeMask);
        init => workingTimes = (workingTimes & 0xFF00_0000) | Encode24(value, nameof(FirstResponseWorkingSeconds));
    }

    /// <summary>Handling time (resolved − accepted) in seconds; null when not resolved.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: negative.</exception>
    public int? HandlingSeconds
    {
        get => RawHandlingSeconds is >= 0 and var s ? s : null;
        init => RawHandlingSeconds = NonNegative(value, nameof(HandlingSeconds));
    }

    /// <summary>Handling seconds as stored: −1 when not resolved.</summary>
    internal int RawHandlingSeconds { get => ~handlingSeconds; init => handlingSeconds = ~value; }

    /// <summary>
    /// Resolution time in seconds of working time on the policy's calendar: what the ticket-level
    /// resolution clock ran, customer waits left out; null when not resolved or without a calendar.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: negative or above <see cref="MaxWorkingSeconds"/>.</exception>
    public int? ResolutionWorkingSeconds
    {
        get => RawResolutionWorkingSeconds is >= 0 and var s ? s : null;
        init => RawResolutionWorkingSeconds = NonNegative(value, nameof(ResolutionWorkingSeconds));
    }

    /// <summary>Resolution working seconds as stored: −1 when missing.</summary>
    internal int RawResolutionWorkingSeconds
    {
        get => Decode24((workingTimes >> 24) | ((uint)resolutionWorkingHigh << 8));
        init
        {
            var encoded = Encode24(value, nameof(ResolutionWorkingSeconds));
            workingTimes = (workingTimes & WorkingTimeMask) | (encoded << 24);
            resolutionWorkingHigh = (ushort)(encoded >> 8);
        }
    }

    /// <summary>
    /// Resolution time in seconds, wall-clock: received → finally resolved (the last resolution), including any time the
    /// ticket sat resolved before a reopen; null when not resolved.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: negative.</exception>
    public int? ResolutionSeconds
    {
        get => RawResolutionSeconds is >= 0 and var s ? s : null;
        init => RawResolutionSeconds = NonNegative(value, nameof(ResolutionSeconds));
    }

    /// <summary>Resolution seconds as stored: −1 when not resolved.</summary>
    internal int RawResolutionSeconds { get => ~resolutionSeconds; init => resolutionSeconds = ~value; }

    /// <summary>The replies to the customer the fact counts, 0 to <see cref="MaxReplies"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 0 to <see cref="MaxReplies"/>.</exception>
    public int ReplyCount
    {
        get => (int)(replies >> 24);
        init => replies = (replies & 0xFF_FFFF) | ((uint)InRange(value, 0, MaxReplies, nameof(ReplyCount)) << 24);
    }

    /// <summary>The replies' total response time in seconds (0 without a reply; see <see cref="TicketOutcome.ReplyTime"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 0 to <see cref="MaxReplySeconds"/>.</exception>
    public int ReplySeconds
    {
        get => (int)(replies & 0xFF_FFFF);
        init => replies = (replies & 0xFF00_0000) | (uint)InRange(value, 0, MaxReplySeconds, nameof(ReplySeconds));
    }

    /// <summary>The mean response time of the ticket's replies in seconds (rounded down); −1 without a reply (the engine's percentile form).</summary>
    internal int RawReplyMeanSeconds => replies >> 24 is var count and not 0 ? (int)((replies & 0xFF_FFFF) / count) : -1;

    /// <summary>Reply count (high 8 bits) and total reply seconds (low 24 bits) as stored.</summary>
    internal uint RepliesWord { get => replies; init => replies = value; }

    /// <summary>Team (department) code.</summary>
    public ushort Team { get => team; init => team = value; }

    /// <summary>Agent code.</summary>
    public ushort Agent { get => agent; init => agent = value; }

    /// <summary>Product (model) code.</summary>
    public ushort Product { get => product; init => product = value; }

    /// <summary>Channel code.</summary>
    public byte Channel { get => channel; init => channel = value; }

    /// <summary>Category code.</summary>
    public byte Category { get => category; init => category = value; }

    /// <summary>The ticket's priority; null when not triaged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not a defined priority.</exception>
    public Priority? Priority
    {
        get => priority == 255 ? null : (Priority)priority;
        init => priority = value is not { } p ? (byte)255
            : Enum.IsDefined(p) ? (byte)p : throw new ArgumentOutOfRangeException(nameof(Priority), value, "Priority: P0–P3, or null when not triaged.");
    }

    /// <summary>Priority as stored: 0–3, 255 when not triaged (the engine's dimension code).</summary>
    internal byte PriorityCode { get => priority; init => priority = value; }

    /// <summary>Customer segment code.</summary>
    public byte Segment { get => segment; init => segment = value; }

    /// <summary>Flags.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: a bit that is no <see cref="FactFlags"/> value.</exception>
    public FactFlags Flags
    {
        get => (FactFlags)(flagsAndRecommendation & 0x0FFF);
        init
        {
            if (((ushort)value & 0xF000) != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Flags), value, "Flags: only the twelve FactFlags bits.");
            }

            flagsAndRecommendation = (ushort)((flagsAndRecommendation & 0xF000) | (ushort)value);
        }
    }

    /// <summary>CSAT 1–5; null when not answered.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 1–5.</exception>
    public int? Csat
    {
        get => CsatCode == 0 ? null : CsatCode;
        init => CsatCode = (byte)InRange(value, 1, 5, nameof(Csat));
    }

    /// <summary>CSAT as stored: 0 when not answered.</summary>
    internal byte CsatCode
    {
        get => (byte)(csatAndEffort & 0x0F);
        init => csatAndEffort = (byte)((csatAndEffort & 0xF0) | CheckAtMost(value, 5, nameof(CsatCode)));
    }

    /// <summary>The 0–10 likelihood to recommend; null when not answered or answered in the three-answer form. Setting it replaces <see cref="Recommend"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 0–10.</exception>
    public int? LikelihoodToRecommend
    {
        get => RecommendationCode <= 10 ? RecommendationCode : null;
        init => RecommendationCode = value is null ? (byte)255 : (byte)InRange(value, 0, 10, nameof(LikelihoodToRecommend));
    }

    /// <summary>The three-answer recommendation (yes / unsure / no); null when not answered or answered 0–10. Setting it replaces <see cref="LikelihoodToRecommend"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not a defined answer.</exception>
    public RecommendAnswer? Recommend
    {
        get => RecommendationCode is >= 11 and <= 13 ? (RecommendAnswer)(RecommendationCode - 11) : null;
        init => RecommendationCode = value is not { } a ? (byte)255
            : Enum.IsDefined(a) ? (byte)(11 + (int)a) : throw new ArgumentOutOfRangeException(nameof(Recommend), value, "Recommend: Yes, Unsure or No.");
    }

    /// <summary>Recommendation as stored: 0–10, 11 = yes, 12 = unsure, 13 = no; 255 when not answered.</summary>
    internal byte RecommendationCode
    {
        get => (flagsAndRecommendation >> 12) is var code && code == 0 ? (byte)255 : (byte)(code - 1);
        init
        {
            if (value is > 13 and not 255)
            {
                throw new ArgumentOutOfRangeException(nameof(RecommendationCode), value, "RecommendationCode: 0–10, 11–13 for the three-answer form, or 255 when not answered.");
            }

            var code = value == 255 ? 0 : value + 1;
            flagsAndRecommendation = (ushort)((flagsAndRecommendation & 0x0FFF) | (code << 12));
        }
    }

    /// <summary>Customer effort score 1–7; null when not answered.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 1–7.</exception>
    public int? Effort
    {
        get => EffortCode == 0 ? null : EffortCode;
        init => EffortCode = (byte)InRange(value, 1, 7, nameof(Effort));
    }

    /// <summary>Effort as stored: 0 when not answered.</summary>
    internal byte EffortCode
    {
        get => (byte)(csatAndEffort >> 4);
        init => csatAndEffort = (byte)((csatAndEffort & 0x0F) | (CheckAtMost(value, 7, nameof(EffortCode)) << 4));
    }

    /// <summary>Revisits due, 0–15.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 0–15.</exception>
    public int RevisitsDue
    {
        get => revisits & 0x0F;
        init => revisits = (byte)((revisits & 0xF0) | InRange(value, 0, 15, nameof(RevisitsDue)));
    }

    /// <summary>Revisits done within their target, 0–15.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On init: not 0–15.</exception>
    public int RevisitsOnTime
    {
        get => revisits >> 4;
        init => revisits = (byte)((revisits & 0x0F) | (InRange(value, 0, 15, nameof(RevisitsOnTime)) << 4));
    }

    /// <summary>Revisits as stored: due in the low nibble, on time in the high nibble (the engine's table index).</summary>
    internal byte RevisitsCode { get => revisits; init => revisits = value; }

    /// <summary>Whether a flag is set.</summary>
    /// <param name="flag">The flag.</param>
    /// <returns><see langword="true"/> when set.</returns>
    public bool Has(FactFlags flag) => (Flags & flag) == flag;

    /// <summary>Whether the recommendation makes the customer a promoter (9–10 or "yes").</summary>
    public bool IsPromoter => RecommendationCode is 9 or 10 or 11;

    /// <summary>Whether the recommendation makes the customer a detractor (0–6 or "no").</summary>
    public bool IsDetractor => RecommendationCode <= 6 || RecommendationCode == 13;

    /// <summary>Whether the recommendation question was answered.</summary>
    public bool HasRecommendation => RecommendationCode != 255;

    /// <summary>The received instant.</summary>
    public Instant ReceivedAt => Epoch + Duration.FromMinutes(ReceivedMinute);

    /// <summary>The flags (low 12 bits) and recommendation code (high 4 bits: 0 = none, else the answer + 1) as stored: the engine's table index.</summary>
    internal ushort FlagsWord => flagsAndRecommendation;

    /// <summary>CSAT (low nibble) and effort (high nibble) as stored: the engine's table index.</summary>
    internal byte ScoresByte => csatAndEffort;

    private static int NonNegative(int? seconds, string name) => seconds switch
    {
        null => -1,
        >= 0 => seconds.Value,
        _ => throw new ArgumentOutOfRangeException(name, seconds, $"{name}: 0 or more seconds, or null when missing."),
    };

    private static int InRange(int? value, int min, int max, string name) => value switch
    {
        null => 0,
        _ when value >= min && value <= max => value.Value,
        _ => throw new ArgumentOutOfRangeException(name, value, $"{name}: {min} to {max}, or null when not answered."),
    };

    private static int SecondsOf(Duration? duration, int max, string name)
    {
        if (duration is not { } d)
        {
            return -1;
        }

        var seconds = Math.Floor(d.TotalSeconds);
        return seconds >= 0 && seconds <= max
            ? (int)seconds
            : throw new ArgumentOutOfRangeException(name, duration, $"{name}: 0 to {max} whole seconds, or null when missing.");
    }

    private static int Decode24(uint stored) => (int)stored - 1;

    private static uint Encode24(int seconds, string name) => seconds switch
    {
        >= -1 and <= MaxWorkingSeconds => (uint)(seconds + 1),
        _ => throw new ArgumentOutOfRangeException(name, seconds, $"{name}: 0 to {MaxWorkingSeconds} seconds, or −1 when missing."),
    };

    private static int CheckAtMost(byte value, int max, string name) =>
        value <= max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name}: 0 to {max} (0 when not answered).");
}
