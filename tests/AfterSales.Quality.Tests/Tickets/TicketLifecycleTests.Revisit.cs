using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed partial class TicketLifecycleTests
{
    [Fact]
    public async Task An_unsatisfied_revisit_reopens_to_triage_and_priority_is_judged_again()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();

        var revisit = await host.Revisit(id, resolved: true, score: 2);
        Assert.Equal(TicketState.Reopened, revisit.Ticket.State);
        Assert.Equal(1, revisit.Ticket.ReopenCount);
        Assert.Equal(2, revisit.Ticket.ResolutionCycle);
        Assert.Null(revisit.Ticket.Assignee);
        Assert.Collection(revisit.NewEvents, e => Assert.IsType<RevisitRecorded>(e.Event), e => Assert.IsType<TicketReopened>(e.Event), e => Assert.IsType<NegativeFeedbackRaised>(e.Event));
        await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Close(id));

        var retriage = await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction, IsKeyAccount = true });
        Assert.Equal(Priority.P0, retriage.Ticket.Priority);
        Assert.True(Assert.IsType<TicketTriaged>(retriage.NewEvents[0].Event).IsRetriage);

        await host.Assign(id);
        await host.Start(id);
        var second = await host.Resolve(id, "Mainboard replaced.");
        Assert.Equal(2, Assert.IsType<TicketResolved>(second.NewEvents[0].Event).Cycle);
        Assert.Equal(TicketState.Revisited, (await host.Revisit(id, resolved: true, score: 5)).Ticket.State);
        Assert.Equal(TicketState.Closed, (await host.Close(id)).Ticket.State);
    }

    [Fact]
    public async Task A_not_resolved_answer_reopens_even_with_a_high_score()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var revisit = await host.Revisit(id, resolved: false, score: 5);
        Assert.Equal(TicketState.Reopened, revisit.Ticket.State);
        Assert.Equal(RevisitOutcome.Unsatisfied, revisit.Ticket.LastRevisitOutcome);
    }

    [Fact]
    public async Task The_unsatisfied_threshold_is_configurable()
    {
        var host = new TicketTestHost(options: new TicketServiceOptions { Revisit = new RevisitRules { UnsatisfiedScoreThreshold = 3 } });
        var id = await host.Resolved();
        Assert.Equal(TicketState.Reopened, (await host.Revisit(id, resolved: true, score: 3)).Ticket.State);
    }

    [Fact]
    public async Task Unreachable_is_allowed_only_after_the_configured_attempts()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        RecordRevisit Unreachable() => new() { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-sun", Method = RevisitMethod.Phone, Unreachable = true };

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var rule = await Assert.ThrowsAsync<TicketRuleViolationException>(() => host.Run(Unreachable()));
            Assert.Equal("revisit-attempts", rule.Rule);
            var failed = await host.Run(new RecordRevisitAttempt { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-sun", Method = RevisitMethod.Phone, Note = "no answer" });
            Assert.Equal(attempt, failed.Ticket.RevisitAttempts);
            Assert.Equal(attempt, Assert.IsType<RevisitAttemptFailed>(failed.NewEvents[0].Event).Attempt);
        }

        var recorded = await host.Run(Unreachable());
        Assert.Equal(TicketState.Revisited, recorded.Ticket.State);
        Assert.Equal(RevisitOutcome.Unreachable, recorded.Ticket.LastRevisitOutcome);
        Assert.Equal(TicketState.Closed, (await host.Close(id)).Ticket.State);
    }

    [Fact]
    public async Task Reached_revisit_needs_an_answer_and_a_score_in_range()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-sun", Method = RevisitMethod.Phone, Score = 6 }));
        Assert.Equal(["Resolved", "Score"], error.Errors.Select(e => e.Field));
        Assert.Contains("between 1 and 5", error.Message);
        Assert.Equal(0, (await host.Service.GetAsync(id)).RevisitAttempts);
    }
}
