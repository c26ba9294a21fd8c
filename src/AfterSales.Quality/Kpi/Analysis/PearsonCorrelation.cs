namespace AfterSales.Quality.Kpi.Analysis;

/// <summary>
/// A mergeable accumulator of the Pearson correlation coefficient of paired values: count, means
/// and co-moments updated with the numerically stable pairwise formulas (Welford; Chan, Golub and
/// LeVeque), so partials computed apart (per thread, shard, month) merge to the correlation of
/// all pairs up to floating-point rounding. Immutable value type: <see cref="Add"/> and
/// <see cref="Merge"/> return a new accumulator.
/// </summary>
public readonly record struct PearsonCorrelation
{
    private PearsonCorrelation(long count, double meanX, double meanY, double sumSquaresX, double sumSquaresY, double coMoment)
    {
        Count = count;
        MeanX = meanX;
        MeanY = meanY;
        SumSquaresX = sumSquaresX;
        SumSquaresY = sumSquaresY;
        CoMoment = coMoment;
    }

    /// <summary>The number of pairs.</summary>
    public long Count { get; }

    /// <summary>The mean of x.</summary>
    public double MeanX { get; }

    /// <summary>The mean of y.</summary>
    public double MeanY { get; }

    /// <summary>Σ(x − mean x)².</summary>
    public double SumSquaresX { get; }

    /// <summary>Σ(y − mean y)².</summary>
    public double SumSquaresY { get; }

    /// <summary>Σ(x − mean x)(y − mean y).</summary>
    public double CoMoment { get; }

    /// <summary>
    /// The coefficient r in [−1, 1]; null with fewer than two pairs or when x or y does not vary
    /// (the coefficient is undefined there, and no NaN is returned).
    /// </summary>
    public double? Coefficient
    {
        get
        {
            if (Count < 2 || SumSquaresX <= 0 || SumSquaresY <= 0)
            {
                return null;
            }

            return Math.Clamp(CoMoment / Math.Sqrt(SumSquaresX * SumSquaresY), -1, 1);
        }
    }

    /// <summary>Adds one pair.</summary>
    /// <param name="x">The first value; finite.</param>
    /// <param name="y">The second value; finite.</param>
    /// <returns>The accumulator with the pair.</returns>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public PearsonCorrelation Add(double x, double y)
    {
        Preconditions.CheckArgument(double.IsFinite(x), nameof(x), $"x: must be a finite number; it was {x}.");
        Preconditions.CheckArgument(double.IsFinite(y), nameof(y), $"y: must be a finite number; it was {y}.");
        var n = Count + 1;
        var dx = x - MeanX;
        var dy = y - MeanY;
        var meanX = MeanX + (dx / n);
        var meanY = MeanY + (dy / n);
        return new PearsonCorrelation(n, meanX, meanY, SumSquaresX + (dx * (x - meanX)), SumSquaresY + (dy * (y - meanY)), CoMoment + (dx * (y - meanY)));
    }

    /// <summary>Merges another accumulator: the result is the accumulator of both sets of pairs.</summary>
    /// <param name="other">The other accumulator.</param>
    /// <returns>The merged accumulator.</returns>
    public PearsonCorrelation Merge(PearsonCorrelation other)
    {
        if (other.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return other;
        }

        double na = Count, nb = other.Count, n = na + nb;
        var dx = other.MeanX - MeanX;
        var dy = other.MeanY - MeanY;
        var w = na * nb / n;
        return new PearsonCorrelation(
            Count + other.Count,
            MeanX + (dx * nb / n),
            MeanY + (dy * nb / n),
            SumSquaresX + other.SumSquaresX + (dx * dx * w),
            SumSquaresY + other.SumSquaresY + (dy * dy * w),
            CoMoment + other.CoMoment + (dx * dy * w));
    }
}
