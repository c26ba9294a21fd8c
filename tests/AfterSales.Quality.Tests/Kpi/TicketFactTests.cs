using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class TicketFactTests
{
    private static readonly byte[] Recommendations = [.. Enumerable.Range(0, 14).Select(r => (byte)r), 255];

    [Property(MaxTest = 300)]
    public void Every_field_reads_back_what_was_written_whatever_shares_its_bytes(int seed)
    {
        var random = new Random(seed);
        int Working() => random.Next(4) switch { 0 => -1, 1 => TicketFact.MaxWorkingSeconds, _ => random.Next(0, TicketFact.MaxWorkingSeconds) };
        var (receivedMinute, frt, frtWorking, handling, resolutionWorking) = (random.Next(int.MinValue, int.MaxValue), random.Next(-1, int.MaxValue), Working(), random.Next(-1, int.MaxValue), Working());
        var (team, agent, product) = ((ushort)random.Next(65_536), (ushort)random.Next(65_536), (ushort)random.Next(65_536));
        var (channel, category, priority, segment, revisits) = ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        var flags = (FactFlags)random.Next(1 << 12);
        var (csat, effort, recommendation) = ((byte)random.Next(6), (byte)random.Next(8), Recommendations[random.Next(Recommendations.Length)]);

        var fact = new TicketFact
        {
            Revisits = revisits, Effort = effort, Recommendation = recommendation, Csat = csat, Flags = flags, ResolutionWorkingSeconds = resolutionWorking,
            Segment = segment, Priority = priority, Category = category, Channel = channel, Product = product, Agent = agent, Team = team,
            HandlingSeconds = handling, FirstResponseWorkingSeconds = frtWorking, FirstResponseSeconds = frt, ReceivedMinute = receivedMinute,
        };
        var expected = (receivedMinute, frt, frtWorking, handling, resolutionWorking, team, agent, product, channel, category, priority, segment, flags, csat, recommendation, effort, revisits);
        Assert.Equal(expected, Read(fact));

        // Rewriting a field that shares bytes with others leaves the others as they were.
        var rewritten = fact with { FirstResponseWorkingSeconds = 7, Csat = 0, Recommendation = 255 };
        Assert.Equal(expected with { Item3 = 7, Item14 = 0, Item15 = 255 }, Read(rewritten));
        Assert.Equal(expected, Read(rewritten with { FirstResponseWorkingSeconds = frtWorking, Csat = csat, Recommendation = recommendation }));
        Assert.Equal(expected with { Item5 = 1, Item13 = FactFlags.None, Item16 = 0 }, Read(fact with { ResolutionWorkingSeconds = 1, Flags = FactFlags.None, Effort = 0 }));
    }

    private static (int, int, int, int, int, ushort, ushort, ushort, byte, byte, byte, byte, FactFlags, byte, byte, byte, byte) Read(TicketFact f) =>
        (f.ReceivedMinute, f.FirstResponseSeconds, f.FirstResponseWorkingSeconds, f.HandlingSeconds, f.ResolutionWorkingSeconds, f.Team, f.Agent, f.Product,
         f.Channel, f.Category, f.Priority, f.Segment, f.Flags, f.Csat, f.Recommendation, f.Effort, f.Revisits);

    [Fact]
    public void A_default_fact_has_no_reply_no_resolution_and_no_answers()
    {
        var fact = new TicketFact();
        Assert.Equal((-1, -1, -1, -1, (byte)255, (byte)0, (byte)0, FactFlags.None, TicketFact.Epoch),
            (fact.FirstResponseSeconds, fact.FirstResponseWorkingSeconds, fact.HandlingSeconds, fact.ResolutionWorkingSeconds, fact.Recommendation, fact.Csat, fact.Effort, fact.Flags, fact.ReceivedAt));
        var values = KpiEngine.Aggregate(KpiEngineTests.Table([fact, fact]), new KpiQuery { WithPercentiles = true }).Single().Values;
        Assert.Equal(2, values.Tickets);
        Assert.Equal((null, null, null, null), (values.FirstResponseMeanSeconds, values.HandlingMeanSeconds, values.NetPromoterScore, values.FirstResponseP50Seconds));
    }


    [Fact]
    public void Values_a_fact_cannot_hold_are_refused_by_name()
    {
        void Refused(string field, Func<TicketFact> make)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => make());
            Assert.Equal(field, error.ParamName);
            Assert.StartsWith(field + ":", error.Message);
        }

        Refused(nameof(TicketFact.Csat), () => new TicketFact { Csat = 6 });
        Refused(nameof(TicketFact.Effort), () => new TicketFact { Effort = 8 });
        Refused(nameof(TicketFact.Recommendation), () => new TicketFact { Recommendation = 14 });
        Refused(nameof(TicketFact.Flags), () => new TicketFact { Flags = (FactFlags)(1 << 12) });
        Refused(nameof(TicketFact.FirstResponseWorkingSeconds), () => new TicketFact { FirstResponseWorkingSeconds = -2 });
        Refused(nameof(TicketFact.ResolutionWorkingSeconds), () => new TicketFact { ResolutionWorkingSeconds = TicketFact.MaxWorkingSeconds + 1 });
        Assert.Equal(32, System.Runtime.CompilerServices.Unsafe.SizeOf<TicketFact>());
    }

    [Fact]
    public void A_measured_ticket_carries_both_working_times_and_caps_them()
    {
        var received = Instant.FromUtc(2024, 3, 1, 2, 0);
        var outcome = new TicketOutcome
        {
            TicketId = TicketId.New(),
            FeedbackNumber = "F20240301001",
            State = TicketState.Resolved,
            ReceivedAt = received,
            ReopenCount = 0,
            WasEscalated = false,
            WasTransferred = false,
            FirstResponseSla = SlaOutcome.Met,
            ResolutionSla = SlaOutcome.Missed,
            EscalationSla = SlaOutcome.NotApplicable,
            NegativeFeedbackContactSla = SlaOutcome.NotApplicable,
            NegativeFeedbackResolutionSla = SlaOutcome.NotApplicable,
            RevisitsDue = 0,
            RevisitsOnTime = 0,
            Channel = ServiceChannel.Phone,
            ProductModel = "X1",
            FirstResponseWorkingTime = Duration.FromMinutes(42),
            ResolutionWorkingTime = Duration.FromDays(400), // beyond what a fact holds: capped
            Satisfaction = 4,
            EffortScore = 2,
        };
        var fact = new FactDimensions().ToFact(outcome);
        Assert.Equal((42 * 60, TicketFact.MaxWorkingSeconds, (byte)4, (byte)2), (fact.FirstResponseWorkingSeconds, fact.ResolutionWorkingSeconds, fact.Csat, fact.Effort));
        Assert.Equal(-1, new FactDimensions().ToFact(outcome with { ResolutionWorkingTime = null }).ResolutionWorkingSeconds);
    }
}
