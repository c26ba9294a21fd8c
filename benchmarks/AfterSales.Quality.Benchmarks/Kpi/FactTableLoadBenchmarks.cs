using AfterSales.Quality.Kpi;
using BenchmarkDotNet.Attributes;

namespace AfterSales.Quality.Benchmarks.Kpi;

/// <summary>
/// Loading facts into a table (issue 19, "Loading facts"), per fact, one core: presized (the baseline), the previous
/// implementation (one array doubling from the default capacity, copied below), the chunked table grown from the default
/// capacity, and its bulk add in batches of 10,000. <see cref="Facts"/> is 1.5 M so the doubling lands far above the count
/// (2,097,152 slots), as a real table's does between powers of two. Allocated is per fact, every growth step's garbage included.
/// </summary>
[MemoryDiagnoser]
public class FactTableLoadBenchmarks
{
    private const int Facts = 1_500_000;
    private TicketFact[] source = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AFTERSALES_KPI_ROWS", Facts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        source = KpiWorkload.Facts().Facts.ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Facts, Description = "presized FactTable, Add")]
    public long Presized()
    {
        var table = new FactTable(Facts);
        foreach (ref readonly var fact in source.AsSpan())
        {
            table.Add(fact);
        }

        return table.Capacity;
    }

    [Benchmark(OperationsPerInvoke = Facts, Description = "previous: one array doubling from 1,024, Add")]
    public long PreviousDoubling()
    {
        var table = new PreviousFactTable();
        foreach (ref readonly var fact in source.AsSpan())
        {
            table.Add(fact);
        }

        return table.Capacity;
    }

    [Benchmark(OperationsPerInvoke = Facts, Description = "chunked, grown from 1,024, Add")]
    public long ChunkedAdd()
    {
        var table = new FactTable();
        foreach (ref readonly var fact in source.AsSpan())
        {
            table.Add(fact);
        }

        return table.Capacity;
    }

    [Benchmark(OperationsPerInvoke = Facts, Description = "chunked, grown from 1,024, AddRange of 10,000")]
    public long ChunkedAddRange()
    {
        var table = new FactTable();
        for (var at = 0; at < source.Length; at += 10_000)
        {
            table.AddRange(source.AsSpan(at, Math.Min(10_000, source.Length - at)));
        }

        return table.Capacity;
    }

    /// <summary>The fact table's growth before chunks (commit f1523dd): one array doubled when full, the same per-fact bookkeeping.</summary>
    private sealed class PreviousFactTable
    {
        private TicketFact[] facts = new TicketFact[1024];
        private int maxTeam, maxAgent, maxProduct, maxChannel, maxCategory, maxPriority, maxSegment, maxFirstResponse;
        private int minMinute = int.MaxValue, maxMinute = int.MinValue;

        public int Count { get; private set; }

        public long Capacity => facts.Length;

        public void Add(in TicketFact fact)
        {
            if (Count == facts.Length)
            {
                Array.Resize(ref facts, facts.Length * 2);
            }

            facts[Count++] = fact;
            maxTeam = Math.Max(maxTeam, fact.Team);
            maxAgent = Math.Max(maxAgent, fact.Agent);
            maxProduct = Math.Max(maxProduct, fact.Product);
            maxChannel = Math.Max(maxChannel, fact.Channel);
            maxCategory = Math.Max(maxCategory, fact.Category);
            maxPriority = Math.Max(maxPriority, fact.PriorityCode);
            maxSegment = Math.Max(maxSegment, fact.Segment);
            maxFirstResponse = Math.Max(maxFirstResponse, fact.RawFirstResponseSeconds);
            minMinute = Math.Min(minMinute, fact.ReceivedMinute);
            maxMinute = Math.Max(maxMinute, fact.ReceivedMinute);
        }
    }
}
