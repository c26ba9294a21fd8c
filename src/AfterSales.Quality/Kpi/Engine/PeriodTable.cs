using NodaTime;

namespace AfterSales.Quality.Kpi.Engine;

/// <summary>
/// Maps a fact's received minute to a period ordinal through a table of slots: the slot length
/// divides a day and every UTC offset and transition of the zone over the table's time range
/// (8 hours for Asia/Shanghai, an hour for most zones with daylight saving, 1 day for UTC), so
/// no slot straddles a local midnight and a year takes a few kilobytes. The slot of a minute is
/// found by a multiply and a shift (division by an invariant, exact for every difference below 2³¹).
/// </summary>
internal sealed class PeriodTable
{
    private const int MaxSlots = 1 << 26;
    private readonly int baseMinute;
    private readonly ulong magic;
    private readonly int shift;
    private readonly ushort[] slots;
    private readonly LocalDate[] starts;

    private PeriodTable(int baseMinute, int slotMinutes, ushort[] slots, LocalDate[] starts)
    {
        this.baseMinute = baseMinute;
        this.slots = slots;
        this.starts = starts;
        shift = 31 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)slotMinutes - 1));
        magic = slots.Length <= 1 ? 0 : (ulong)(((UInt128)1 << shift) + (ulong)slotMinutes - 1) / (ulong)slotMinutes;
    }

    public bool IsEmpty => starts.Length == 0;

    public int Count => starts.Length;

    public static PeriodTable For(FactTable table, KpiQuery query)
    {
        if (query.Period == KpiPeriod.None || table.Count == 0)
        {
            return new PeriodTable(0, 1, [0], []);
        }

        // Only the facts inside the query's window are looked up: the table need not cover the rest.
        var scope = new FactScope(query);
        var windowMin = Math.Max(table.MinMinute, scope.FromMinute);
        var windowMax = Math.Min(table.MaxMinute, scope.ToMinute - 1);
        if (windowMin > windowMax)
        {
            return new PeriodTable(0, 1, [0], []);
        }

        var (min, max) = ((int)windowMin, (int)windowMax);
        var zone = query.TimeZone ?? table.TimeZone;

        var slotMinutes = SlotMinutes(zone, TicketFact.Epoch + Duration.FromMinutes(min), TicketFact.Epoch + Duration.FromMinutes((long)max + 1));
        var baseMinute = (int)(Math.Floor((double)min / slotMinutes) * slotMinutes);
        var length = (((long)max - baseMinute) / slotMinutes) + 1;
        Preconditions.CheckArgument(
            length <= MaxSlots && (long)max - baseMinute < int.MaxValue,
            nameof(query),
            $"The facts span {TicketFact.Epoch + Duration.FromMinutes(min)} to {TicketFact.Epoch + Duration.FromMinutes(max)}: too long a range to group by {query.Period} in {zone.Id}. Give the query a time window (From, To).");
        var slots = new ushort[length];
        var starts = new List<LocalDate>();
        var ordinals = new Dictionary<LocalDate, ushort>();
        var ordinal = -1;
        for (var i = 0; i < slots.Length; i++)
        {
            var local = (TicketFact.Epoch + Duration.FromMinutes(baseMinute + ((long)i * slotMinutes))).InZone(zone).Date;
            var start = KpiKeys.PeriodStart(local, query.Period);
            if (ordinal < 0 || starts[ordinal] != start)
            {
                // Local dates can step back (a fall-back transition at midnight, as St. John's had
                // until 2011): a period seen before keeps its ordinal.
                if (!ordinals.TryGetValue(start, out var known))
                {
                    Preconditions.CheckArgument(starts.Count < ushort.MaxValue, nameof(query), $"More than {ushort.MaxValue} periods of {query.Period}: group by a longer period or give the query a time window (From, To).");
                    ordinals[start] = known = (ushort)starts.Count;
                    starts.Add(start);
                }

                ordinal = known;
            }

            slots[i] = (ushort)ordinal;
        }

        return new PeriodTable(baseMinute, slotMinutes, slots, [.. starts]);
    }

    /// <summary>The largest slot, in minutes, that divides a day and every offset and transition instant of the zone in the range.</summary>
    private static int SlotMinutes(DateTimeZone zone, Instant from, Instant to)
    {
        long gcd = NodaConstants.SecondsPerDay;
        foreach (var interval in zone.GetZoneIntervals(from, to))
        {
            gcd = Gcd(gcd, Math.Abs(interval.WallOffset.Seconds));
            if (interval.HasStart && interval.Start > from)
            {
                // The transition's second of the UTC day (floored: before 2000 the remainder is negative).
                var second = (long)Math.Floor((interval.Start - TicketFact.Epoch).TotalSeconds);
                gcd = Gcd(gcd, ((second % NodaConstants.SecondsPerDay) + NodaConstants.SecondsPerDay) % NodaConstants.SecondsPerDay);
            }
        }

        // An offset with seconds (local mean time before standard zones) leaves minute slots.
        return gcd % 60 == 0 ? (int)(gcd / 60) : 1;
    }

    private static long Gcd(long a, long b) => b == 0 ? Math.Abs(a) : Gcd(b, a % b);

    /// <summary>The slot lookup for the dense engine: per slot its period's ordinal times <paramref name="stride"/>.</summary>
    public SlotMap Map(int stride) => new(baseMinute, magic, shift, System.Array.ConvertAll(slots, ordinal => ordinal * stride));

    public int PeriodOf(int minute) => slots[SlotOf(minute)];

    public LocalDate StartOf(int ordinal) => starts[ordinal];

    private int SlotOf(int minute) => (int)(((ulong)(uint)(minute - baseMinute) * magic) >> shift);
}

/// <summary>A fact's minute to its period's offset in a dense group array: one multiply, one shift, one load (0 without periods).</summary>
internal readonly struct SlotMap(int baseMinute, ulong magic, int shift, int[] offsets)
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int OffsetOf(int minute) => offsets[(int)(((ulong)(uint)(minute - baseMinute) * magic) >> shift)];
}
