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

        // The same bytes however the buckets were held (from the smallest value's block on, or read back whole from bytes).
        Assert.Equal(whole.ToBytes(), merged.ToBytes());
        Assert.Equal(whole.ToBytes(), QuantileSketch.FromBytes(whole.ToBytes()).ToBytes());
        var reread = QuantileSketch.FromBytes(partials[0].ToBytes());
        foreach (var partial in partials.Skip(1))
        {
            reread.Merge(partial);
        }

        Assert.Equal(whole.ToBytes(), reread.ToBytes());
    }

    [Property(MaxTest = 200)]
    public void A_sketch_of_few_values_answers_and_writes_as_one_counting_per_bucket(int seed)
    {
        // Up to 64 values a sketch keeps a sorted list of buckets, then counts: the two agree on every quantile and byte,
        // whichever way the values came (one by one, merged in, merged into itself).
        var random = new Random(seed);
        var values = Enumerable.Range(0, random.Next(0, 150)).Select(_ => random.Next(4) == 0 ? 0 : (int)Math.Pow(10, random.NextDouble() * 7)).ToArray();
        var listed = new QuantileSketch();
        foreach (var v in values)
        {
            listed.Add(v);
        }

        var counted = new QuantileSketch();
        var flat = new int[QuantileSketch.FlatLength(10_000_000)];
        foreach (var v in values)
        {
            flat[QuantileSketch.FlatBucketOf(v)]++;
        }

        counted.AddFlat(flat); // straight into counts
        Assert.Equal(counted.Count, listed.Count);
        foreach (var q in new[] { 0, 0.01, 0.25, 0.5, 0.9, 0.95, 1 })
        {
            Assert.Equal(counted.Quantile(q), listed.Quantile(q));
        }

        Assert.Equal(counted.ToBytes(), listed.ToBytes());
        var doubled = QuantileSketch.FromBytes(listed.ToBytes());
        doubled.Merge(doubled);
        listed.Merge(listed);
        Assert.Equal(doubled.ToBytes(), listed.ToBytes());
        Assert.Equal(2 * values.Length, listed.Count);
    }

    [Fact]
    public void A_sketch_of_large_values_only_writes_the_whole_bucket_array_from_bucket_0()
    {
        var sketch = new QuantileSketch();
        sketch.Add(1_000_000); // exponent 19: bucket 19 × 64 + mantissa, in the block starting at 1,216
        var bytes = sketch.ToBytes();
        var back = QuantileSketch.FromBytes(bytes);
        Assert.Equal(sketch.Quantile(0.5), back.Quantile(0.5));
        Assert.InRange(back.Quantile(0.5)!.Value, 990_000, 1_010_000);
        Assert.Equal(bytes, back.ToBytes());
        using var reader = new BinaryReader(new MemoryStream(bytes, 1, bytes.Length - 1)); // after the format version
        Assert.Equal(0, reader.Read7BitEncodedInt64()); // zeros
        Assert.Equal(20 * 64, reader.Read7BitEncodedInt()); // buckets 0 … 1,279: the dense form version 1 has always written
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
