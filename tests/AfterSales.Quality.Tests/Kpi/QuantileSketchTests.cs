using AfterSales.Quality.Kpi;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class QuantileSketchTests
{
    private static double Exact(double[] sorted, double q) => sorted[(int)Math.Max(1, Math.Ceiling(q * sorted.Length)) - 1];

    [Property(MaxTest = 200)]
    public void Every_quantile_is_within_one_percent_of_the_exact_value_of_its_rank(int seed, bool whole)
    {
        var random = new Random(seed);
        // Log-uniform over 1 s to about 30 years, with some zeros: the spread of real durations.
        var values = Enumerable.Range(0, random.Next(1, 3_000))
            .Select(_ => random.Next(20) == 0 ? 0 : Math.Exp(random.NextDouble() * Math.Log(1e9)))
            .Select(v => whole ? Math.Floor(v) : v).ToArray();
        var sketch = new QuantileSketch();
        foreach (var v in values)
        {
            if (whole)
            {
                sketch.Add((int)v);
            }
            else
            {
                sketch.Add(v);
            }
        }

        var sorted = values.Select(v => v < 1 ? 0 : v).Order().ToArray();
        foreach (var q in new[] { 0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1 })
        {
            var exact = Exact(sorted, q);
            var estimate = sketch.Quantile(q)!.Value;
            Assert.InRange(estimate, exact * (1 - QuantileSketch.RelativeAccuracy), exact * (1 + QuantileSketch.RelativeAccuracy));
        }
    }

    [Property(MaxTest = 100)]
    public void Sketches_built_apart_merge_to_exactly_the_sketch_of_all_values(int seed, PositiveInt parts)
    {
        var random = new Random(seed);
        // Log-uniform values 0 … 10⁹, a partial per order of magnitude (mod the partial count), so the
        // partials span different exponents and their bucket arrays differ in length.
        var values = Enumerable.Range(0, random.Next(0, 2_000)).Select(_ => (int)Math.Pow(10, random.NextDouble() * 9) - 1).ToArray();
        var whole = new QuantileSketch();
        var partials = Enumerable.Range(0, (parts.Get % 8) + 1).Select(_ => new QuantileSketch()).ToArray();
        foreach (var v in values)
        {
            whole.Add(v);
            partials[(int)Math.Log10(v + 1) % partials.Length].Add(v);
        }

        var merged = new QuantileSketch();
        foreach (var partial in partials)
        {
            merged.Merge(partial);
        }

        Assert.Equal(whole.Count, merged.Count);
        foreach (var q in new[] { 0, 0.1, 0.5, 0.9, 0.99, 1 })
        {
            Assert.Equal(whole.Quantile(q), merged.Quantile(q));
        }
    }

    [Fact]
    public void Edge_values_have_defined_results()
    {
        var sketch = new QuantileSketch();
        Assert.Null(sketch.Quantile(0.5));
        sketch.Add(0.4);
        sketch.Add(double.NaN); // not a duration: counted with the values below 1
        Assert.Equal(0, sketch.Quantile(1));
        sketch.Add(1e30); // beyond 2^47: the top bucket
        Assert.True(sketch.Quantile(1) > 1e14);
        sketch.Add(1);
        Assert.Equal(4, sketch.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(double.NaN));
        Assert.Throws<ArgumentNullException>(() => sketch.Merge(null!));
    }
}
