using AfterSales.Quality.Kpi;
using DuckDB.NET.Data;
using NodaTime;

namespace AfterSales.Quality.Benchmarks.Kpi;

/// <summary>The standard workload: a year of facts over 16 teams, 6 channels, 4 priorities, seeded.</summary>
internal static class KpiWorkload
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static int Rows => int.TryParse(Environment.GetEnvironmentVariable("AFTERSALES_KPI_ROWS"), out var rows) ? rows : 10_000_000;

    public static FactTable Facts() => Facts(Rows);

    public static FactTable Facts(int rows)
    {
        var random = new Random(2024);
        var start = (int)(Instant.FromUtc(2023, 12, 31, 16, 0) - TicketFact.Epoch).TotalMinutes; // 2024-01-01 00:00 in Shanghai
        var table = new FactTable(rows);
        for (var i = 0; i < rows; i++)
        {
            var flags = FactFlags.None;
            if (random.Next(10) < 8) flags |= FactFlags.Resolved;
            if (random.Next(10) < 7) flags |= FactFlags.FirstContactResolution;
            if (random.Next(100) < 2) flags |= FactFlags.Complaint;
            flags |= FactFlags.FirstResponseSlaDue;
            if (random.Next(10) < 9) flags |= FactFlags.FirstResponseSlaMet;
            table.Add(new TicketFact
            {
                ReceivedMinute = start + random.Next(0, 366 * 24 * 60),
                RawFirstResponseSeconds = random.Next(20) == 0 ? -1 : random.Next(5, 200_000),
                RawFirstResponseWorkingSeconds = -1,
                RawHandlingSeconds = random.Next(5) == 0 ? -1 : random.Next(300, 2_000_000),
                Team = (ushort)random.Next(16),
                Agent = (ushort)random.Next(300),
                Product = (ushort)random.Next(50),
                Channel = (byte)random.Next(6),
                Category = (byte)random.Next(4),
                PriorityCode = (byte)random.Next(4),
                Segment = (byte)random.Next(3),
                Flags = flags,
                CsatCode = random.Next(3) == 0 ? (byte)random.Next(1, 6) : (byte)0,
                RecommendationCode = random.Next(4) == 0 ? (byte)random.Next(0, 11) : (byte)255,
                EffortCode = 0,
                RevisitsCode = 0,
            });
        }

        return table;
    }

    /// <summary>Q1 in SQL: month (Asia/Shanghai) × team × channel × priority with the headline counters, over <see cref="LoadDuckDb"/>'s table.</summary>
    public const string Q1Sql = """
        SELECT month(received + INTERVAL 8 HOUR) AS m, team, channel, priority,
               count(*) AS tickets,
               avg(frt) FILTER (WHERE frt >= 0) AS frt_mean,
               avg(handling) FILTER (WHERE handling >= 0) AS handling_mean,
               sum(CASE WHEN flags & 2 <> 0 THEN 1 ELSE 0 END) AS fcr,
               sum(CASE WHEN flags & 1 <> 0 THEN 1 ELSE 0 END) AS resolved,
               sum(CASE WHEN flags & 512 <> 0 THEN 1 ELSE 0 END) AS sla_met,
               sum(CASE WHEN flags & 4 <> 0 THEN 1 ELSE 0 END) AS complaints,
               avg(csat) FILTER (WHERE csat > 0) AS csat_mean,
               sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) AS csat_satisfied,
               count(*) FILTER (WHERE csat > 0) AS csat_answers,
               sum(CASE WHEN rec IN (9, 10) THEN 1 ELSE 0 END) - sum(CASE WHEN rec <= 6 THEN 1 ELSE 0 END) AS nps_net,
               count(*) FILTER (WHERE rec <> 255) AS nps_answers
        FROM facts GROUP BY ALL
        """;

    /// <summary>An in-memory DuckDB with the facts in table <c>facts</c> (received, frt, handling, team, agent, product, channel, priority, flags, csat, rec), loaded with the appender.</summary>
    public static DuckDBConnection LoadDuckDb(FactTable facts)
    {
        var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = "CREATE TABLE facts (received TIMESTAMP, frt INTEGER, handling INTEGER, team USMALLINT, agent USMALLINT, product USMALLINT, channel UTINYINT, priority UTINYINT, flags USMALLINT, csat UTINYINT, rec UTINYINT)";
            create.ExecuteNonQuery();
        }

        using var appender = duck.CreateAppender("facts");
        foreach (ref readonly var f in facts.Facts)
        {
            appender.CreateRow()
                .AppendValue(f.ReceivedAt.ToDateTimeUtc())
                .AppendValue(f.RawFirstResponseSeconds)
                .AppendValue(f.RawHandlingSeconds)
                .AppendValue(f.Team)
                .AppendValue(f.Agent)
                .AppendValue(f.Product)
                .AppendValue(f.Channel)
                .AppendValue(f.PriorityCode)
                .AppendValue((ushort)f.Flags)
                .AppendValue(f.CsatCode)
                .AppendValue(f.RecommendationCode)
                .EndRow();
        }

        return duck;
    }

    public static int LocalMonth(in TicketFact fact) => fact.ReceivedAt.InZone(Zone).Month;
}
