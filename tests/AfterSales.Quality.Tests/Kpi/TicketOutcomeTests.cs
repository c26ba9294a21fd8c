using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Kpi;

public sealed class TicketOutcomeTests
{
    private static async Task<TicketOutcome> Measure(TicketTestHost host, TicketId id) =>
        TicketOutcome.Measure((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray(), SlaPolicySet.Default, host.Clock.GetCurrentInstant());

    [Fact]
    public async Task Golden_F20240301001_measures_as_the_guide_tells_it()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        host.Clock.Reset(At(2024, 3, 1, 11, 0));
        await host.Assign(id);
        await host.Start(id);
        host.Clock.Reset(At(2024, 3, 1, 11, 30));
        await host.Respond(id);
        host.Clock.Reset(At(2024, 3, 10, 16, 0));
        await host.Resolve(id);
        host.Clock.Reset(At(2024, 3, 11, 15, 0));
        await host.Revisit(id, resolved: true, score: 5);
        await host.Run(new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new() { Satisfaction = 5, LikelihoodToRecommend = 10, EffortScore = 2, Accuracy = 5 } });
        await host.Close(id);

        var outcome = await Measure(host, id);
        Assert.Equal("F20240301001", outcome.FeedbackNumber);
        Assert.Equal(Duration.FromHours(1), outcome.FirstResponseTime);
        Assert.Equal(Duration.FromHours(1), outcome.FirstResponseWorkingTime);
        Assert.Equal(At(2024, 3, 10, 16, 0) - At(2024, 3, 1, 11, 0), outcome.HandlingTime);
        Assert.Equal(At(2024, 3, 10, 16, 0) - At(2024, 3, 1, 10, 30), outcome.ResolutionTime);
        Assert.True(outcome.IsResolved);
        Assert.True(outcome.IsFirstContactResolution);
        Assert.False(outcome.IsComplaint);
        Assert.Equal((SlaOutcome.Met, SlaOutcome.Missed), (outcome.FirstResponseSla, outcome.ResolutionSla)); // 9 d 5.5 h > P1's 7 days
        Assert.Equal((1, 1), (outcome.RevisitsDue, outcome.RevisitsOnTime)); // 23 h after resolution, within 24 h
        Assert.Equal((5, 10, true, false, 2), (outcome.Satisfaction, outcome.LikelihoodToRecommend, outcome.IsPromoter, outcome.IsDetractor, outcome.EffortScore));
        Assert.Equal((5, (int?)null), (outcome.SurveyDimensions.Accuracy, outcome.SurveyDimensions.Attitude));
        Assert.Equal(("technical-support", "tech-zhao", "phone", "phones", "Phone Pro", "product-fault", Priority.P1),
            (outcome.Team, outcome.Agent, outcome.Channel.Name, outcome.ProductLine, outcome.ProductModel, outcome.Category!.Value.Name, outcome.Priority!.Value));
        Assert.Equal(SlaOutcome.NotApplicable, outcome.EscalationSla);
    }

    [Fact]
    public async Task Without_a_survey_the_revisits_satisfaction_score_is_the_tickets_csat_and_a_survey_wins_over_it()
    {
        // Table 4: HV20240301002 scored 4 on the revisit call; no questionnaire came back.
        var host = new TicketTestHost(At(2024, 3, 1, 14, 15));
        var revisitedOnly = await host.Resolved();
        await host.Revisit(revisitedOnly, resolved: true, score: 4);
        await host.Close(revisitedOnly);
        Assert.Equal(4, (await Measure(host, revisitedOnly)).Satisfaction);

        var surveyed = await host.Resolved();
        await host.Revisit(surveyed, resolved: true, score: 5);
        await host.Run(new RecordSurvey { TicketId = surveyed, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new() { ResponseSpeed = 2, Accuracy = 3, Attitude = 3, ResolutionEffect = 3 } });
        Assert.Equal(3, (await Measure(host, surveyed)).Satisfaction); // the questionnaire's 2.75 → 3, not the revisit's 5

        // A revisit score of 3 closes the loop (not dissatisfied: above the threshold 2) but is not satisfied in CSAT (4–5).
        var neutral = await host.Resolved();
        await host.Revisit(neutral, resolved: true, score: 3);
        await host.Close(neutral);
        var dimensions = new FactDimensions();
        var facts = new FactTable();
        foreach (var id in new[] { revisitedOnly, surveyed, neutral })
        {
            facts.Add(dimensions.ToFact(await Measure(host, id)));
        }

        var values = KpiEngine.Aggregate(facts, new KpiQuery()).Single().Values;
        Assert.Equal(1.0 / 3, values.CsatSatisfiedShare!.Value, 12);
        Assert.Equal(10.0 / 3, values.CsatMean!.Value, 12);
    }

    [Fact]
    public async Task Escalation_transfer_and_reopen_break_first_contact_resolution()
    {
        var host = new TicketTestHost();
        var reopened = await host.Resolved();
        await host.Revisit(reopened, resolved: false, score: 1);
        var outcome = await Measure(host, reopened);
        Assert.Equal((1, false, false), (outcome.ReopenCount, outcome.IsResolved, outcome.IsFirstContactResolution));
        Assert.Equal(SlaOutcome.Open, outcome.NegativeFeedbackContactSla);

        var transferred = await host.Register();
        await host.Triage(transferred, TicketCategory.Complaint, new PriorityAssessment());
        await host.Assign(transferred, "a");
        await host.Run(new ReassignTicket { TicketId = transferred, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "b", Reason = "skills" });
        await host.Start(transferred);
        await host.Run(new EscalateTicket { TicketId = transferred, CommandId = Guid.NewGuid(), Actor = "b", Level = 1, Reason = "hard" });
        await host.Resolve(transferred);
        var t = await Measure(host, transferred);
        Assert.Equal((true, true, true, false, true), (t.IsResolved, t.WasTransferred, t.WasEscalated, t.IsFirstContactResolution, t.IsComplaint));
        Assert.Equal(("b", SlaOutcome.Met), (t.Agent, t.EscalationSla));
        Assert.Null(t.Satisfaction);
        Assert.Null(t.InspectedAccurate);
    }
}
