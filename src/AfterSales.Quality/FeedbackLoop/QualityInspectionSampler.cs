using System.Buffers.Binary;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>A closed ticket offered to the sampler.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="ClosedAt">When it was closed.</param>
public readonly record struct ClosedTicket(TicketId TicketId, Instant ClosedAt);

/// <summary>A ticket drawn for inspection, with its ISO week.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="WeekYear">The ISO week-based year.</param>
/// <param name="Week">The ISO week (1–53).</param>
public readonly record struct InspectionDraw(TicketId TicketId, int WeekYear, int Week);

/// <summary>
/// Reproducible sampling of closed work for quality inspection: per ISO week (in a time zone),
/// ⌈share × closed tickets⌉ are drawn by a seeded hash of the ticket id. The same seed and share
/// draw the same tickets whatever the input order, and adding tickets to one week never changes
/// another week's draw. Thread-safe (stateless).
/// </summary>
public static class QualityInspectionSampler
{
    /// <summary>Draws the inspection sample.</summary>
    /// <param name="closed">The closed tickets.</param>
    /// <param name="share">The share to inspect per week, in (0, 1], e.g. 0.2.</param>
    /// <param name="seed">The seed; record it with the sample to reproduce it.</param>
    /// <param name="zone">The zone whose calendar weeks are used.</param>
    /// <returns>The drawn tickets, ordered by week and then by draw order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="share"/> is not in (0, 1].</exception>
    public static IReadOnlyList<InspectionDraw> Sample(IEnumerable<ClosedTicket> closed, double share, ulong seed, DateTimeZone zone)
    {
        Preconditions.CheckNotNull(closed);
        Preconditions.CheckNotNull(zone);
        if (!(share > 0 && share <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, $"'{nameof(share)}' must be greater than 0 and at most 1; it was {share}.");
        }

        var rule = WeekYearRules.Iso;
        return closed
            .DistinctBy(t => t.TicketId)
            .Select(t =>
            {
                var date = t.ClosedAt.InZone(zone).Date;
                return (t.TicketId, WeekYear: rule.GetWeekYear(date), Week: rule.GetWeekOfWeekYear(date), Key: Hash(t.TicketId, seed));
            })
            .GroupBy(t => (t.WeekYear, t.Week))
            .OrderBy(g => g.Key.WeekYear).ThenBy(g => g.Key.Week)
            .SelectMany(week =>
            {
                var take = (int)Math.Ceiling(share * week.Count() - 1e-9);
                return week.OrderBy(t => t.Key).ThenBy(t => t.TicketId.Value).Take(take).Select(t => new InspectionDraw(t.TicketId, t.WeekYear, t.Week));
            })
            .ToArray();
    }

    private static ulong Hash(TicketId id, ulong seed)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.Value.TryWriteBytes(bytes);
        var hash = Mix(seed ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        return Mix(hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
    }

    // SplitMix64 finaliser: a fixed, well-distributed mix (string.GetHashCode is randomised per process).
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
