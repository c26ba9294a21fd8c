using NodaTime;
using NodaTime.Calendars;

namespace AfterSales.Quality.Kpi;

/// <summary>
/// A growable columnar-friendly table of <see cref="TicketFact"/>s: append one at a time (streaming)
/// or in bulk (<see cref="AddRange"/>), query at any time. The facts live in chunks of
/// <see cref="ChunkSize"/> (65,536 facts, 2.5 MB): a full table grows by one more chunk, so growing never
/// copies the facts already held and leaves at most one partly filled chunk; only the first chunk of a
/// small table doubles (copying at most 32,768 facts once) until it holds <see cref="ChunkSize"/>.
/// A table presized with the capacity it ends with allocates exactly the chunks it needs.
/// Appending does not allocate per fact. Not thread-safe for concurrent appends; queries may run in
/// parallel with each other.
/// </summary>
public sealed class FactTable
{
    /// <summary>The facts a chunk holds: 65,536 (2.5 MB at 40 bytes a fact).</summary>
    public const int ChunkSize = 1 << ChunkBits;

    private const int ChunkBits = 16;
    private const int ChunkMask = ChunkSize - 1;

    // Every chunk but the first (while the table is small) holds ChunkSize facts; rows are row >> 16, row & 0xFFFF.
    private TicketFact[][] chunks;
    private int chunkCount;

    /// <summary>Creates a table.</summary>
    /// <param name="capacity">Initial capacity: the facts the table holds before it grows (chunks are allocated up front for it).</param>
    /// <param name="timeZone">The service desk's zone: the zone of periods for a query that names none. Default UTC.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public FactTable(int capacity = 1024, DateTimeZone? timeZone = null)
    {
        if (capacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity: must be 0 or more; it was {capacity}.");
        }

        TimeZone = timeZone ?? DateTimeZone.Utc;
        if (capacity <= ChunkSize)
        {
            chunks = [new TicketFact[Math.Max(16, capacity)]];
            chunkCount = 1;
        }
        else
        {
            chunkCount = (int)(((long)capacity + ChunkMask) >> ChunkBits);
            chunks = new TicketFact[chunkCount][];
            for (var i = 0; i < chunkCount; i++)
            {
                chunks[i] = new TicketFact[ChunkSize];
            }
        }
    }

    /// <summary>The service desk's zone: periods of a <see cref="KpiQuery"/> whose <see cref="KpiQuery.TimeZone"/> is null are taken in it.</summary>
    public DateTimeZone TimeZone { get; }

    /// <summary>The number of facts.</summary>
    public int Count { get; private set; }

    /// <summary>The facts the table holds without growing (its allocated chunks).</summary>
    public long Capacity => chunkCount == 1 ? chunks[0].Length : (long)chunkCount * ChunkSize;

    /// <summary>
    /// The facts as one span: a view of the table when it fits in one chunk (up to <see cref="ChunkSize"/> facts),
    /// else a copy made for the call. Large tables are read without a copy with <see cref="ChunkCount"/> and
    /// <see cref="GetChunk"/>, or row by row with the indexer.
    /// </summary>
    public ReadOnlySpan<TicketFact> Facts
    {
        get
        {
            if (Count <= chunks[0].Length)
            {
                return chunks[0].AsSpan(0, Count);
            }

            var copy = new TicketFact[Count];
            for (var i = 0; i < ChunkCount; i++)
            {
                GetChunk(i).CopyTo(copy.AsSpan(i << ChunkBits));
            }

            return copy;
        }
    }

    /// <summary>The number of chunks that hold facts (0 for an empty table).</summary>
    public int ChunkCount => (int)(((long)Count + ChunkMask) >> ChunkBits);

    /// <summary>The facts of one chunk, in row order: rows <c>index × ChunkSize</c> onwards (every chunk but the last is full).</summary>
    /// <param name="index">The chunk, 0 to <see cref="ChunkCount"/> − 1.</param>
    /// <returns>The chunk's facts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a chunk that holds facts.</exception>
    public ReadOnlySpan<TicketFact> GetChunk(int index)
    {
        if ((uint)index >= (uint)ChunkCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index: must be a chunk of the table (0 to {ChunkCount - 1}).");
        }

        return chunks[index].AsSpan(0, Math.Min(ChunkSize, Count - (index << ChunkBits)));
    }

    /// <summary>The fact at a row.</summary>
    /// <param name="index">The row, 0 to <see cref="Count"/> − 1.</param>
    /// <returns>The fact.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a row of the table.</exception>
    public ref readonly TicketFact this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"index: must be a row of the table (0 to {Count - 1}).");
            }

            return ref chunks[index >> ChunkBits][index & ChunkMask];
        }
    }

    /// <summary>Appends a fact.</summary>
    /// <param name="fact">The fact.</param>
    public void Add(in TicketFact fact)
    {
        var chunk = Count >> ChunkBits;
        var offset = Count & ChunkMask;
        if (chunk == 0 ? offset == chunks[0].Length : offset == 0 && chunk == chunkCount)
        {
            Grow();
        }

        chunks[chunk][offset] = fact;
        Count++;
        Widen(fact);
    }

    /// <summary>Appends facts in bulk: chunk by chunk, with one copy of the given facts and no per-fact call.</summary>
    /// <param name="facts">The facts, in row order.</param>
    /// <exception cref="ArgumentOutOfRangeException">The table would hold more than <see cref="int.MaxValue"/> facts; nothing is added.</exception>
    public void AddRange(ReadOnlySpan<TicketFact> facts)
    {
        if ((long)Count + facts.Length > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(facts), facts.Length, $"facts: the table holds {Count} facts; {facts.Length} more do not fit.");
        }

        while (!facts.IsEmpty)
        {
            var chunk = Count >> ChunkBits;
            var offset = Count & ChunkMask;
            if (chunk == 0 ? offset == chunks[0].Length : offset == 0 && chunk == chunkCount)
            {
                Grow(facts.Length);
                continue;
            }

            var room = chunks[chunk].Length - offset;
            var part = facts[..Math.Min(room, facts.Length)];
            part.CopyTo(chunks[chunk].AsSpan(offset));
            Count += part.Length;
            foreach (ref readonly var fact in part)
            {
                Widen(fact);
            }

            facts = facts[part.Length..];
        }
    }

    /// <summary>Makes room for at least one more fact: the first chunk doubles up to <see cref="ChunkSize"/>, then whole chunks are added.</summary>
    private void Grow(int wanted = 1)
    {
        if (chunkCount == 1 && chunks[0].Length < ChunkSize)
        {
            var first = chunks[0];
            System.Array.Resize(ref first, (int)Math.Min(ChunkSize, Math.Max((long)first.Length * 2, Count + (long)wanted)));
            chunks[0] = first;
            return;
        }

        if (chunkCount == chunks.Length)
        {
            System.Array.Resize(ref chunks, Math.Max(4, chunks.Length * 2)); // the chunk list, not the facts
        }

        chunks[chunkCount++] = new TicketFact[ChunkSize];
    }

    /// <summary>The facts from row <paramref name="start"/> to the end of its chunk or to <paramref name="end"/>, whichever comes first (the engine's partitions walk chunk by chunk).</summary>
    internal ReadOnlySpan<TicketFact> SpanFrom(int start, int end) =>
        chunks[start >> ChunkBits].AsSpan(start & ChunkMask, Math.Min(end - start, ChunkSize - (start & ChunkMask)));

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

        chunks[index >> ChunkBits][index & ChunkMask] = fact;
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
}
