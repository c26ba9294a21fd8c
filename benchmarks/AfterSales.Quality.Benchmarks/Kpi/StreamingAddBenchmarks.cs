using AfterSales.Quality.Kpi;
using BenchmarkDotNet.Attributes;

namespace AfterSales.Quality.Benchmarks.Kpi;

/// <summary>Streaming: appending facts to a fact table and folding them into a running aggregate, one core, per fact.</summary>
[MemoryDiagnoser]
public class StreamingAddBenchmarks
{
    private const int Facts = 1_000_000;
    private TicketFact[] source = null!;
    private FactTable table = null!;
    private KpiAggregate running = null!;

    [GlobalSetup]
    public void Setup() => source = [.. KpiWorkloadSample()];

    [IterationSetup]
    public void Reset()
    {
        table = new FactTable(Facts);
        running = new KpiAggregate();
    }

    [Benchmark(OperationsPerInvoke = Facts, Description = "FactTable.Add")]
    public int Append()
    {
        foreach (ref readonly var fact in source.AsSpan())
        {
            table.Add(fact);
        }

        return table.Count;
    }

    [Benchmark(OperationsPerInvoke = Facts, Description = "KpiAggregate.Add (running totals)")]
    public long Fold()
    {
        foreach (ref readonly var fact in source.AsSpan())
        {
            running.Add(fact);
        }

        return running.Tickets;
    }

    private static IEnumerable<TicketFact> KpiWorkloadSample()
    {
        Environment.SetEnvironmentVariable("AFTERSALES_KPI_ROWS", Facts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var fact in KpiWorkload.Facts().Facts.ToArray())
        {
            yield return fact;
        }
    }
}
