namespace AfterSales.Quality.Kpi.Analysis;

/// <summary>
/// Descriptive statistics of a sample: count, mean, standard deviation, extremes and exact
/// percentiles (linear interpolation between closest ranks, the default of R, NumPy and Excel's
/// PERCENTILE.INC). Every value is null for an empty sample; the standard deviation is the sample
/// one (n − 1) and null below two values. Immutable.
/// </summary>
/// <param name="Count">The number of values.</param>
/// <param name="Mean">The mean.</param>
/// <param name="StandardDeviation">The sample standard deviation.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="P25">The 25th percentile.</param>
/// <param name="Median">The median.</param>
/// <param name="P75">The 75th percentile.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="Max">The largest value.</param>
public sealed record DescriptiveStatistics(long Count, double? Mean, double? StandardDeviation, double? Min, double? P25, double? Median, double? P75, double? P90, double? P95, double? Max)
{
    /// <summary>The statistics of a sample.</summary>
    /// <param name="values">The values; each finite.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static DescriptiveStatistics Of(IEnumerable<double> values)
    {
        Preconditions.CheckNotNull(values);
        var sorted = values.ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            Preconditions.CheckArgument(double.IsFinite(sorted[i]), nameof(values), $"values[{i}]: must be a finite number; it was {sorted[i]}.");
        }

        if (sorted.Length == 0)
        {
            return new DescriptiveStatistics(0, null, null, null, null, null, null, null, null, null);
        }

        System.Array.Sort(sorted);
        double mean = 0, m2 = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var delta = sorted[i] - mean;
            mean += delta / (i + 1);
            m2 += delta * (sorted[i] - mean);
        }

        double? deviation = sorted.Length < 2 ? null : Math.Sqrt(m2 / (sorted.Length - 1));
        return new DescriptiveStatistics(sorted.Length, mean, deviation, sorted[0], Percentile(sorted, 0.25), Percentile(sorted, 0.5), Percentile(sorted, 0.75), Percentile(sorted, 0.9), Percentile(sorted, 0.95), sorted[^1]);
    }

    /// <summary>An exact percentile of sorted values by linear interpolation between closest ranks.</summary>
    /// <param name="sorted">The values, ascending; not empty.</param>
    /// <param name="q">The quantile in [0, 1].</param>
    /// <returns>The percentile.</returns>
    /// <exception cref="ArgumentException">The values are empty or <paramref name="q"/> is outside [0, 1].</exception>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        Preconditions.CheckNotNull(sorted);
        Preconditions.CheckArgument(sorted.Count > 0, nameof(sorted), "sorted: needs at least one value.");
        Preconditions.CheckArgument(q is >= 0 and <= 1, nameof(q), $"q: must be between 0 and 1; it was {q}.");
        var rank = q * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}
