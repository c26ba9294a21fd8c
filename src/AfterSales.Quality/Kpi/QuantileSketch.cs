namespace AfterSales.Quality.Kpi;

/// <summary>
/// A mergeable quantile sketch with bounded relative error (DDSketch-style logarithmic buckets):
/// every quantile it returns is within <see cref="RelativeAccuracy"/> (1 %) of the exact value
/// of the same rank. Merging two sketches gives exactly the sketch of all their values. For
/// non-negative values such as durations in seconds. Not thread-safe; merge per-thread sketches.
/// </summary>
public sealed class QuantileSketch
{
    /// <summary>The relative accuracy: 1 %.</summary>
    public const double RelativeAccuracy = 0.01;

    private const int Buckets = 2300; // covers values up to about 1e20 at 1 % accuracy
    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);
    private const int TabulatedValues = 1 << 18;

    // Bucket of every whole value below 2^18 (about 3 days in seconds), so most adds skip the logarithm.
    private static readonly ushort[] SmallBuckets = BuildSmallBuckets();
    private readonly long[] counts = new long[Buckets];
    private long zeros;

    /// <summary>How many values were added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a value.</summary>
    /// <param name="value">A non-negative value; values below 1 count as 0.</param>
    public void Add(double value)
    {
        if (value < 1)
        {
            zeros++;
        }
        else
        {
            counts[BucketOf(value)]++;
        }

        Count++;
    }

    /// <summary>Adds a whole value (such as seconds) through a lookup table when it is small.</summary>
    /// <param name="value">A non-negative value.</param>
    public void Add(int value)
    {
        if (value < 1)
        {
            zeros++;
        }
        else
        {
            counts[value < TabulatedValues ? SmallBuckets[value] : BucketOf(value)]++;
        }

        Count++;
    }

    private static int BucketOf(double value) => Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log(value) / LogGamma));

    private static ushort[] BuildSmallBuckets()
    {
        var table = new ushort[TabulatedValues];
        for (var v = 1; v < table.Length; v++)
        {
            table[v] = (ushort)BucketOf(v);
        }

        return table;
    }

    /// <summary>Adds every value of another sketch.</summary>
    /// <param name="other">The other sketch.</param>
    public void Merge(QuantileSketch other)
    {
        Preconditions.CheckNotNull(other);
        for (var i = 0; i < Buckets; i++)
        {
            counts[i] += other.counts[i];
        }

        zeros += other.zeros;
        Count += other.Count;
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

        var seen = zeros;
        for (var i = 0; i < Buckets; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                // The bucket (γ^(i-1), γ^i] is represented by the value with the least relative error to both ends.
                return 2 * Math.Pow(Gamma, i) / (Gamma + 1);
            }
        }

        return null;
    }
}
