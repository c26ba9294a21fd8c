using AfterSales.Quality.Kpi;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed partial class KpiEngineTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    internal static TicketFact[] RandomFacts(int seed, int count)
    {
        var random = new Random(seed);
        var start = (int)(Instant.FromUtc(2024, 1, 1, 0, 0) - TicketFact.Epoch).TotalMinutes;
        return Enumerable.Range(0, count).Select(_ =>
        {
            var flags = (FactFlags)random.Next(0, 1 << 12);
            return new TicketFact
            {
                ReceivedMinute = start + random.Next(0, 366 * 24 * 60),
                RawFirstResponseSeconds = random.Next(5) == 0 ? -1 : random.Next(0, 400_000),
                RawFirstResponseWorkingSeconds = random.Next(0, 100_000),
                RawHandlingSeconds = random.Next(4) == 0 ? -1 : random.Next(60, 2_000_000),
                Team = (ushort)random.Next(16),
                Agent = (ushort)random.Next(200),
                Product = (ushort)random.Next(40),
                Channel = (byte)random.Next(6),
                Category = (byte)random.Next(4),
                PriorityCode = (byte)random.Next(4),
                Segment = (byte)random.Next(3),
                Flags = flags,
                CsatCode = (byte)random.Next(0, 6),
                RecommendationCode = random.Next(5) == 0 ? (byte)255 : (byte)random.Next(0, 14),
                EffortCode = (byte)random.Next(0, 8),
                RevisitsCode = (byte)(random.Next(0, 3) | (random.Next(0, 2) << 4)),
                RawResolutionSeconds = random.Next(4) == 0 ? -1 : random.Next(60, 5_000_000),
                RawResolutionWorkingSeconds = random.Next(3) == 0 ? -1 : random.Next(0, TicketFact.MaxWorkingSeconds),
                RepliesWord = random.Next(3) == 0 ? 0u : ((uint)random.Next(1, TicketFact.MaxReplies + 1) << 24) | (uint)random.Next(0, TicketFact.MaxReplySeconds + 1),
            };
        }).ToArray();
    }

    internal static FactTable Table(IEnumerable<TicketFact> facts)
    {
        var table = new FactTable();
        foreach (var fact in facts)
        {
            table.Add(fact);
        }

        return table;
    }

    [Fact]
    public void A_fact_is_40_bytes()
    {
        Assert.Equal(40, System.Runtime.CompilerServices.Unsafe.SizeOf<TicketFact>());
    }
}
