namespace AfterSales.Quality.Kpi;

/// <summary>
/// A mergeable quantile sketch with bounded relative error: every quantile it returns is within
/// <see cref="RelativeAccuracy"/> (1 %) of the exact value of the same rank. Values are counted in
/// log-linear buckets — the binary exponent and the next 6 bits of the value (64 sub-buckets per
/// power of two, the layout of HdrHistogram with a fixed precision, and of DDSketch's linearly
/// interpolated mapping) — so a bucket spans at most 1/64 of its lower bound and the value reported
/// for it, 2·lower·upper / (lower + upper), is within 1/129 (0.78 %) of anything in it. Finding a
/// bucket takes a leading-zero count and two shifts: no logarithm and no lookup table. Merging two
/// sketches gives exactly the sketch of all their values. For non-negative values such as
/// durations in seconds (values below 1 count as 0; values from 2^47 up share the top bucket).
/// Not thread-safe; merge per-thread sketches.
/// </summary>
public sealed class QuantileSketch
{
    /// <summary>The relative accuracy guaranteed: 1 % (the buckets give 0.78 %).</summary>
    public const double RelativeAccuracy = 0.01;

    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Exponents = 48;
    private const int Buckets = Exponents * SubBuckets;
    // A sketch of few values keeps their buckets as a sorted list (`small`, up to SmallLimit: a group of a fine grouping
    // has a handful), then counts per bucket from bucket `first` on, covering its smallest to its largest value (and some
    // slack from growing) rather than every bucket from 0 up.
    private const int SmallLimit = 64;
    private long[] counts = [];
    private int first;
    private long zeros;
    private int[]? small;
    private int smallCount;

    /// <summary>The bytes the sketch holds: its bucket counts or small list and its fields.</summary>
    internal int FootprintBytes => (8 * counts.Length) + (4 * (small?.Length ?? 0)) + 24 + 56;

    /// <summary>How many values were added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a value.</summary>
    /// <param name="value">A non-negative value; values below 1 count as 0.</param>
    public void Add(double value)
    {
        if (!(value >= 1))
        {
            zeros++;
        }
        else
        {
            Record(BucketOf(value));
        }

        Count++;
    }

    /// <summary>Adds a whole value (such as seconds).</summary>
    /// <param name="value">A non-negative value.</param>
    public void Add(int value)
    {
        if (value < 1)
        {
            zeros++;
        }
        else
        {
            Record(BucketOf((uint)value));
        }

        Count++;
    }

    /// <summary>The length of the engine's flat bucket layout for whole values up to <paramref name="maxValue"/>: slot 0 counts zeros, slot 1 + b counts bucket b.</summary>
    /// <param name="maxValue">The largest value to be counted.</param>
    /// <returns>The number of slots.</returns>
    internal static int FlatLength(int maxValue) => maxValue < 1 ? 1 : 2 + BucketOf((uint)maxValue);

    /// <summary>The slot of a non-negative whole value in the flat layout (see <see cref="FlatLength"/>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The slot.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static int FlatBucketOf(int value) => value < 1 ? 0 : 1 + BucketOf((uint)value);

    /// <summary>Adds counts kept in the flat layout (see <see cref="FlatLength"/>).</summary>
    /// <param name="flat">Counts per slot.</param>
    internal void AddFlat(ReadOnlySpan<int> flat)
    {
        long added = flat[0];
        zeros += flat[0];
        var low = 1;
        var used = flat.Length;
        while (used > 1 && flat[used - 1] == 0)
        {
            used--; // the block is sized for the table's largest value; grow only to this group's
        }

        while (low < used && flat[low] == 0)
        {
            low++;
        }

        if (low < used)
        {
            ToCounts();
            EnsureRange(low - 1, used - 1);
            for (var i = low; i < used; i++)
            {
                counts[i - 1 - first] += flat[i];
                added += flat[i];
            }
        }

        Count += added;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Record(int bucket)
    {
        if ((uint)(bucket - first) < (uint)counts.Length)
        {
            counts[bucket - first]++; // the common case: a bucket inside the counts
            return;
        }

        RecordSlow(bucket);
    }

    /// <summary>A bucket outside the counts: into the small list while the sketch is small, else the counts grown to it.</summary>
    private void RecordSlow(int bucket)
    {
        if (counts.Length == 0 && smallCount < SmallLimit)
        {
            RecordSmall(bucket);
            return;
        }

        ToCounts();
        EnsureRange(bucket, bucket + 1);
        counts[bucket - first]++;
    }

    /// <summary>Inserts a bucket into the sorted small list.</summary>
    private void RecordSmall(int bucket)
    {
        if (small is null || smallCount == small.Length)
        {
            System.Array.Resize(ref small, Math.Min(SmallLimit, Math.Max(4, smallCount * 2)));
        }

        var at = smallCount;
        while (at > 0 && small[at - 1] > bucket)
        {
            small[at] = small[at - 1];
            at--;
        }

        small[at] = bucket;
        smallCount++;
    }

    /// <summary>Moves the small list's buckets into counts (before adding counts in bulk).</summary>
    private void ToCounts()
    {
        if (smallCount == 0)
        {
            return;
        }

        var list = small!;
        var n = smallCount;
        small = null;
        smallCount = 0;
        EnsureRange(list[0], list[n - 1] + 1);
        for (var i = 0; i < n; i++)
        {
            counts[list[i] - first]++;
        }
    }

    /// <summary>Makes the counts cover buckets [<paramref name="low"/>, <paramref name="high"/>), growing geometrically (a sketch filled value by value over a wide range copies its counts a few times, not once per bucket).</summary>
    private void EnsureRange(int low, int high)
    {
        if (counts.Length == 0)
        {
            first = low;
            counts = new long[high - low];
            return;
        }

        var end = first + counts.Length;
        if (low >= first && high <= end)
        {
            return;
        }

        var newFirst = low < first ? Math.Max(0, Math.Min(low, first - counts.Length)) : first;
        var newEnd = high > end ? Math.Min(Buckets, Math.Max(high, end + counts.Length)) : end;
        var grown = new long[newEnd - newFirst];
        counts.AsSpan().CopyTo(grown.AsSpan(first - newFirst));
        counts = grown;
        first = newFirst;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int BucketOf(uint value)
    {
        var exponent = 31 - System.Numerics.BitOperations.LeadingZeroCount(value);
        var mantissa = exponent >= SubBucketBits ? (int)(value >> (exponent - SubBucketBits)) : (int)(value << (SubBucketBits - exponent));
        return (exponent << SubBucketBits) | (mantissa & (SubBuckets - 1));
    }

    private static int BucketOf(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        if (exponent >= Exponents)
        {
            return Buckets - 1;
        }

        var mantissa = (int)((bits >> (52 - SubBucketBits)) & (SubBuckets - 1));
        return (exponent << SubBucketBits) | mantissa;
    }

    /// <summary>Adds every value of another sketch.</summary>
    /// <param name="other">The other sketch.</param>
    public void Merge(QuantileSketch other)
    {
        Preconditions.CheckNotNull(other);
        // Read the other's state first: merging a sketch into itself must add what it held before, once.
        var n = other.smallCount;
        var list = ReferenceEquals(other, this) ? other.small?[..n] : other.small;
        var otherCounts = other.counts;
        var otherFirst = other.first;
        for (var i = 0; i < n && list is not null; i++)
        {
            Record(list[i]);
        }

        if (otherCounts.Length > 0)
        {
            ToCounts();
            EnsureRange(otherFirst, otherFirst + otherCounts.Length);
            var at = otherFirst - first;
            for (var i = 0; i < otherCounts.Length; i++)
            {
                counts[at + i] += otherCounts[i];
            }
        }

        zeros += other.zeros;
        Count += other.Count;
    }

    /// <summary>
    /// The sketch as bytes, to send it to another process or node and merge it there
    /// (<see cref="FromBytes"/>): a format version, the zero count, the bucket array's length and
    /// each bucket's count as 7-bit variable-length integers. The same sketch always gives the same bytes.
    /// </summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes() => AggregateFormat.Write(FormatVersion, WriteTo);

    /// <summary>Reads a sketch written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The sketch.</returns>
    /// <exception cref="FormatException">The bytes are not a sketch this version reads: truncated, trailing data, another format version, counts out of range.</exception>
    public static QuantileSketch FromBytes(ReadOnlySpan<byte> bytes) => AggregateFormat.Read(bytes, "sketch", FormatVersion, ReadFrom);

    private const byte FormatVersion = 1;

    internal void WriteTo(BinaryWriter writer)
    {
        // Written as the bucket array from bucket 0 up to the block of the largest value (the form version 1 has always had):
        // the same values give the same bytes however the counts were held.
        writer.Write7BitEncodedInt64(zeros);
        if (smallCount > 0)
        {
            var list = small!.AsSpan(0, smallCount);
            var end = (list[^1] + SubBuckets) & ~(SubBuckets - 1);
            writer.Write7BitEncodedInt(end);
            var next = 0;
            for (var bucket = 0; bucket < end; bucket++)
            {
                long count = 0;
                while (next < list.Length && list[next] == bucket)
                {
                    count++;
                    next++;
                }

                writer.Write7BitEncodedInt64(count);
            }

            return;
        }

        var last = counts.AsSpan().LastIndexOfAnyExcept(0L);
        var length = last < 0 ? 0 : (first + last + SubBuckets) & ~(SubBuckets - 1);
        writer.Write7BitEncodedInt(length);
        for (var bucket = 0; bucket < length; bucket++)
        {
            var at = bucket - first;
            writer.Write7BitEncodedInt64(at >= 0 && at < counts.Length ? counts[at] : 0);
        }
    }

    internal static QuantileSketch ReadFrom(BinaryReader reader)
    {
        var sketch = new QuantileSketch { zeros = AggregateFormat.ReadCount(reader, "sketch zero count") };
        var length = reader.Read7BitEncodedInt();
        if (length < 0 || length > Buckets || length % SubBuckets != 0)
        {
            throw new FormatException($"sketch: {length} buckets; a sketch has a multiple of {SubBuckets} up to {Buckets}.");
        }

        sketch.counts = new long[length];
        var total = sketch.zeros;
        for (var i = 0; i < length; i++)
        {
            sketch.counts[i] = AggregateFormat.ReadCount(reader, "sketch bucket count");
            total = checked(total + sketch.counts[i]);
        }

        sketch.Count = total;
        return sketch;
    }

    /// <summary>The value at quantile <paramref name="q"/> (lower rank ⌈q·n⌉), within 1 % relative error; null when empty.</summary>
    /// <param name="q">The quantile, 0–1.</param>
    /// <returns>The estimate.</returns>
    public double? Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be between 0 and 1.");
        }

        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        if (rank <= zeros)
        {
            return 0;
        }

        if (smallCount > 0)
        {
            return Representative(small![rank - zeros - 1]); // the list is sorted: the rank-th value's bucket
        }

        var seen = zeros;
        for (var at = 0; at < counts.Length; at++)
        {
            seen += counts[at];
            if (seen >= rank)
            {
                return Representative(first + at);
            }
        }

        return null;
    }

    /// <summary>The value a bucket [lower, upper) stands for: the one with the least relative error to both ends.</summary>
    private static double Representative(int i)
    {
        var lower = Math.ScaleB(1 + ((double)(i & (SubBuckets - 1)) / SubBuckets), i >> SubBucketBits);
        var upper = Math.ScaleB(1 + ((double)((i & (SubBuckets - 1)) + 1) / SubBuckets), i >> SubBucketBits);
        return 2 * lower * upper / (lower + upper);
    }
}
