using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.ReadModels;

public sealed class SurveyScheduleTests
{
    [Fact]
    public async Task A_survey_is_due_five_minutes_after_the_service_ends_until_sent_or_answered()
    {
        var host = new TicketTestHost();
        var sent = await host.Resolved();
        var resolvedAt = host.Clock.GetCurrentInstant();
        var answered = await host.Resolved();
        var waiting = await host.Resolved();

        var schedule = new SurveySchedule();
        await schedule.CatchUpAsync(host.Store);
        Assert.Empty(schedule.DueBefore(resolvedAt + Duration.FromMinutes(4)));
        Assert.Equal([sent, answered, waiting], schedule.DueBefore(resolvedAt + Duration.FromMinutes(5)).Select(s => s.TicketId));
        Assert.Equal(resolvedAt + Duration.FromMinutes(5), schedule.DueBefore(resolvedAt + Duration.FromMinutes(5))[0].DueAt);

        await host.Run(new RecordSurveySent { TicketId = sent, CommandId = Guid.NewGuid(), Actor = "survey-bot", Channel = "sms" });
        await host.Run(new RecordSurvey { TicketId = answered, CommandId = Guid.NewGuid(), Actor = "customer", Answers = new() { Satisfaction = 5 } });
        await schedule.CatchUpAsync(host.Store);
        Assert.Equal([waiting], schedule.DueBefore(resolvedAt + Duration.FromHours(1)).Select(s => s.TicketId));

        // A rebuilt schedule (a restarted host) sees the same.
        var rebuilt = new SurveySchedule();
        await rebuilt.CatchUpAsync(host.Store);
        Assert.Equal(schedule.DueBefore(resolvedAt + Duration.FromHours(1)), rebuilt.DueBefore(resolvedAt + Duration.FromHours(1)));

        // A reopened and re-resolved ticket owes a survey for its second cycle.
        await host.Revisit(sent, resolved: false, score: 1);
        await host.Triage(sent, AfterSales.Quality.Prioritization.TicketCategory.ProductFault, new());
        await host.Assign(sent);
        await host.Start(sent);
        await host.Resolve(sent);
        await schedule.CatchUpAsync(host.Store);
        Assert.Contains(schedule.DueBefore(resolvedAt + Duration.FromHours(1)), s => s.TicketId == sent && s.Cycle == 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SurveySchedule(Duration.FromHours(-1)));
    }
}
