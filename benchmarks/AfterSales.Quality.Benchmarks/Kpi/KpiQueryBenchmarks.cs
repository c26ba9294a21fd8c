using AfterSales.Quality.Kpi;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;

namespace AfterSales.Quality.Benchmarks.Kpi;

/// <summary>
/// The headline KPI queries over the standard workload (10 million facts, or AFTERSALES_KPI_ROWS):
/// Q1 = month × team × channel × priority with count, mean FRT, mean handling time, FCR, resolved,
/// SLA met, complaints, CSAT mean and satisfied share, NPS; Q2 = p50 and p90 FRT by month × team
/// (the engine asked for percentiles only, as the SQL is; a second row asks for every counter too).
/// Peers in the same run: DuckDB (DuckDB.NET, in-memory, the same data loaded with the appender,
/// the same SQL) and LINQ GroupBy over an array of records (given the local month precomputed).
/// DuckDB is the baseline, so Ratio below 1 means faster than DuckDB.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KpiQueryBenchmarks
{
    private const string Q1 = KpiWorkload.Q1Sql;

    private const string Q2 = """
        SELECT month(received + INTERVAL 8 HOUR) AS m, team, quantile_cont(frt, 0.5) AS p50, quantile_cont(frt, 0.9) AS p90
        FROM facts WHERE frt >= 0 GROUP BY ALL
        """;

    private FactTable table = null!;
    private DuckDBConnection duck = null!;
    private FactRecord[] records = null!;

    [GlobalSetup(Targets = [nameof(EngineQ1), nameof(EngineQ2), nameof(EngineQ2WithCounters), nameof(EngineQ2AllDurations)])]
    public void SetupEngine() => table = KpiWorkload.Facts();

    [GlobalSetup(Targets = [nameof(DuckDbQ1), nameof(DuckDbQ2)])]
    public void SetupDuckDb()
    {
        duck = KpiWorkload.LoadDuckDb(KpiWorkload.Facts());
    }

    [GlobalSetup(Targets = [nameof(LinqQ1), nameof(LinqQ2)])]
    public void SetupLinq()
    {
        var facts = KpiWorkload.Facts();
        records = new FactRecord[facts.Count];
        var i = 0;
        foreach (ref readonly var f in facts.Facts)
        {
            records[i++] = new FactRecord(KpiWorkload.LocalMonth(f), f.Team, f.Channel, f.PriorityCode, f.RawFirstResponseSeconds, f.RawHandlingSeconds, f.Flags, f.CsatCode, f.RecommendationCode);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => duck?.Dispose();

    [Benchmark(Baseline = true, Description = "Q1 DuckDB")]
    [BenchmarkCategory("Q1")]
    public int DuckDbQ1() => Count(Q1);

    [Benchmark(Description = "Q1 this engine (all cores)")]
    [BenchmarkCategory("Q1")]
    public int EngineQ1() => KpiEngine.Aggregate(table, new KpiQuery
    {
        GroupBy = FactDimension.Team | FactDimension.Channel | FactDimension.Priority,
        Period = KpiPeriod.Month,
        TimeZone = KpiWorkload.Zone,
    }).Sum(g => g.Values.Tickets > 0 ? 1 : 0);

    [Benchmark(Description = "Q1 LINQ GroupBy")]
    [BenchmarkCategory("Q1")]
    public int LinqQ1() => records
        .GroupBy(r => (r.Month, r.Team, r.Channel, r.Priority))
        .Select(g => new
        {
            g.Key,
            Tickets = g.Count(),
            Frt = g.Where(r => r.Frt >= 0).Select(r => (double)r.Frt).DefaultIfEmpty().Average(),
            Handling = g.Where(r => r.Handling >= 0).Select(r => (double)r.Handling).DefaultIfEmpty().Average(),
            Fcr = g.Count(r => (r.Flags & FactFlags.FirstContactResolution) != 0),
            Resolved = g.Count(r => (r.Flags & FactFlags.Resolved) != 0),
            SlaMet = g.Count(r => (r.Flags & FactFlags.FirstResponseSlaMet) != 0),
            Complaints = g.Count(r => (r.Flags & FactFlags.Complaint) != 0),
            Csat = g.Where(r => r.Csat > 0).Select(r => (double)r.Csat).DefaultIfEmpty().Average(),
            Satisfied = g.Count(r => r.Csat >= 4),
            Nps = g.Count(r => r.Rec is 9 or 10) - g.Count(r => r.Rec <= 6),
        })
        .Count();

    [Benchmark(Baseline = true, Description = "Q2 DuckDB (exact quantile_cont)")]
    [BenchmarkCategory("Q2")]
    public int DuckDbQ2() => Count(Q2);

    [Benchmark(Description = "Q2 this engine (sketch, 1 %)")]
    [BenchmarkCategory("Q2")]
    public int EngineQ2() => KpiEngine.Aggregate(table, new KpiQuery
    {
        GroupBy = FactDimension.Team,
        Period = KpiPeriod.Month,
        TimeZone = KpiWorkload.Zone,
        WithPercentiles = true,
        WithCounters = false,
    }).Count(g => g.Values.FirstResponseP90Seconds is not null);

    [Benchmark(Description = "Q2 this engine, every counter too")]
    [BenchmarkCategory("Q2")]
    public int EngineQ2WithCounters() => KpiEngine.Aggregate(table, new KpiQuery
    {
        GroupBy = FactDimension.Team,
        Period = KpiPeriod.Month,
        TimeZone = KpiWorkload.Zone,
        WithPercentiles = true,
    }).Count(g => g.Values.FirstResponseP90Seconds is not null);

    [Benchmark(Description = "Q2 this engine, every counter and every duration's percentiles")]
    [BenchmarkCategory("Q2")]
    public int EngineQ2AllDurations() => KpiEngine.Aggregate(table, new KpiQuery
    {
        GroupBy = FactDimension.Team,
        Period = KpiPeriod.Month,
        TimeZone = KpiWorkload.Zone,
        Percentiles = DurationMeasures.All,
    }).Count(g => g.Values.FirstResponseP90Seconds is not null);

    [Benchmark(Description = "Q2 LINQ GroupBy (sort per group)")]
    [BenchmarkCategory("Q2")]
    public int LinqQ2() => records
        .Where(r => r.Frt >= 0)
        .GroupBy(r => (r.Month, r.Team))
        .Select(g =>
        {
            var sorted = g.Select(r => r.Frt).Order().ToArray();
            return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.9)]);
        })
        .Count();

    private int Count(string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
        }

        return rows;
    }

    private sealed record FactRecord(int Month, ushort Team, byte Channel, byte Priority, int Frt, int Handling, FactFlags Flags, byte Csat, byte Rec);
}
