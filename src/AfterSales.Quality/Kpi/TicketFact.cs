using System.Runtime.InteropServices;
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
/// One ticket as the KPI core sees it: a 32-byte unmanaged struct with times as compact integers,
/// flags as bits and dimensions dictionary-encoded (see <see cref="FactDimensions"/>). Missing
/// values have explicit encodings (−1 for times, 0 for scores, 255 for the recommendation).
/// Immutable.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct TicketFact
{
    /// <summary>The epoch of <see cref="ReceivedMinute"/>: 2000-01-01T00:00Z.</summary>
    public static readonly Instant Epoch = Instant.FromUtc(2000, 1, 1, 0, 0);

    /// <summary>Minutes since <see cref="Epoch"/> when the feedback was received.</summary>
    public int ReceivedMinute { get; init; }

    /// <summary>First response time in seconds, wall-clock; −1 without a reply.</summary>
    public int FirstResponseSeconds { get; init; }

    /// <summary>First response time in seconds of working time; −1 without a reply or a calendar.</summary>
    public int FirstResponseWorkingSeconds { get; init; }

    /// <summary>Handling time (resolved − accepted) in seconds; −1 when not resolved.</summary>
    public int HandlingSeconds { get; init; }

    /// <summary>Team (department) code.</summary>
    public ushort Team { get; init; }

    /// <summary>Agent code.</summary>
    public ushort Agent { get; init; }

    /// <summary>Product (model) code.</summary>
    public ushort Product { get; init; }

    /// <summary>Channel code.</summary>
    public byte Channel { get; init; }

    /// <summary>Category code.</summary>
    public byte Category { get; init; }

    /// <summary>Priority 0–3 (P0–P3); 255 when not triaged.</summary>
    public byte Priority { get; init; }

    /// <summary>Customer segment code.</summary>
    public byte Segment { get; init; }

    /// <summary>Flags.</summary>
    public FactFlags Flags { get; init; }

    /// <summary>CSAT 1–5; 0 when not answered.</summary>
    public byte Csat { get; init; }

    /// <summary>Recommendation: 0–10, or 11 = yes, 12 = unsure, 13 = no (three-answer form); 255 when not answered.</summary>
    public byte Recommendation { get; init; }

    /// <summary>Customer effort score 1–7; 0 when not answered.</summary>
    public byte Effort { get; init; }

    /// <summary>Revisits due (low nibble, 0–15) and revisits on time (high nibble).</summary>
    public byte Revisits { get; init; }

    /// <summary>Whether a flag is set.</summary>
    /// <param name="flag">The flag.</param>
    /// <returns><see langword="true"/> when set.</returns>
    public bool Has(FactFlags flag) => (Flags & flag) == flag;

    /// <summary>Whether the recommendation makes the customer a promoter (9–10 or "yes").</summary>
    public bool IsPromoter => Recommendation is 9 or 10 or 11;

    /// <summary>Whether the recommendation makes the customer a detractor (0–6 or "no").</summary>
    public bool IsDetractor => Recommendation <= 6 || Recommendation == 13;

    /// <summary>Whether the recommendation question was answered.</summary>
    public bool HasRecommendation => Recommendation != 255;

    /// <summary>The received instant.</summary>
    public Instant ReceivedAt => Epoch + Duration.FromMinutes(ReceivedMinute);
}
