using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Kpi;

/// <summary>The reply, wall-clock resolution and transfer measures and the percentiles of every duration measure.</summary>
public sealed class KpiMeasuresTests
{
    private static double? Mean(IEnumerable<long> values) => values.Any() ? values.Average(v => (double)v) : null;

    private static double? Ratio(long numerator, long denominator) => denominator == 0 ? null : (double)numerator / denominator;

    /// <summary>The lower-rank quantile ⌈q·n⌉ of exact values, as the sketch approximates it.</summary>
    private static double? Exact(IReadOnlyList<int> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];
    }

    private static void Near(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e && actual is { } a)
        {
            Assert.True(e < 1 ? a == 0 : Math.Abs(a - e) <= QuantileSketch.RelativeAccuracy * e, $"{a} is not within 1 % of {e}");
        }
    }

    [Property(MaxTest = 60)]
    public void Every_new_measure_equals_a_naive_linq_computation(int seed, bool dense)
    {
        var facts = KpiEngineTests.RandomFacts(seed, 1 + Math.Abs(seed % 3_000));
        var query = new KpiQuery { GroupBy = FactDimension.Channel, Percentiles = DurationMeasures.All };
        var groups = dense
            ? KpiEngine.Aggregate(KpiEngineTests.Table(facts), query, parallelism: 2)
            : KpiEngine.Aggregate(KpiEngineTests.Table(facts), query, parallelism: 2, maxDenseGroups: 0);
        var expected = facts.GroupBy(f => (int)f.Channel).OrderBy(g => g.Key).ToArray();
        Assert.Equal(expected.Select(g => g.Key), groups.Select(g => g.Key.Channel));
        foreach (var (group, facts_) in groups.Zip(expected))
        {
            var v = group.Values;
            var g = facts_.ToArray();
            var replies = g.Sum(f => (long)f.ReplyCount);
            Assert.Equal(Ratio(g.Sum(f => (long)f.ReplySeconds), replies), v.ReplyMeanSeconds);
            Assert.Equal(Mean(g.Where(f => f.ResolutionSeconds is not null).Select(f => (long)f.ResolutionSeconds!.Value)), v.ResolutionMeanSeconds);
            Assert.Equal(Mean(g.Where(f => f.ResolutionWorkingSeconds is not null).Select(f => (long)f.ResolutionWorkingSeconds!.Value)), v.ResolutionWorkingMeanSeconds);
            Assert.Equal(Ratio(g.Count(f => f.Has(FactFlags.Transferred)), g.Length), v.TransferRate);

            var frt = g.Where(f => f.FirstResponseSeconds is not null).Select(f => f.FirstResponseSeconds!.Value).ToArray();
            var resolution = g.Where(f => f.ResolutionSeconds is not null).Select(f => f.ResolutionSeconds!.Value).ToArray();
            var working = g.Where(f => f.ResolutionWorkingSeconds is not null).Select(f => f.ResolutionWorkingSeconds!.Value).ToArray();
            var handling = g.Where(f => f.HandlingSeconds is not null).Select(f => f.HandlingSeconds!.Value).ToArray();
            var reply = g.Where(f => f.ReplyCount > 0).Select(f => f.ReplySeconds / f.ReplyCount).ToArray();
            Near(Exact(frt, 0.95), v.FirstResponseP95Seconds);
            (double?, double?, double?) Of(int[] values) => (Exact(values, 0.5), Exact(values, 0.9), Exact(values, 0.95));
            foreach (var (exact, actual) in new[]
            {
                (Of(resolution), (v.ResolutionP50Seconds, v.ResolutionP90Seconds, v.ResolutionP95Seconds)),
                (Of(working), (v.ResolutionWorkingP50Seconds, v.ResolutionWorkingP90Seconds, v.ResolutionWorkingP95Seconds)),
                (Of(handling), (v.HandlingP50Seconds, v.HandlingP90Seconds, v.HandlingP95Seconds)),
                (Of(reply), (v.ReplyP50Seconds, v.ReplyP90Seconds, v.ReplyP95Seconds)),
            })
            {
                Near(exact.Item1, actual.Item1);
                Near(exact.Item2, actual.Item2);
                Near(exact.Item3, actual.Item3);
            }
        }
    }

    [Property(MaxTest = 60)]
    public void Partials_of_the_new_measures_merge_and_ship_as_bytes_to_the_whole(int seed, byte measures)
    {
        var percentiles = (DurationMeasures)(measures & (int)DurationMeasures.All);
        var facts = KpiEngineTests.RandomFacts(seed, 1_200);
        var whole = new KpiAggregate(percentiles);
        foreach (var fact in facts)
        {
            whole.Add(fact);
        }

        var nodes = new Random(seed).Next(1, 5);
        var merged = new KpiAggregate(percentiles);
        for (var n = 0; n < nodes; n++)
        {
            var part = new KpiAggregate(percentiles);
            foreach (var fact in facts.Where((_, i) => i % nodes == n))
            {
                part.Add(fact);
            }

            merged.Merge(KpiAggregate.FromBytes(part.ToBytes()));
        }

        Assert.Equal(percentiles, merged.Percentiles);
        Assert.Equal(
            (whole.Transferred, whole.Replies, whole.ReplySeconds, whole.ResolutionTimed, whole.ResolutionSeconds, whole.ResolutionWorkingTimed, whole.ResolutionWorkingSeconds),
            (merged.Transferred, merged.Replies, merged.ReplySeconds, merged.ResolutionTimed, merged.ResolutionSeconds, merged.ResolutionWorkingTimed, merged.ResolutionWorkingSeconds));
        Assert.Equal(whole.ToValues() with { FirstResponseStdDevSeconds = null }, merged.ToValues() with { FirstResponseStdDevSeconds = null });
        Assert.Equal(whole.ToBytes().Length, merged.ToBytes().Length);

        // A part without one measure's sketch leaves the whole without it (a percentile over some tickets would be wrong).
        if (percentiles.HasFlag(DurationMeasures.Resolution))
        {
            merged.Merge(new KpiAggregate(percentiles & ~DurationMeasures.Resolution));
            Assert.Null(merged.SketchOf(DurationMeasures.Resolution));
            Assert.Equal(percentiles & ~DurationMeasures.Resolution, merged.Percentiles);
        }
    }

    [Fact]
    public async Task A_ticket_counts_every_reply_and_its_wall_clock_resolution_includes_the_time_before_a_reopen()
    {
        var host = new TicketTestHost();
        var received = host.Clock.GetCurrentInstant();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        async Task After(int minutes, Func<Task> act)
        {
            host.Advance(Duration.FromMinutes(minutes));
            await act();
        }

        Task Run(TicketCommand command) => host.Run(command);
        await After(10, () => host.Respond(id));                       // reply 1: 10 min after receipt (the FRT)
        await After(5, () => host.Respond(id));                        // reply 2: 5 min after reply 1
        await After(20, () => Run(new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Reason = "Photo of the charger" }));
        await After(60, () => Run(new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao" })); // the customer's turn
        await After(15, () => host.Respond(id));                       // reply 3: 15 min after the customer answered
        await After(30, () => host.Resolve(id));                       // first resolution at 140 min
        await After(24 * 60, () => host.Revisit(id, resolved: false, score: 2)); // not solved: reopened
        await After(120, () => host.Respond(id));
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        await host.Assign(id);
        await host.Start(id);                      // reply 4: 2 h after the reopen
        await After(60, () => host.Resolve(id));                       // finally resolved

        var history = (await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray();
        var outcome = TicketOutcome.Measure(history, SlaPolicySet.Default, host.Clock.GetCurrentInstant());
        Assert.Equal(1, outcome.ReopenCount);
        Assert.Equal((4, Duration.FromMinutes(10 + 5 + 15 + 120)), (outcome.ReplyCount, outcome.ReplyTime));
        Assert.Equal(Duration.FromMinutes(140 + (24 * 60) + 180), outcome.ResolutionTime);

        var fact = new FactDimensions().ToFact(outcome);
        Assert.Equal((4, 150 * 60, (140 + (24 * 60) + 180) * 60), (fact.ReplyCount, fact.ReplySeconds, fact.ResolutionSeconds));
        Assert.Equal(received, fact.ReceivedAt);
        var values = KpiEngine.Aggregate(KpiEngineTests.Table([fact]), new KpiQuery { Percentiles = DurationMeasures.All }).Single().Values;
        Assert.Equal((150 * 60 / 4.0, (double)fact.ResolutionSeconds!), (values.ReplyMeanSeconds!.Value, values.ResolutionMeanSeconds!.Value));
        Assert.Equal(10 * 60.0, values.FirstResponseMeanSeconds);
        Assert.Equal(0.0, values.TransferRate);
    }

    [Fact]
    public async Task A_reopened_ticket_not_yet_resolved_again_has_no_wall_clock_resolution()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        host.Advance(Duration.FromHours(3));
        await host.Revisit(id, resolved: false, score: 1);
        var history = (await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray();
        var fact = new FactDimensions().ToFact(TicketOutcome.Measure(history, SlaPolicySet.Default, host.Clock.GetCurrentInstant()));
        Assert.Null(fact.ResolutionSeconds);
        Assert.False(fact.Has(FactFlags.Resolved));
    }

    [Fact]
    public async Task A_reopened_ticket_has_no_handling_time_until_it_is_resolved_again_then_from_its_first_acceptance()
    {
        // The guides' AHT runs "from acceptance to resolution" (受理到解決) and the loop re-processes an unsatisfied
        // result "until the customer accepts": while reopened the problem is not solved, so the ticket leaves AHT (and
        // the resolution working time) as it leaves MTTR; once solved again it counts first acceptance → final resolution.
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var accepted = host.Clock.GetCurrentInstant();
        host.Advance(Duration.FromHours(2));
        await host.Resolve(id);
        host.Advance(Duration.FromHours(20));
        await host.Revisit(id, resolved: false, score: 2); // reopened to triage

        var other = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        host.Advance(Duration.FromMinutes(30));
        await host.Resolve(other);

        TicketFact FactOf(TicketId ticket, out TicketOutcome outcome)
        {
            var history = host.Store.ReadStreamAsync(ticket).AsTask().GetAwaiter().GetResult().Events.Select(e => e.Event).ToList();
            outcome = TicketOutcome.Measure(history, SlaPolicySet.Default, host.Clock.GetCurrentInstant());
            return new FactDimensions().ToFact(outcome);
        }

        var reopenedFact = FactOf(id, out var reopened);
        Assert.Equal((TicketState.Reopened, false), (reopened.State, reopened.IsResolved));
        Assert.Equal((null, null, null), (reopened.HandlingTime, reopened.ResolutionTime, reopened.ResolutionWorkingTime));
        Assert.Equal((null, null, null), (reopenedFact.HandlingSeconds, reopenedFact.ResolutionSeconds, reopenedFact.ResolutionWorkingSeconds));
        var whileReopened = KpiEngine.Aggregate(KpiEngineTests.Table([reopenedFact, FactOf(other, out _)]), new KpiQuery()).Single();
        Assert.Equal(30 * 60.0, whileReopened.Values.HandlingMeanSeconds); // only the solved ticket counts

        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        await host.Assign(id);
        await host.Start(id);
        host.Advance(Duration.FromHours(1));
        await host.Resolve(id);
        var solvedFact = FactOf(id, out var solved);
        var handling = host.Clock.GetCurrentInstant() - accepted; // first acceptance → final resolution, wall clock
        Assert.Equal(handling, solved.HandlingTime);
        Assert.Equal((int)handling.TotalSeconds, solvedFact.HandlingSeconds);
        Assert.NotNull(solvedFact.ResolutionWorkingSeconds);
    }

    [Fact]
    public void The_typed_constructor_takes_an_instant_and_nullable_measures()
    {
        var at = Instant.FromUtc(2024, 3, 1, 2, 30, 59);
        var fact = new TicketFact(at, firstResponse: Duration.FromSeconds(90.7), resolution: Duration.FromHours(5), resolutionWorking: Duration.FromHours(2), replies: 3, replyTime: Duration.FromMinutes(12))
        {
            Team = 2,
            Flags = FactFlags.Resolved | FactFlags.Transferred,
        };

        Assert.Equal(Instant.FromUtc(2024, 3, 1, 2, 30), fact.ReceivedAt);
        Assert.Equal((90, (int?)null, 5 * 3600, 2 * 3600, (int?)null, 3, 720), (fact.FirstResponseSeconds!.Value, fact.HandlingSeconds, fact.ResolutionSeconds!.Value, fact.ResolutionWorkingSeconds!.Value, fact.FirstResponseWorkingSeconds, fact.ReplyCount, fact.ReplySeconds));
        Assert.Null(fact.Priority); // not triaged until set
        Assert.Equal(new TicketFact(TicketFact.Epoch) with { Priority = AfterSales.Quality.Prioritization.Priority.P0 }, default(TicketFact));

        void Refused<T>(string name, Func<TicketFact> make)
            where T : ArgumentException => Assert.Equal(name, Assert.Throws<T>(() => make()).ParamName);
        Refused<ArgumentOutOfRangeException>("firstResponse", () => new TicketFact(at, firstResponse: Duration.FromSeconds(-1)));
        Refused<ArgumentOutOfRangeException>("resolutionWorking", () => new TicketFact(at, resolutionWorking: Duration.FromSeconds(TicketFact.MaxWorkingSeconds + 1)));
        Refused<ArgumentOutOfRangeException>("handling", () => new TicketFact(at, handling: Duration.FromDays(30_000)));
        Refused<ArgumentOutOfRangeException>("receivedAt", () => new TicketFact(Instant.FromUtc(1969, 12, 31, 0, 0)));
        Refused<ArgumentOutOfRangeException>("replies", () => new TicketFact(at, replies: 256, replyTime: Duration.Zero));
        Refused<ArgumentOutOfRangeException>("replyTime", () => new TicketFact(at, replies: 1, replyTime: Duration.FromDays(200)));
        Refused<ArgumentException>("replyTime", () => new TicketFact(at, replies: 2));
        Refused<ArgumentException>("replyTime", () => new TicketFact(at, replyTime: Duration.FromMinutes(1)));
    }

    [Fact]
    public void More_replies_than_a_fact_holds_keep_the_tickets_mean_reply_time()
    {
        var outcome = TicketOutcomeTestData.Resolved() with { ReplyCount = 510, ReplyTime = Duration.FromSeconds(510 * 40) };
        var fact = new FactDimensions().ToFact(outcome);
        Assert.Equal((TicketFact.MaxReplies, TicketFact.MaxReplies * 40), (fact.ReplyCount, fact.ReplySeconds));
    }

    [Fact]
    public void The_new_kpis_are_defined_once_without_default_targets()
    {
        Assert.Equal(
            [KpiMetric.AverageReplyTime, KpiMetric.MeanTimeToResolution, KpiMetric.ResolutionWorkingTime, KpiMetric.TransferRate],
            KpiDefinitions.All.Skip(14).Select(d => d.Metric!.Value));
        Assert.All(KpiDefinitions.All.Skip(14), d => Assert.Null(d.DefaultTarget));
        Assert.Equal("query", Assert.Throws<ArgumentException>(() => KpiEngine.Aggregate(new FactTable(), new KpiQuery { Percentiles = (DurationMeasures)64 })).ParamName);
        Assert.Equal("measure", Assert.Throws<ArgumentOutOfRangeException>(() => new KpiAggregate().SketchOf(DurationMeasures.All)).ParamName);
    }
}

internal static class TicketOutcomeTestData
{
    public static TicketOutcome Resolved() => new()
    {
        TicketId = TicketId.New(),
        FeedbackNumber = "F20240301001",
        State = TicketState.Resolved,
        ReceivedAt = Instant.FromUtc(2024, 3, 1, 2, 0),
        ResolvedAt = Instant.FromUtc(2024, 3, 1, 6, 0),
        ReopenCount = 0,
        WasEscalated = false,
        WasTransferred = false,
        FirstResponseSla = SlaOutcome.Met,
        ResolutionSla = SlaOutcome.Met,
        EscalationSla = SlaOutcome.NotApplicable,
        NegativeFeedbackContactSla = SlaOutcome.NotApplicable,
        NegativeFeedbackResolutionSla = SlaOutcome.NotApplicable,
        RevisitsDue = 0,
        RevisitsOnTime = 0,
        Channel = ServiceChannel.Phone,
        ProductModel = "X1",
    };
}
