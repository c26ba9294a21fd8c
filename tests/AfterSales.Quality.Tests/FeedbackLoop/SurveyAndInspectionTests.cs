using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.FeedbackLoop;

public sealed class SurveyAndInspectionTests
{
    private static RecordSurvey Survey(TicketId id, SurveyAnswers answers) => new() { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = answers };

    [Fact]
    public async Task Survey_answers_attach_to_a_resolved_ticket_and_classify_the_recommendation()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var answers = new SurveyAnswers { Satisfaction = 5, ResponseSpeed = 4, Accuracy = 5, Attitude = 5, ResolutionEffect = 4, LikelihoodToRecommend = 9, EffortScore = 2, IsReturningCustomer = true, Suggestion = "Faster courier" };
        var result = await host.Run(Survey(id, answers));
        var e = Assert.IsType<SurveyAnswered>(Assert.Single(result.NewEvents).Event);
        Assert.Equal((answers, 1), (e.Answers, e.Cycle));
        Assert.Equal(answers, result.Ticket.LastSurvey);
        Assert.True(answers.IsPromoter);
        Assert.False(answers.IsDetractor);
        Assert.True(new SurveyAnswers { Recommend = RecommendAnswer.No }.IsDetractor);
        Assert.Null(new SurveyAnswers { Satisfaction = 3 }.IsPromoter);
        Assert.Equal(TicketState.Resolved, result.Ticket.State);
    }

    [Fact]
    public async Task Out_of_range_answers_are_refused_with_every_field_named()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(Survey(id, new SurveyAnswers
        {
            Satisfaction = 6, ResponseSpeed = 0, LikelihoodToRecommend = 11, Recommend = RecommendAnswer.Yes, EffortScore = 8,
        })));
        Assert.Equal(["Answers.Satisfaction", "Answers.ResponseSpeed", "Answers.LikelihoodToRecommend", "Answers.EffortScore", "Answers.Recommend"], error.Errors.Select(x => x.Field));
        var empty = await Assert.ThrowsAsync<QualityValidationException>(() => host.Run(Survey(id, new SurveyAnswers())));
        Assert.Contains("has no answer", empty.Message);
        Assert.Null((await host.Service.GetAsync(id)).LastSurvey);
    }

    [Fact]
    public async Task A_survey_before_the_service_ended_is_illegal()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var error = await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Run(Survey(id, new SurveyAnswers { Satisfaction = 5 })));
        Assert.Equal(TicketTrigger.RecordSurvey, error.Trigger);
    }

    [Fact]
    public async Task A_low_survey_score_raises_an_early_warning_to_the_named_owner()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var result = await host.Run(Survey(id, new SurveyAnswers { Satisfaction = 2 }));
        var warning = Assert.IsType<NegativeFeedbackRaised>(result.NewEvents[1].Event);
        Assert.Equal(("service-supervisor", "low-survey-score"), (warning.Owner, warning.Reason));
        Assert.Equal(host.Clock.GetCurrentInstant(), result.Ticket.NegativeFeedbackRaisedAt);
    }

    [Fact]
    public async Task A_template_2_survey_without_an_overall_score_is_scored_from_its_four_dimensions()
    {
        // The guides' questionnaire (template 2) asks speed, accuracy, attitude and effect on 1–5, and no overall score.
        var host = new TicketTestHost();
        var unhappy = await host.Resolved();
        var result = await host.Run(Survey(unhappy, new SurveyAnswers { ResponseSpeed = 1, Accuracy = 1, Attitude = 1, ResolutionEffect = 1 }));
        var warning = Assert.IsType<NegativeFeedbackRaised>(result.NewEvents[1].Event);
        Assert.Equal("low-survey-score", warning.Reason);

        var happy = await host.Resolved();
        var calm = await host.Run(Survey(happy, new SurveyAnswers { ResponseSpeed = 4, Accuracy = 4, Attitude = 3, ResolutionEffect = 3 }));
        Assert.Single(calm.NewEvents); // 3.5 rounds to 4: no warning

        // The CSAT KPIs count both: one satisfied (4) of two answers, mean (1 + 4) / 2.
        var facts = new AfterSales.Quality.Kpi.FactTable();
        var dimensions = new AfterSales.Quality.Kpi.FactDimensions();
        foreach (var id in new[] { unhappy, happy })
        {
            var history = (await host.Store.ReadStreamAsync(id)).Events.Select(e => e.Event).ToList();
            facts.Add(dimensions.ToFact(AfterSales.Quality.Kpi.TicketOutcome.Measure(history, AfterSales.Quality.Sla.SlaPolicySet.Default, host.Clock.GetCurrentInstant())));
        }

        var values = AfterSales.Quality.Kpi.KpiEngine.Aggregate(facts, new AfterSales.Quality.Kpi.KpiQuery()).Single().Values;
        Assert.Equal((2.5, 0.5), (values.CsatMean, values.CsatSatisfiedShare));
    }

    [FsCheck.Xunit.Property]
    public void The_overall_satisfaction_is_the_given_score_or_the_rounded_mean_of_the_dimensions(int? overall, int? speed, int? accuracy, int? attitude, int? effect)
    {
        static int? Score(int? v) => v is { } x ? 1 + (Math.Abs(x % 5)) : null;
        var answers = new SurveyAnswers { Satisfaction = Score(overall), ResponseSpeed = Score(speed), Accuracy = Score(accuracy), Attitude = Score(attitude), ResolutionEffect = Score(effect) };
        var dimensions = new[] { answers.ResponseSpeed, answers.Accuracy, answers.Attitude, answers.ResolutionEffect }.Where(d => d is not null).Select(d => d!.Value).ToArray();
        if (answers.Satisfaction is { } given)
        {
            Assert.Equal(given, answers.OverallSatisfaction);
        }
        else if (dimensions.Length == 0)
        {
            Assert.Null(answers.OverallSatisfaction);
        }
        else
        {
            var score = answers.OverallSatisfaction!.Value;
            Assert.InRange(score, dimensions.Min(), dimensions.Max());
            Assert.True(Math.Abs(score - dimensions.Average()) <= 0.5, $"{score} is not the nearest point to {dimensions.Average()}");
            Assert.True(score - dimensions.Average() != -0.5, "halves round up");
        }
    }

    [Fact]
    public async Task A_complaint_raises_an_early_warning_to_the_first_responsible_person_when_named()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var result = await host.Run(new TriageTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage", Category = TicketCategory.Complaint,
            Assessment = new PriorityAssessment(), FirstResponsiblePerson = "lead-zhou",
        });
        var warning = Assert.IsType<NegativeFeedbackRaised>(result.NewEvents[1].Event);
        Assert.Equal(("lead-zhou", "complaint"), (warning.Owner, warning.Reason));
    }

    [Fact]
    public async Task An_unsatisfied_revisit_raises_an_early_warning()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var result = await host.Revisit(id, resolved: false, score: 3);
        Assert.Equal("unsatisfied-revisit", Assert.IsType<NegativeFeedbackRaised>(result.NewEvents[2].Event).Reason);
    }

    [Fact]
    public async Task Inspections_are_recorded_on_closed_tickets_only()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        RecordInspection Inspect(bool accurate) => new() { TicketId = id, CommandId = Guid.NewGuid(), Actor = "inspector-he", Accurate = accurate, Notes = "checked the KB article" };
        await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Run(Inspect(true)));
        await host.Revisit(id, resolved: true, score: 5);
        await host.Close(id);
        var result = await host.Run(Inspect(false));
        Assert.False(result.Ticket.InspectedAccurate);
        Assert.Equal(TicketState.Closed, result.Ticket.State);
        Assert.Equal(TicketState.Closed, (await host.Run(Survey(id, new SurveyAnswers { Satisfaction = 4 }))).Ticket.State);
    }

    [Fact]
    public void Sampling_is_reproducible_per_week_and_independent_of_order()
    {
        var zone = TicketTestHost.Shanghai;
        var random = new Random(7);
        var monday = Instant.FromUtc(2024, 3, 4, 2, 0); // ISO week 10 of 2024 in Shanghai
        var closed = Enumerable.Range(0, 300)
            .Select(i => new ClosedTicket(new TicketId(new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray())), monday + Duration.FromHours(i % 3 * 168 + i % 100)))
            .ToArray();

        var sample = QualityInspectionSampler.Sample(closed, 0.2, seed: 42, zone);
        var reversed = QualityInspectionSampler.Sample(closed.AsEnumerable().Reverse(), 0.2, seed: 42, zone);
        Assert.Equal(sample, reversed);
        Assert.Equal([(2024, 10, 20), (2024, 11, 20), (2024, 12, 20)], sample.GroupBy(d => (d.WeekYear, d.Week)).Select(g => (g.Key.WeekYear, g.Key.Week, g.Count())));
        Assert.NotEqual(sample, QualityInspectionSampler.Sample(closed, 0.2, seed: 43, zone));

        // Adding tickets to week 12 does not change the draw of weeks 10 and 11.
        var more = closed.Concat(Enumerable.Range(0, 50).Select(i => new ClosedTicket(TicketId.New(), monday + Duration.FromDays(15)))).ToArray();
        Assert.Equal(sample.Where(d => d.Week < 12), QualityInspectionSampler.Sample(more, 0.2, 42, zone).Where(d => d.Week < 12));
        Assert.Equal(3, QualityInspectionSampler.Sample(closed.Take(11), 0.2, 42, zone).Count); // ceil(0.2 x 4) + ceil(0.2 x 4) + ceil(0.2 x 3)
        Assert.Throws<ArgumentOutOfRangeException>(() => QualityInspectionSampler.Sample(closed, 0, 1, zone));
    }
}
