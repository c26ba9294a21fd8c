using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>
/// A dissatisfied survey after the revisit re-processes the ticket (the guides: 24 h contact, 72 h resolve and
/// revisit, until the customer accepts): it reopens a revisited or closed ticket to triage within the window, and
/// the negative-feedback clocks start and stop on the guides' events.
/// </summary>
public sealed class DissatisfiedSurveyTests
{
    private static RecordSurvey Survey(TicketId id, int score) => new() { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new SurveyAnswers { Satisfaction = score } };

    /// <summary>Table 4's second row: F20240301002 revisited online with a 4 and closed; then the survey says 2.</summary>
    private static async Task<(TicketTestHost Host, TicketId Id)> ClosedServiceExperienceTicket(TicketServiceOptions? options = null)
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 1, 14, 15), options);
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ServiceExperience, new PriorityAssessment { Severity = Severity.Cosmetic });
        await host.Assign(id, "supervisor-zhou");
        await host.Start(id);
        await host.Respond(id);
        host.Advance(Duration.FromDays(3));
        await host.Resolve(id, "Installation standard revised, installers trained.");
        host.Advance(Duration.FromHours(20));
        await host.Revisit(id, resolved: true, score: 4, RevisitMethod.Online);
        await host.Close(id);
        return (host, id);
    }

    [Fact]
    public async Task A_dissatisfied_survey_within_the_window_reopens_a_closed_ticket_to_triage_and_starts_the_24_and_72_hour_clocks()
    {
        var (host, id) = await ClosedServiceExperienceTicket();
        host.Advance(Duration.FromDays(2));
        var result = await host.Run(Survey(id, 2));

        Assert.Equal([typeof(SurveyAnswered), typeof(TicketReopened), typeof(NegativeFeedbackRaised)], result.NewEvents.Select(e => e.Event.GetType()));
        var reopened = Assert.IsType<TicketReopened>(result.NewEvents[1].Event);
        Assert.True(reopened.BySurvey);
        Assert.Equal(1, reopened.ReopenCount);
        Assert.Equal("low-survey-score", Assert.IsType<NegativeFeedbackRaised>(result.NewEvents[2].Event).Reason);
        Assert.Equal(1, Assert.IsType<SurveyAnswered>(result.NewEvents[0].Event).Cycle); // the survey is about the first cycle
        Assert.Equal((TicketState.Reopened, 2, (Instant?)null), (result.Ticket.State, result.Ticket.ResolutionCycle, result.Ticket.ClosedAt));

        var surveyAt = host.Clock.GetCurrentInstant();
        var sla = await host.Service.GetSlaAsync(id);
        var contact = sla.Find(SlaTargetKind.NegativeFeedbackContact)!;
        var resolve = sla.Find(SlaTargetKind.NegativeFeedbackResolution)!;
        Assert.Equal((surveyAt, surveyAt + Duration.FromHours(24), SlaClockState.Running), (contact.StartedAt, contact.Due, contact.State));
        Assert.Equal((surveyAt, surveyAt + Duration.FromHours(72), SlaClockState.Running), (resolve.StartedAt, resolve.Due, resolve.State));

        // The closure's clocks stay as they were; the new cycle runs.
        Assert.Equal(SlaClockState.Met, sla.Find(SlaTargetKind.Resolution, 1)!.State);
        Assert.Equal(SlaClockState.Running, sla.Find(SlaTargetKind.Resolution, 2)!.State);

        // Contact: the apology call within 24 h stops the contact clock.
        host.Advance(Duration.FromHours(3));
        await host.Respond(id);
        Assert.Equal(SlaClockState.Met, (await host.Service.GetSlaAsync(id)).Find(SlaTargetKind.NegativeFeedbackContact)!.State);

        // Re-processed as the guides' step 2 on: triage again, work, resolve, revisit. The revisit cannot be skipped.
        await host.Triage(id, TicketCategory.ServiceExperience, new PriorityAssessment { Severity = Severity.Cosmetic });
        await host.Assign(id, "supervisor-zhou");
        await host.Start(id);
        host.Advance(Duration.FromHours(30));
        await host.Resolve(id, "Installer revisited the customer with the printed usage guide.");
        await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Close(id));
        host.Advance(Duration.FromHours(10));
        await host.Revisit(id, resolved: true, score: 5, RevisitMethod.Phone);
        var closed = await host.Close(id);
        Assert.Equal(TicketState.Closed, closed.Ticket.State);

        var final = await host.Service.GetSlaAsync(id);
        var resolved = final.Find(SlaTargetKind.NegativeFeedbackResolution)!;
        Assert.Equal((SlaClockState.Met, surveyAt + Duration.FromHours(43)), (resolved.State, resolved.StoppedAt));
        Assert.All(final.Targets, t => Assert.NotNull(t.StoppedAt));
    }

    [Fact]
    public async Task A_template_2_questionnaire_without_an_overall_score_reopens_and_starts_the_clocks_by_its_dimensions()
    {
        // Template 2 asks speed, accuracy, attitude and effect (1–5) and no overall score: 2, 2, 1, 2 → 1.75 → 2, dissatisfied.
        var (host, id) = await ClosedServiceExperienceTicket();
        host.Advance(Duration.FromDays(1));
        var answers = new SurveyAnswers { ResponseSpeed = 2, Accuracy = 2, Attitude = 1, ResolutionEffect = 2, Recommend = RecommendAnswer.No };
        var result = await host.Run(new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = answers });
        Assert.Equal((2, (int?)null), (answers.OverallSatisfaction, answers.Satisfaction));
        Assert.Equal([typeof(SurveyAnswered), typeof(TicketReopened), typeof(NegativeFeedbackRaised)], result.NewEvents.Select(e => e.Event.GetType()));
        var at = host.Clock.GetCurrentInstant();
        var sla = await host.Service.GetSlaAsync(id);
        Assert.Equal(at + Duration.FromHours(24), sla.Find(SlaTargetKind.NegativeFeedbackContact)!.Due);
        Assert.Equal(at + Duration.FromHours(72), sla.Find(SlaTargetKind.NegativeFeedbackResolution)!.Due);

        // 3, 3, 3, 4 → 3.25 → 3: neutral, the ticket stays closed and no clock starts.
        var (calm, calmId) = await ClosedServiceExperienceTicket();
        var neutral = await calm.Run(new RecordSurvey { TicketId = calmId, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new SurveyAnswers { ResponseSpeed = 3, Accuracy = 3, Attitude = 3, ResolutionEffect = 4 } });
        Assert.Equal((TicketState.Closed, 1), (neutral.Ticket.State, neutral.NewEvents.Count));
        Assert.Null((await calm.Service.GetSlaAsync(calmId)).Find(SlaTargetKind.NegativeFeedbackContact));
    }

    [Fact]
    public async Task A_dissatisfied_survey_on_a_revisited_ticket_reopens_it_too()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        await host.Revisit(id, resolved: true, score: 3);
        var result = await host.Run(Survey(id, 1));
        Assert.Equal(TicketState.Reopened, result.Ticket.State);
        Assert.True(Assert.IsType<TicketReopened>(result.NewEvents[1].Event).BySurvey);
    }

    [Fact]
    public async Task Outside_the_window_or_with_the_reopen_off_the_survey_only_warns_and_starts_no_clock()
    {
        var (late, lateId) = await ClosedServiceExperienceTicket();
        late.Advance(Duration.FromDays(7)); // the resolution was 20 h before the close: now 7 days 20 h after it
        var warned = await late.Run(Survey(lateId, 2));
        Assert.Equal([typeof(SurveyAnswered), typeof(NegativeFeedbackRaised)], warned.NewEvents.Select(e => e.Event.GetType()));
        Assert.Equal(TicketState.Closed, warned.Ticket.State);
        Assert.Null((await late.Service.GetSlaAsync(lateId)).Find(SlaTargetKind.NegativeFeedbackContact));

        var off = new TicketServiceOptions { NegativeFeedback = new NegativeFeedbackRules { SurveyReopenWindow = TimeSpan.Zero } };
        var (host, id) = await ClosedServiceExperienceTicket(off);
        host.Advance(Duration.FromMinutes(5));
        Assert.Equal(TicketState.Closed, (await host.Run(Survey(id, 1))).Ticket.State);

        // A satisfied or neutral survey never reopens.
        var (calm, calmId) = await ClosedServiceExperienceTicket();
        Assert.Single((await calm.Run(Survey(calmId, 3))).NewEvents);
    }

    [Fact]
    public async Task The_window_counts_from_the_resolution_inclusive()
    {
        var options = new TicketServiceOptions { NegativeFeedback = new NegativeFeedbackRules { SurveyReopenWindow = TimeSpan.FromHours(24) } };
        var (host, id) = await ClosedServiceExperienceTicket(options);
        host.Advance(Duration.FromHours(4)); // exactly 24 h after the resolution
        Assert.Equal(TicketState.Reopened, (await host.Run(Survey(id, 2))).Ticket.State);

        var (later, laterId) = await ClosedServiceExperienceTicket(options);
        later.Advance(Duration.FromHours(4) + Duration.FromTicks(1));
        Assert.Equal(TicketState.Closed, (await later.Run(Survey(laterId, 2))).Ticket.State);
    }

    [Fact]
    public async Task A_dissatisfied_survey_before_the_revisit_starts_the_clocks_and_the_revisit_decides()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        host.Advance(Duration.FromMinutes(5));
        var surveyAt = host.Clock.GetCurrentInstant();
        var result = await host.Run(Survey(id, 2));
        Assert.Equal(TicketState.Resolved, result.Ticket.State);
        var sla = await host.Service.GetSlaAsync(id);
        Assert.Equal((surveyAt, SlaClockState.Running), (sla.Find(SlaTargetKind.NegativeFeedbackContact)!.StartedAt, sla.Find(SlaTargetKind.NegativeFeedbackContact)!.State));

        // The revisit call reaches the customer (contact) and finds them satisfied (resolved and revisited).
        host.Advance(Duration.FromHours(30));
        await host.Revisit(id, resolved: true, score: 4);
        var after = await host.Service.GetSlaAsync(id);
        Assert.Equal(SlaClockState.Breached, after.Find(SlaTargetKind.NegativeFeedbackContact)!.State);
        Assert.Equal(SlaClockState.Met, after.Find(SlaTargetKind.NegativeFeedbackResolution)!.State);
    }

    [Fact]
    public async Task A_second_negative_episode_gets_its_own_clocks_under_its_cycle()
    {
        // A complaint (episode 1, cycle 0) closed satisfied, then a dissatisfied survey (episode 2, cycle 2).
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.Complaint, new PriorityAssessment { Severity = Severity.SecondaryFunction });
        await host.Respond(id);
        await host.Resolve(id);
        await host.Revisit(id, resolved: true, score: 5);
        await host.Close(id);
        host.Advance(Duration.FromHours(2));
        await host.Run(Survey(id, 1));
        var sla = await host.Service.GetSlaAsync(id);
        Assert.Equal(SlaClockState.Met, sla.Find(SlaTargetKind.NegativeFeedbackResolution, 0)!.State);
        Assert.Equal(SlaClockState.Running, sla.Find(SlaTargetKind.NegativeFeedbackResolution, 2)!.State);
        Assert.Equal(SlaClockState.Running, sla.Find(SlaTargetKind.NegativeFeedbackContact, 2)!.State);
    }

    [Fact]
    public async Task The_due_index_and_the_open_work_take_a_ticket_reopened_after_its_closure_back()
    {
        var (host, id) = await ClosedServiceExperienceTicket();
        var index = new SlaDueIndex(SlaPolicySet.Default);
        var work = new OpenWorkProjection();
        await index.CatchUpAsync(host.Store);
        await work.CatchUpAsync(host.Store);
        Assert.Equal((0, 0), (index.OpenTickets, work.Count));

        host.Advance(Duration.FromHours(1));
        await host.Run(Survey(id, 2));
        await index.CatchUpAsync(host.Store);
        await work.CatchUpAsync(host.Store);
        Assert.Equal((1, 1), (index.OpenTickets, work.Count));
        var due = index.DueBefore(host.Clock.GetCurrentInstant() + Duration.FromDays(30));
        Assert.Contains(due, e => e.TicketId == id && e.Kind == SlaTargetKind.NegativeFeedbackContact && e.Due == host.Clock.GetCurrentInstant() + Duration.FromHours(24));
        Assert.Equal(TicketState.Reopened, Assert.Single(work.Query()).State);

        // A host pumping the feed itself: Apply alone ignores the reopened ticket, ApplyAsync with the store takes it back.
        var byHand = new OpenWorkProjection();
        var withStore = new OpenWorkProjection();
        await foreach (var recorded in host.Store.ReadFeedAsync(0))
        {
            byHand.Apply(recorded);
            await withStore.ApplyAsync(recorded, host.Store);
        }

        Assert.Equal((0, 1), (byHand.Count, withStore.Count));
    }

    [Fact]
    public void The_window_is_validated_with_its_key()
    {
        var error = Assert.Throws<QualityValidationException>(() => new TicketServiceOptions { NegativeFeedback = new NegativeFeedbackRules { SurveyReopenWindow = TimeSpan.FromDays(-1) } }.Validate());
        var field = Assert.Single(error.Errors);
        Assert.Equal("NegativeFeedback.SurveyReopenWindow", field.Field);
        Assert.Contains("it was -1.00:00:00", field.Message, StringComparison.Ordinal);
        Assert.Throws<QualityValidationException>(() => new TicketServiceOptions { NegativeFeedback = new NegativeFeedbackRules { SurveyReopenWindow = TimeSpan.FromDays(366) } }.Validate());
    }

    /// <summary>Random scripts with surveys of every score, closes and cancels: every clock that starts can stop.</summary>
    [Property(MaxTest = 200)]
    public void Every_started_clock_stops_or_still_runs_on_an_open_ticket(byte[] script, int seed, bool businessHours) => RunScript(script, seed, businessHours);

    [Fact]
    public void Seeded_scripts_reach_a_survey_reopen_so_the_property_is_not_vacuous()
    {
        var random = new Random(20240306);
        var reopenedBySurvey = 0;
        var closedAgain = 0;
        for (var i = 0; i < 100; i++)
        {
            var script = new byte[150];
            random.NextBytes(script);
            var history = RunScript(script, random.Next(), i % 2 == 0);
            var reopen = Array.FindIndex(history, e => e is TicketReopened { BySurvey: true });
            reopenedBySurvey += reopen >= 0 ? 1 : 0;
            closedAgain += reopen >= 0 && history.Skip(reopen).Any(e => e is TicketClosed) ? 1 : 0;
        }

        Assert.True(reopenedBySurvey > 0, "no script reopened a ticket on a survey");
        Assert.True(closedAgain > 0, "no script closed a ticket again after a survey reopened it");
    }

    private static TicketEvent[] RunScript(byte[] script, int seed, bool businessHours)
    {
        var policies = businessHours ? SlaGoldenTests.China : SlaPolicySet.Default;
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var id = host.Register().GetAwaiter().GetResult();
        var random = new Random(seed);
        TicketEvent[] history = [];
        foreach (var step in script)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 3000)));
            TicketCommand command = step % 5 == 0
                ? new RecordSurvey { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new SurveyAnswers { Satisfaction = random.Next(1, 6) } }
                : SlaHistoryProperties.Command(id, step, random);
            SlaHistoryProperties.TryRun(host, command);
            history = [.. host.Service.GetHistoryAsync(id).GetAwaiter().GetResult().Select(e => e.Event)];
            var ticket = Ticket.Replay(id, history);
            var sla = SlaClock.Evaluate(history, policies, host.Clock.GetCurrentInstant());
            foreach (var target in sla.Targets)
            {
                // Open only on an open ticket: no closed, cancelled or duplicate ticket keeps a running clock.
                Assert.True(target.StoppedAt is not null || !TicketLifecycle.IsTerminal(ticket.State), $"{target.Kind} cycle {target.Cycle} is open on a {ticket.State} ticket");
            }

            // Every negative-feedback episode has both clocks, and one runs at a time.
            var negative = sla.Targets.Where(t => t.Kind == SlaTargetKind.NegativeFeedbackResolution).ToArray();
            Assert.Equal(negative.Length, sla.Targets.Count(t => t.Kind == SlaTargetKind.NegativeFeedbackContact));
            Assert.True(negative.Count(t => t.StoppedAt is null) <= 1);
        }

        return history;
    }
}
