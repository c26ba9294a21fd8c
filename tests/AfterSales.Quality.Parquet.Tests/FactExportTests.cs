using System.Globalization;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Reporting.Tests;
using AfterSales.Quality.Tickets;
using DuckDB.NET.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Parquet.Tests;

/// <summary>
/// The Parquet export read back by DuckDB (the warehouse a user would point at it): the same KPI counters per
/// month × team × channel × priority as the engine computes over the table, after a first export and after
/// incremental ones; and the export's contract on bad input, partial failure and untrusted checkpoints.
/// </summary>
public sealed class FactExportTests : IDisposable
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private readonly string root = Directory.CreateTempSubdirectory("aftersales-parquet-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>The Q1 counters from the export, by DuckDB, keyed like the engine's groups.</summary>
    private static SortedDictionary<string, string> DuckDbQ1(string directory)
    {
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"""
            SELECT month, coalesce(team, '(none)'), coalesce(channel, '(none)'), coalesce(priority, '(none)'),
                   count(*),
                   count(*) FILTER (WHERE resolved), count(*) FILTER (WHERE first_contact_resolution), count(*) FILTER (WHERE complaint),
                   count(*) FILTER (WHERE reopened), count(*) FILTER (WHERE escalated),
                   count(first_response_seconds), coalesce(sum(first_response_seconds), 0),
                   count(handling_seconds), coalesce(sum(handling_seconds), 0),
                   count(*) FILTER (WHERE first_response_sla_due), count(*) FILTER (WHERE first_response_sla_due AND first_response_sla_met),
                   count(*) FILTER (WHERE resolution_sla_due), count(*) FILTER (WHERE resolution_sla_due AND resolution_sla_met),
                   count(csat), coalesce(sum(csat), 0), count(*) FILTER (WHERE csat >= 4),
                   count(*) FILTER (WHERE likelihood_to_recommend IS NOT NULL OR recommend IS NOT NULL),
                   count(*) FILTER (WHERE likelihood_to_recommend >= 9 OR recommend = 'Yes'),
                   count(*) FILTER (WHERE likelihood_to_recommend <= 6 OR recommend = 'No'),
                   count(effort), coalesce(sum(effort), 0),
                   sum(revisits_due), sum(revisits_on_time),
                   count(*) FILTER (WHERE inspected), count(*) FILTER (WHERE inspected AND accurate),
                   count(*) FILTER (WHERE transferred), coalesce(sum(reply_count), 0), coalesce(sum(reply_seconds), 0),
                   count(resolution_seconds), coalesce(sum(resolution_seconds), 0),
                   count(resolution_working_seconds), coalesce(sum(resolution_working_seconds), 0)
            FROM read_parquet('{directory.Replace("'", "''", StringComparison.Ordinal)}/month=*/facts.parquet', hive_partitioning = true)
            GROUP BY ALL
            """;
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = string.Join('|', Enumerable.Range(0, 4).Select(reader.GetString));
            result[key] = string.Join(',', Enumerable.Range(4, reader.FieldCount - 4).Select(i => reader.GetValue(i) is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>The same counters from the engine.</summary>
    private static SortedDictionary<string, string> EngineQ1(FactTable table, FactDimensions dimensions)
    {
        var groupBy = FactDimension.Team | FactDimension.Channel | FactDimension.Priority;
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in KpiEngine.Aggregate(table, new KpiQuery { GroupBy = groupBy, Period = KpiPeriod.Month }))
        {
            var a = group.Aggregate;
            var key = string.Join('|', group.Key.PeriodStart!.Value.ToString("uuuu-MM", CultureInfo.InvariantCulture),
                group.Label(FactDimension.Team, dimensions), group.Label(FactDimension.Channel, dimensions), group.Key.TicketPriority?.ToString() ?? "(none)");
            result[key] = string.Join(',', new long[]
            {
                a.Tickets, a.Resolved, a.FirstContactResolved, a.Complaints, a.Reopened, a.Escalated, a.Responded, a.FirstResponseSeconds,
                a.Handled, a.HandlingSeconds, a.FirstResponseSlaDue, a.FirstResponseSlaMet, a.ResolutionSlaDue, a.ResolutionSlaMet,
                a.CsatAnswers, a.CsatSum, a.CsatSatisfied, a.RecommendationAnswers, a.Promoters, a.Detractors, a.EffortAnswers, a.EffortSum,
                a.RevisitsDue, a.RevisitsOnTime, a.Inspected, a.Accurate,
                a.Transferred, a.Replies, a.ReplySeconds, a.ResolutionTimed, a.ResolutionSeconds, a.ResolutionWorkingTimed, a.ResolutionWorkingSeconds,
            });
        }

        return result;
    }

    private static (FactTable Table, FactDimensions Dimensions) RandomTable(int seed, int count, DateTimeZone zone)
    {
        var random = new Random(seed);
        var dimensions = new FactDimensions();
        string[] teams = ["(none)", "Hardware", "Software", "售后一组", "Billing"];
        string[] channels = ["(none)", "phone", "live-chat", "email", "wechat"];
        foreach (var t in teams)
        {
            dimensions.Teams.Encode(t);
        }

        foreach (var c in channels)
        {
            dimensions.Channels.Encode(c);
        }

        var table = new FactTable(16, zone);
        var start = (int)(Instant.FromUtc(2024, 1, 1, 0, 0) - TicketFact.Epoch).TotalMinutes;
        for (var i = 0; i < count; i++)
        {
            int? Maybe(int max) => random.Next(4) == 0 ? null : random.Next(max);
            var flags = (FactFlags)random.Next(1 << 12);
            var ltr = random.Next(3) == 0 ? (int?)random.Next(11) : null;
            table.Add(new TicketFact
            {
                ReceivedMinute = start + random.Next(60 * 24 * 200), // eight months, month edges in the zone included
                Team = (ushort)random.Next(teams.Length),
                Channel = (byte)random.Next(channels.Length),
                Priority = random.Next(5) == 0 ? null : (Priority)random.Next(4),
                Flags = flags,
                FirstResponseSeconds = Maybe(100_000),
                HandlingSeconds = Maybe(900_000),
                FirstResponseWorkingSeconds = Maybe(50_000),
                ResolutionWorkingSeconds = Maybe(500_000),
                Csat = random.Next(3) == 0 ? null : 1 + random.Next(5),
                Effort = random.Next(3) == 0 ? null : 1 + random.Next(7),
                LikelihoodToRecommend = ltr,
                Recommend = ltr is null && random.Next(2) == 0 ? (RecommendAnswer)random.Next(3) : null,
                RevisitsDue = random.Next(3),
                ResolutionSeconds = Maybe(2_000_000),
                ReplyCount = random.Next(4) is var replies && replies > 0 ? replies : 0,
            } is var fact ? fact with { RevisitsOnTime = random.Next(fact.RevisitsDue + 1), ReplySeconds = fact.ReplyCount == 0 ? 0 : random.Next(200_000) } : default);
        }

        return (table, dimensions);
    }

    [Property(MaxTest = 8)]
    public Property DuckDB_over_the_export_computes_the_engines_counters(PositiveInt seed, PositiveInt size)
    {
        var (table, dimensions) = RandomTable(seed.Get, 1 + (size.Get % 3000), Shanghai);
        var directory = Path.Combine(root, "p" + Guid.NewGuid().ToString("N"));
        var result = FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = directory, RowGroupSize = 1_000 }).GetAwaiter().GetResult();
        var engine = EngineQ1(table, dimensions);
        var duck = DuckDbQ1(directory);
        return (engine.SequenceEqual(duck) && result.Facts == table.Count && result.FullExport && result.MonthsUnchanged == 0)
            .Label($"{engine.Count} engine groups, {duck.Count} DuckDB groups; first difference: {engine.Except(duck).FirstOrDefault()} / {duck.Except(engine).FirstOrDefault()}");
    }

    [Fact]
    public async Task A_projection_of_real_tickets_exports_every_column_and_its_position()
    {
        var data = await ReportData.CreateAsync();
        var projection = new TicketFactProjection(data.Store, ReportData.Policies, timeZone: Shanghai);
        await projection.RefreshAsync(data.Now);
        var directory = Path.Combine(root, "real");
        var result = await FactParquetExporter.ExportAsync(projection, new FactExportOptions { Directory = directory });

        Assert.Equal(projection.Position, result.Position);
        Assert.Equal(data.Tickets, result.Facts);
        Assert.Equal(["month=2024-01", "month=2024-02", "month=2024-03"], Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(EngineQ1(projection.Facts, projection.Dimensions), DuckDbQ1(directory));

        // The schema as documented, and the file's metadata.
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{directory}/month=*/facts.parquet', hive_partitioning = true))";
        var columns = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add(reader.GetString(0) + " " + reader.GetString(1));
            }
        }

        Assert.Equal(
            ["received_at TIMESTAMP WITH TIME ZONE", "received_local TIMESTAMP", "team VARCHAR", "agent VARCHAR", "product VARCHAR", "channel VARCHAR", "category VARCHAR", "priority VARCHAR", "segment VARCHAR",
             "resolved BOOLEAN", "first_contact_resolution BOOLEAN", "complaint BOOLEAN", "escalated BOOLEAN", "transferred BOOLEAN", "reopened BOOLEAN", "inspected BOOLEAN", "accurate BOOLEAN",
             "first_response_sla_due BOOLEAN", "first_response_sla_met BOOLEAN", "resolution_sla_due BOOLEAN", "resolution_sla_met BOOLEAN",
             "first_response_seconds INTEGER", "handling_seconds INTEGER", "first_response_working_seconds INTEGER", "resolution_working_seconds INTEGER",
             "csat INTEGER", "effort INTEGER", "likelihood_to_recommend INTEGER", "recommend VARCHAR", "revisits_due INTEGER", "revisits_on_time INTEGER",
             "resolution_seconds INTEGER", "reply_count INTEGER", "reply_seconds INTEGER", "month VARCHAR"],
            columns);

        // received_local is the received instant in the desk's zone; every fact sits in its local month's partition.
        command.CommandText = $"SELECT count(*) FROM read_parquet('{directory}/month=*/facts.parquet', hive_partitioning = true) WHERE strftime(received_local, '%Y-%m') <> month OR received_local <> (received_at AT TIME ZONE 'Asia/Shanghai')";
        Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        command.CommandText = $"SELECT decode(value) FROM parquet_kv_metadata('{directory}/month=2024-01/facts.parquet') WHERE key = 'aftersales.timeZone'";
        Assert.Equal("Asia/Shanghai", command.ExecuteScalar());
    }

    [Fact]
    public async Task A_second_export_rewrites_only_the_months_whose_facts_changed_and_removes_empty_ones()
    {
        var (table, dimensions) = RandomTable(11, 2_000, Shanghai);
        var directory = Path.Combine(root, "incremental");
        var options = new FactExportOptions { Directory = directory };
        var first = await FactParquetExporter.ExportAsync(table, dimensions, options);
        Assert.True(first.FullExport);
        var months = first.MonthsWritten;
        var stamps = Directory.GetDirectories(directory).ToDictionary(d => Path.GetFileName(d), d => File.GetLastWriteTimeUtc(Path.Combine(d, FactParquetExporter.PartitionFileName)));

        // Nothing changed: nothing written.
        var again = await FactParquetExporter.ExportAsync(table, dimensions, options);
        Assert.Equal((0, months, 0, false), (again.MonthsWritten, again.MonthsUnchanged, again.MonthsRemoved, again.FullExport));

        // One ticket measured again (resolved since): only its month is rewritten.
        var fact = table.Facts[5];
        var month = (TicketFact.Epoch + Duration.FromMinutes(fact.ReceivedMinute)).InZone(Shanghai).Date.ToString("uuuu-MM", CultureInfo.InvariantCulture);
        table.Set(5, fact with { Flags = fact.Flags ^ FactFlags.Resolved, Csat = fact.Csat is 5 ? 4 : 5 });
        await Task.Delay(20); // file times move on
        var third = await FactParquetExporter.ExportAsync(table, dimensions, options);
        Assert.Equal((1, months - 1, 0), (third.MonthsWritten, third.MonthsUnchanged, third.MonthsRemoved));
        foreach (var (name, stamp) in stamps)
        {
            var now = File.GetLastWriteTimeUtc(Path.Combine(directory, name, FactParquetExporter.PartitionFileName));
            Assert.True(name == "month=" + month ? now > stamp : now == stamp, name);
        }

        Assert.Equal(EngineQ1(table, dimensions), DuckDbQ1(directory));

        // A table rebuilt without the first month's tickets: that partition goes.
        var rebuilt = new FactTable(16, Shanghai);
        var firstMonth = stamps.Keys.Order(StringComparer.Ordinal).First()["month=".Length..];
        foreach (var f in table.Facts)
        {
            if ((TicketFact.Epoch + Duration.FromMinutes(f.ReceivedMinute)).InZone(Shanghai).Date.ToString("uuuu-MM", CultureInfo.InvariantCulture) != firstMonth)
            {
                rebuilt.Add(f);
            }
        }

        var fourth = await FactParquetExporter.ExportAsync(rebuilt, dimensions, options);
        Assert.Equal((0, months - 1, 1), (fourth.MonthsWritten, fourth.MonthsUnchanged, fourth.MonthsRemoved));
        Assert.False(Directory.Exists(Path.Combine(directory, "month=" + firstMonth)));
        Assert.Equal(EngineQ1(rebuilt, dimensions), DuckDbQ1(directory));
    }

    [Fact]
    public async Task An_untrusted_checkpoint_means_a_full_export()
    {
        var (table, dimensions) = RandomTable(3, 500, Shanghai);
        var directory = Path.Combine(root, "untrusted");
        var options = new FactExportOptions { Directory = directory };
        await FactParquetExporter.ExportAsync(table, dimensions, options);
        var checkpoint = Path.Combine(directory, FactParquetExporter.CheckpointFileName);

        await File.WriteAllTextAsync(checkpoint, "{\"schemaVersion\": 1, \"months\": ");   // corrupt
        Assert.True((await FactParquetExporter.ExportAsync(table, dimensions, options)).FullExport);

        var text = await File.ReadAllTextAsync(checkpoint);
        await File.WriteAllTextAsync(checkpoint, text.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 1", StringComparison.Ordinal));   // another version
        Assert.True((await FactParquetExporter.ExportAsync(table, dimensions, options)).FullExport);

        // The same facts in another zone: months move, so nothing is kept.
        var utc = new FactTable(16, DateTimeZone.Utc);
        foreach (var f in table.Facts)
        {
            utc.Add(f);
        }

        var moved = await FactParquetExporter.ExportAsync(utc, dimensions, options);
        Assert.True(moved.FullExport);
        Assert.Equal(EngineQ1(utc, dimensions), DuckDbQ1(directory));

        // Dictionaries whose codes mean other names now (another projection): nothing is kept either.
        var renamed = new FactDimensions();
        foreach (var name in new[] { "(none)", "Software", "Hardware", "售后一组", "Billing" })
        {
            renamed.Teams.Encode(name);
        }

        foreach (var name in dimensions.Channels.Count is var n ? Enumerable.Range(0, n).Select(dimensions.Channels.Decode) : [])
        {
            renamed.Channels.Encode(name);
        }

        Assert.True((await FactParquetExporter.ExportAsync(utc, renamed, options)).FullExport);
        Assert.Equal(EngineQ1(utc, renamed), DuckDbQ1(directory));

        // A dictionary that only grew keeps the checkpoint.
        renamed.Teams.Encode("New team");
        Assert.False((await FactParquetExporter.ExportAsync(utc, renamed, options)).FullExport);
    }

    [Fact]
    public async Task An_export_that_fails_part_way_leaves_the_checkpoint_and_the_next_export_finishes_it()
    {
        var (table, dimensions) = RandomTable(5, 1_500, Shanghai);
        var directory = Path.Combine(root, "failing");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "month=2024-05"), "a file where a month's folder must go");
        var options = new FactExportOptions { Directory = directory };
        await Assert.ThrowsAnyAsync<IOException>(() => FactParquetExporter.ExportAsync(table, dimensions, options));
        Assert.False(File.Exists(Path.Combine(directory, FactParquetExporter.CheckpointFileName)));
        Assert.Empty(Directory.EnumerateFiles(directory, "*.tmp", SearchOption.AllDirectories));

        File.Delete(Path.Combine(directory, "month=2024-05"));
        var retry = await FactParquetExporter.ExportAsync(table, dimensions, options);
        Assert.True(retry.FullExport);
        Assert.Equal(EngineQ1(table, dimensions), DuckDbQ1(directory));
    }

    [Fact]
    public async Task Bad_arguments_are_refused_by_name_before_anything_is_written()
    {
        var (table, dimensions) = RandomTable(1, 10, Shanghai);
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = " ", RowGroupSize = 10 }));
        Assert.Equal(["Directory", "RowGroupSize"], error.Errors.Select(e => e.Field));
        Assert.Equal("position", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = root }, position: -1))).ParamName);
        Assert.Equal("projection", (await Assert.ThrowsAsync<ArgumentNullException>(() => FactParquetExporter.ExportAsync((TicketFactProjection)null!, new FactExportOptions { Directory = root }))).ParamName);

        table.Add(new TicketFact { Team = 77 });
        var directory = Path.Combine(root, "refused");
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => FactParquetExporter.ExportAsync(table, dimensions, new FactExportOptions { Directory = directory }));
        Assert.StartsWith("facts[10].Team: code 77", unknown.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }
}
