using AfterSales.Quality.Kpi;
using BenchmarkDotNet.Attributes;
using HdrHistogram;

namespace AfterSales.Quality.Benchmarks.Kpi;

/// <summary>
/// The FRT percentile sketch against HdrHistogram (HdrHistogram.NET 2.5, 2 significant digits: a
/// value error of at most 1 %, the same bound), on the first response times of the KPI workload:
/// recording one value, merging the 192 partials of a month × team query (12 × 16), and reading
/// p50 and p90. Memory and accuracy are printed in the setup (see the log) and recorded in
/// benchmarks/README.md.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class QuantileSketchBenchmarks
{
    private const int Values = 1_000_000;
    private const int Partials = 192;
    private const long Highest = 100L * 24 * 3600; // 100 days in seconds
    private int[] values = null!;
    private QuantileSketch[] sketchPartials = null!;
    private LongHistogram[] hdrPartials = null!;
    private QuantileSketch sketch = null!;
    private LongHistogram hdr = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AFTERSALES_KPI_ROWS", (Values * 5 / 4).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var frts = new List<int>(Values);
        foreach (ref readonly var fact in KpiWorkload.Facts().Facts)
        {
            if (fact.RawFirstResponseSeconds >= 0 && frts.Count < Values)
            {
                frts.Add(Math.Min(fact.RawFirstResponseSeconds, (int)Highest));
            }
        }

        values = [.. frts];
        sketch = new QuantileSketch();
        hdr = new LongHistogram(1, Highest, 2);
        sketchPartials = Enumerable.Range(0, Partials).Select(_ => new QuantileSketch()).ToArray();
        hdrPartials = Enumerable.Range(0, Partials).Select(_ => new LongHistogram(1, Highest, 2)).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            sketch.Add(values[i]);
            hdr.RecordValue(Math.Max(1, values[i]));
            sketchPartials[i % Partials].Add(values[i]);
            hdrPartials[i % Partials].RecordValue(Math.Max(1, values[i]));
        }

        // Accuracy against the exact nearest-rank percentiles, and footprint.
        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0.5, 0.9, 0.99 })
        {
            var exact = (double)sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            var s = sketch.Quantile(q)!.Value;
            var h = (double)hdr.GetValueAtPercentile(q * 100);
            Console.WriteLine($"// accuracy p{q * 100:0}: exact {exact}, sketch {s:F1} ({(s - exact) / exact:P2}), HdrHistogram {h} ({(h - exact) / exact:P2})");
        }

        Console.WriteLine($"// footprint: sketch {sketch.FootprintBytes} B, HdrHistogram {hdr.GetEstimatedFootprintInBytes()} B");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Values, Description = "record: HdrHistogram")]
    [BenchmarkCategory("record")]
    public long RecordHdr()
    {
        var h = new LongHistogram(1, Highest, 2);
        foreach (var v in values)
        {
            h.RecordValue(Math.Max(1, v));
        }

        return h.TotalCount;
    }

    [Benchmark(OperationsPerInvoke = Values, Description = "record: QuantileSketch")]
    [BenchmarkCategory("record")]
    public long RecordSketch()
    {
        var s = new QuantileSketch();
        foreach (var v in values)
        {
            s.Add(v);
        }

        return s.Count;
    }

    [Benchmark(Baseline = true, Description = "merge 192 partials: HdrHistogram")]
    [BenchmarkCategory("merge")]
    public long MergeHdr()
    {
        var total = new LongHistogram(1, Highest, 2);
        foreach (var partial in hdrPartials)
        {
            total.Add(partial);
        }

        return total.TotalCount;
    }

    [Benchmark(Description = "merge 192 partials: QuantileSketch")]
    [BenchmarkCategory("merge")]
    public long MergeSketch()
    {
        var total = new QuantileSketch();
        foreach (var partial in sketchPartials)
        {
            total.Merge(partial);
        }

        return total.Count;
    }

    [Benchmark(Baseline = true, Description = "p50 + p90: HdrHistogram")]
    [BenchmarkCategory("quantiles")]
    public double QuantilesHdr() => hdr.GetValueAtPercentile(50) + hdr.GetValueAtPercentile(90);

    [Benchmark(Description = "p50 + p90: QuantileSketch")]
    [BenchmarkCategory("quantiles")]
    public double QuantilesSketch() => sketch.Quantile(0.5)!.Value + sketch.Quantile(0.9)!.Value;
}
