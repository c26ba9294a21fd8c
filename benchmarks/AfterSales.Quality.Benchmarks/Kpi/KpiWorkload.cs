using AfterSales.Quality.Kpi;
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

    public static int LocalMonth(in TicketFact fact) => fact.ReceivedAt.InZone(Zone).Month;
}
