namespace AfterSales.Quality.Kpi.Engine;

/// <summary>
/// One group's durations for percentiles, as the dense engine counts them: the first values as a plain list — up to a
/// quarter of the flat block's length, at least <see cref="ListLength"/>, so a list never takes more room than a quarter of
/// the block — then the sketch's flat bucket counts. A query grouped finer than its facts (month × agent × product over
/// 100,000 facts: a value or two a group) thus keeps a few ints a group instead of a flat block of about a thousand
/// buckets (4 KB) each; a group with many values pays the flat block once, as before. A list is marked by a negative
/// first slot, <c>-(count + 1)</c>; a flat block's first slot counts zeros and is never negative.
/// </summary>
internal static class GroupDurations
{
    /// <summary>Values a group keeps as a list, at least, before it switches to the flat block.</summary>
    public const int ListLength = 32;

    /// <summary>Counts <paramref name="value"/> (seconds, non-negative) into the group's slot of <paramref name="groups"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Count(int[]?[] groups, int index, int value, int flatLength)
    {
        var slots = groups[index];
        if (slots is not null && slots[0] >= 0)
        {
            slots[QuantileSketch.FlatBucketOf(value)]++;
            return;
        }

        Append(groups, index, value, flatLength);
    }

    private static void Append(int[]?[] groups, int index, int value, int flatLength)
    {
        var list = groups[index] ??= [-1, 0, 0, 0];
        var count = -list[0] - 1;
        if (count + 1 < list.Length)
        {
            list[count + 1] = value;
            list[0] = -(count + 2);
            return;
        }

        var limit = Math.Max(ListLength, flatLength / 4);
        if (count < limit)
        {
            var longer = new int[Math.Min((list.Length * 2) - 1, limit + 1)];
            list.AsSpan().CopyTo(longer);
            longer[count + 1] = value;
            longer[0] = -(count + 2);
            groups[index] = longer;
            return;
        }

        var flat = new int[flatLength];
        for (var i = 1; i <= count; i++)
        {
            flat[QuantileSketch.FlatBucketOf(list[i])]++;
        }

        flat[QuantileSketch.FlatBucketOf(value)]++;
        groups[index] = flat;
    }

    /// <summary>Adds a group's counted durations (a list or a flat block) to <paramref name="sketch"/>.</summary>
    public static void AddTo(QuantileSketch sketch, int[] slots)
    {
        if (slots[0] >= 0)
        {
            sketch.AddFlat(slots);
            return;
        }

        var count = -slots[0] - 1;
        for (var i = 1; i <= count; i++)
        {
            sketch.Add(slots[i]);
        }
    }
}
