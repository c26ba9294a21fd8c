using System.Runtime.CompilerServices;
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
            RevisitsCode = revisits, EffortCode = effort, RecommendationCode = recommendation, CsatCode = csat, Flags = flags, RawResolutionWorkingSeconds = resolutionWorking,
            Segment = segment, PriorityCode = priority, Category = category, Channel = channel, Product = product, Agent = agent, Team = team,
            RawHandlingSeconds = handling, RawFirstResponseWorkingSeconds = frtWorking, RawFirstResponseSeconds = frt, ReceivedMinute = receivedMinute,
        };
        var expected = (receivedMinute, frt, frtWorking, handling, resolutionWorking, team, agent, product, channel, category, priority, segment, flags, csat, recommendation, effort, revisits);
        Assert.Equal(expected, Read(fact));

        // Rewriting a field that shares bytes with others leaves the others as they were.
        var rewritten = fact with { RawFirstResponseWorkingSeconds = 7, CsatCode = 0, RecommendationCode = 255 };
        Assert.Equal(expected with { Item3 = 7, Item14 = 0, Item15 = 255 }, Read(rewritten));
        Assert.Equal(expected, Read(rewritten with { RawFirstResponseWorkingSeconds = frtWorking, CsatCode = csat, RecommendationCode = recommendation }));
        Assert.Equal(expected with { Item5 = 1, Item13 = FactFlags.None, Item16 = 0 }, Read(fact with { RawResolutionWorkingSeconds = 1, Flags = FactFlags.None, EffortCode = 0 }));
    }

    private static (int, int, int, int, int, ushort, ushort, ushort, byte, byte, byte, byte, FactFlags, byte, byte, byte, byte) Read(TicketFact f) =>
        (f.ReceivedMinute, f.RawFirstResponseSeconds, f.RawFirstResponseWorkingSeconds, f.RawHandlingSeconds, f.RawResolutionWorkingSeconds, f.Team, f.Agent, f.Product,
         f.Channel, f.Category, f.PriorityCode, f.Segment, f.Flags, f.CsatCode, f.RecommendationCode, f.EffortCode, f.RevisitsCode);

    [Fact]
    public void A_default_fact_has_no_reply_no_resolution_and_no_answers()
    {
        var fact = new TicketFact();
        Assert.Equal((-1, -1, -1, -1, (byte)255, (byte)0, (byte)0, FactFlags.None, TicketFact.Epoch),
            (fact.RawFirstResponseSeconds, fact.RawFirstResponseWorkingSeconds, fact.RawHandlingSeconds, fact.RawResolutionWorkingSeconds, fact.RecommendationCode, fact.CsatCode, fact.EffortCode, fact.Flags, fact.ReceivedAt));
        var values = KpiEngine.Aggregate(KpiEngineTests.Table([fact, fact]), new KpiQuery { WithPercentiles = true }).Single().Values;
        Assert.Equal(2, values.Tickets);
        Assert.Equal((null, null, null, null), (values.FirstResponseMeanSeconds, values.HandlingMeanSeconds, values.NetPromoterScore, values.FirstResponseP50Seconds));
    }


    [Property(MaxTest = 500)]
    public bool Every_typed_accessor_reads_back_what_was_written(int seed)
    {
        var random = new Random(seed);
        int? Maybe(int min, int max) => random.Next(4) == 0 ? null : random.Next(min, max + 1);
        var (frt, frtWorking, handling, resolutionWorking) = (Maybe(0, int.MaxValue - 1), Maybe(0, TicketFact.MaxWorkingSeconds), Maybe(0, int.MaxValue - 1), Maybe(0, TicketFact.MaxWorkingSeconds));
        Priority? priority = random.Next(5) is var p && p == 4 ? null : (Priority)p;
        var (csat, effort, due, onTime) = (Maybe(1, 5), Maybe(1, 7), random.Next(16), random.Next(16));
        var threeAnswer = random.Next(2) == 0;
        int? likelihood = threeAnswer ? null : Maybe(0, 10);
        RecommendAnswer? answer = threeAnswer ? (RecommendAnswer)random.Next(3) : null;
        var flags = (FactFlags)random.Next(1 << 12);

        var fact = new TicketFact
        {
            FirstResponseSeconds = frt, FirstResponseWorkingSeconds = frtWorking, HandlingSeconds = handling, ResolutionWorkingSeconds = resolutionWorking,
            Priority = priority, Csat = csat, Effort = effort, RevisitsDue = due, RevisitsOnTime = onTime, Flags = flags,
        };
        fact = threeAnswer ? fact with { Recommend = answer } : fact with { LikelihoodToRecommend = likelihood };

        var promoter = likelihood is 9 or 10 || answer == RecommendAnswer.Yes;
        var detractor = likelihood is <= 6 || answer == RecommendAnswer.No;
        return (fact.FirstResponseSeconds, fact.FirstResponseWorkingSeconds, fact.HandlingSeconds, fact.ResolutionWorkingSeconds) == (frt, frtWorking, handling, resolutionWorking)
            && fact.Priority == priority && fact.Csat == csat && fact.Effort == effort && fact.RevisitsDue == due && fact.RevisitsOnTime == onTime && fact.Flags == flags
            && fact.LikelihoodToRecommend == likelihood && fact.Recommend == answer
            && fact.IsPromoter == promoter && fact.IsDetractor == detractor && fact.HasRecommendation == (likelihood is not null || answer is not null)
            && Unsafe.SizeOf<TicketFact>() == 40;
    }

    [Fact]
    public void A_default_fact_has_no_measures()
    {
        var fact = default(TicketFact);
        // (Priority is a dimension code: a default fact reads P0, as every dimension reads code 0.)
        Assert.Equal((null, null, null, null, null, null, null, null, 0, 0),
            (fact.FirstResponseSeconds, fact.FirstResponseWorkingSeconds, fact.HandlingSeconds, fact.ResolutionWorkingSeconds, fact.Csat, fact.Effort,
                fact.LikelihoodToRecommend, fact.Recommend, fact.RevisitsDue, fact.RevisitsOnTime));
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

        Refused(nameof(TicketFact.CsatCode), () => new TicketFact { CsatCode = 6 });
        Refused(nameof(TicketFact.EffortCode), () => new TicketFact { EffortCode = 8 });
        Refused(nameof(TicketFact.RecommendationCode), () => new TicketFact { RecommendationCode = 14 });
        Refused(nameof(TicketFact.Flags), () => new TicketFact { Flags = (FactFlags)(1 << 12) });
        Refused(nameof(TicketFact.FirstResponseWorkingSeconds), () => new TicketFact { RawFirstResponseWorkingSeconds = -2 });
        Refused(nameof(TicketFact.ResolutionWorkingSeconds), () => new TicketFact { RawResolutionWorkingSeconds = TicketFact.MaxWorkingSeconds + 1 });

        // The typed accessors refuse what the measure cannot be, by their own names.
        Refused(nameof(TicketFact.Csat), () => new TicketFact { Csat = 0 });
        Refused(nameof(TicketFact.Csat), () => new TicketFact { Csat = 6 });
        Refused(nameof(TicketFact.Effort), () => new TicketFact { Effort = 8 });
        Refused(nameof(TicketFact.LikelihoodToRecommend), () => new TicketFact { LikelihoodToRecommend = 11 });
        Refused(nameof(TicketFact.Recommend), () => new TicketFact { Recommend = (RecommendAnswer)3 });
        Refused(nameof(TicketFact.Priority), () => new TicketFact { Priority = (Priority)4 });
        Refused(nameof(TicketFact.RevisitsDue), () => new TicketFact { RevisitsDue = 16 });
        Refused(nameof(TicketFact.RevisitsOnTime), () => new TicketFact { RevisitsOnTime = -1 });
        Refused(nameof(TicketFact.FirstResponseSeconds), () => new TicketFact { FirstResponseSeconds = -1 });
        Refused(nameof(TicketFact.HandlingSeconds), () => new TicketFact { HandlingSeconds = -5 });
        Refused(nameof(TicketFact.FirstResponseWorkingSeconds), () => new TicketFact { FirstResponseWorkingSeconds = TicketFact.MaxWorkingSeconds + 1 });
        Assert.Equal(40, System.Runtime.CompilerServices.Unsafe.SizeOf<TicketFact>());
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
        Assert.Equal((42 * 60, TicketFact.MaxWorkingSeconds, (byte)4, (byte)2), (fact.RawFirstResponseWorkingSeconds, fact.RawResolutionWorkingSeconds, fact.CsatCode, fact.EffortCode));
        Assert.Equal(-1, new FactDimensions().ToFact(outcome with { ResolutionWorkingTime = null }).RawResolutionWorkingSeconds);
    }
}
