using System.Globalization;
using AfterSales.Quality.Kpi;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;

namespace AfterSales.Quality.Benchmarks.Kpi;

/// <summary>
/// The engine's cost against the number of facts (issue 19, "small queries"): the same two queries over 100,000 facts and
/// up (AFTERSALES_QUERY_ROWS, comma-separated; default 100000,1000000,10000000), each against DuckDB's SQL over the same
/// rows in the same run. Q1 = month × team × channel × priority with the headline counters (4,608 possible groups); Q4 =
/// month × agent × product with p50/p90 first response (180,000 possible groups, more than 100,000 facts: the grouping a
/// dense layout sized by the possible groups pays for). DuckDB (in-memory, all threads, loaded with the appender before
/// measuring) is the baseline of each, so Ratio is this engine's time over DuckDB's. The engine rows read every group's
/// <see cref="KpiGroup.Values"/>, as DuckDB's rows carry the computed values.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory, BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class QuerySizeBenchmarks
{
    private const string Q1 = KpiWorkload.Q1Sql;

    private const string Q4 = """
        SELECT month(received + INTERVAL 8 HOUR) AS m, agent, product, count(*) AS tickets,
               quantile_cont(frt, 0.5) FILTER (WHERE frt >= 0) AS p50, quantile_cont(frt, 0.9) FILTER (WHERE frt >= 0) AS p90
        FROM facts GROUP BY ALL
        """;

    private FactTable table = null!;
    private DuckDBConnection? duck;

    public static IEnumerable<int> Sizes() =>
        (Environment.GetEnvironmentVariable("AFTERSALES_QUERY_ROWS") ?? "100000,1000000,10000000")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture));

    [ParamsSource(nameof(Sizes))]
    public int Facts { get; set; }

    [GlobalSetup(Targets = [nameof(EngineQ1), nameof(EngineQ4)])]
    public void SetupEngine() => table = KpiWorkload.Facts(Facts);

    [GlobalSetup(Targets = [nameof(DuckDbQ1), nameof(DuckDbQ4)])]
    public void SetupDuckDb()
    {
        duck = KpiWorkload.LoadDuckDb(KpiWorkload.Facts(Facts));
    }

    [GlobalCleanup]
    public void Cleanup() => duck?.Dispose();

    [Benchmark(Baseline = true, Description = "Q1 DuckDB")]
    [BenchmarkCategory("Q1")]
    public int DuckDbQ1() => Count(Q1);

    [Benchmark(Description = "Q1 this engine")]
    [BenchmarkCategory("Q1")]
    public int EngineQ1() => KpiEngine.Aggregate(table, new KpiQuery
    {
        GroupBy = FactDimension.Team | FactDimension.Channel | FactDimension.Priority,
        Period = KpiPeriod.Month,
        TimeZone = KpiWorkload.Zone,
    }).Sum(g => g.Values.FirstResponseMeanSeconds is null ? 0 : 1); // every group's KPI values made, as the SQL computes them

    [Benchmark(Baseline = true, Description = "Q4 DuckDB (exact quantile_cont)")]
    [BenchmarkCategory("Q4")]
    public int DuckDbQ4() => Count(Q4);

    [Benchmark(Description = "Q4 this engine (sketch, 1 %)")]
    [BenchmarkCategory("Q4")]
    public int EngineQ4() => KpiEngine.Aggregate(table, new KpiQuery
    {
        GroupBy = FactDimension.Agent | FactDimension.Product,
        Period = KpiPeriod.Month,
        TimeZone = KpiWorkload.Zone,
        WithPercentiles = true,
        WithCounters = false,
    }).Sum(g => g.Values.FirstResponseP90Seconds is null ? 0 : 1);

    private int Count(string sql)
    {
        using var command = duck!.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
        }

        return rows;
    }
}
