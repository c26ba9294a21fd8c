using AfterSales.Quality.Benchmarks.Kpi;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Parquet;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;

namespace AfterSales.Quality.Benchmarks.Warehouse;

/// <summary>
/// The fact table to Parquet, partitioned by month: a full export, an incremental one after one ticket changed
/// (one month rewritten), and one with nothing changed; against DuckDB writing the same rows from its own table
/// (<c>COPY … TO … (FORMAT parquet, PARTITION_BY (month))</c>, the table already loaded: DuckDB's best case).
/// Facts: AFTERSALES_EXPORT_ROWS (default 1,000,000) of the KPI workload, a year in Shanghai.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
[InvocationCount(1)]
public class ParquetExportBenchmarks
{
    private static readonly int Rows = int.TryParse(Environment.GetEnvironmentVariable("AFTERSALES_EXPORT_ROWS"), out var rows) ? rows : 1_000_000;
    private FactTable table = null!;
    private readonly FactDimensions dimensions = new();
    private DuckDBConnection duck = null!;
    private string root = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AFTERSALES_KPI_ROWS", Rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var workload = KpiWorkload.Facts();
        table = new FactTable(Rows, KpiWorkload.Zone);
        foreach (ref readonly var fact in workload.Facts)
        {
            table.Add(fact);
        }

        for (var i = 0; i < 300; i++)
        {
            dimensions.Teams.Encode("team " + i);
            dimensions.Agents.Encode("agent " + i);
            dimensions.Products.Encode("product " + i);
        }

        foreach (var name in new[] { "phone", "live-chat", "email", "wechat", "app", "web", "store" })
        {
            dimensions.Channels.Encode(name);
        }

        foreach (var name in new[] { "repair", "consultation", "complaint", "installation" })
        {
            dimensions.Categories.Encode(name);
        }

        foreach (var name in new[] { "standard", "key account", "VIP" })
        {
            dimensions.Segments.Encode(name);
        }

        root = Directory.CreateTempSubdirectory("aftersales-export-bench-").FullName;
        FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = Path.Combine(root, "incremental") }).GetAwaiter().GetResult();

        duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = "CREATE TABLE facts (received_at TIMESTAMPTZ, team VARCHAR, agent VARCHAR, product VARCHAR, channel VARCHAR, priority VARCHAR, flags USMALLINT, frt INTEGER, handling INTEGER, csat INTEGER, ltr INTEGER, month VARCHAR)";
            create.ExecuteNonQuery();
        }

        using var appender = duck.CreateAppender("facts");
        foreach (ref readonly var f in table.Facts)
        {
            var at = f.ReceivedAt;
            appender.CreateRow()
                .AppendValue(at.ToDateTimeUtc())
                .AppendValue(dimensions.Teams.Decode(f.Team))
                .AppendValue(dimensions.Agents.Decode(f.Agent))
                .AppendValue(dimensions.Products.Decode(f.Product))
                .AppendValue(dimensions.Channels.Decode(f.Channel))
                .AppendValue(f.Priority?.ToString())
                .AppendValue((ushort)f.Flags)
                .AppendValue(f.FirstResponseSeconds)
                .AppendValue(f.HandlingSeconds)
                .AppendValue(f.Csat)
                .AppendValue(f.LikelihoodToRecommend)
                .AppendValue(at.InZone(KpiWorkload.Zone).Date.ToString("uuuu-MM", System.Globalization.CultureInfo.InvariantCulture))
                .EndRow();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        duck.Dispose();
        Directory.Delete(root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "DuckDB COPY TO parquet, partitioned by month")]
    public void DuckDbCopy()
    {
        var target = Path.Combine(root, "duck-" + Guid.NewGuid().ToString("N"));
        using var copy = duck.CreateCommand();
        copy.CommandText = $"COPY facts TO '{target}' (FORMAT parquet, PARTITION_BY (month))";
        copy.ExecuteNonQuery();
        Directory.Delete(target, recursive: true);
    }

    [Benchmark(Description = "Full export (every month written)")]
    public void FullExport()
    {
        var target = Path.Combine(root, "full-" + Guid.NewGuid().ToString("N"));
        FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = target }).GetAwaiter().GetResult();
        Directory.Delete(target, recursive: true);
    }

    [Benchmark(Description = "Incremental, one ticket changed (one month written)")]
    public FactExportResult IncrementalOneMonth()
    {
        var fact = table.Facts[0];
        table.Set(0, fact with { Flags = fact.Flags ^ FactFlags.Resolved });
        return FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = Path.Combine(root, "incremental") }).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Incremental, nothing changed")]
    public FactExportResult IncrementalUnchanged() =>
        FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = Path.Combine(root, "incremental") }).GetAwaiter().GetResult();
}
