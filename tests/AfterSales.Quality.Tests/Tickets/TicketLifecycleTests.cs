using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed class TicketLifecycleTests
{
    [Fact]
    public async Task Golden_F20240301001_battery_fault_runs_the_whole_loop()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var id = await host.Register();
        var ticket = await host.Service.GetAsync(id);
        Assert.Equal("F20240301001", ticket.FeedbackNumber);
        Assert.Equal(TicketState.Registered, ticket.State);

        var triaged = await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction, Urgency = Urgency.UseDegraded });
        Assert.Equal(Priority.P1, triaged.Ticket.Priority);
        Assert.Equal("core-function", triaged.Ticket.PriorityRule);
        Assert.Equal(Departments.TechnicalSupport, triaged.Ticket.Route!.Department);

        await host.Assign(id);
        await host.Start(id);
        host.Advance(Duration.FromHours(2));
        await host.Respond(id);
        host.Clock.Reset(At(2024, 3, 9, 17, 0));
        var resolved = await host.Resolve(id, "Batch defect confirmed; battery replaced free of charge.");
        Assert.Equal(TicketState.Resolved, resolved.Ticket.State);
        Assert.Equal(1, resolved.Ticket.ResolutionCount);

        host.Clock.Reset(At(2024, 3, 11, 15, 0));
        var revisit = await host.Revisit(id, resolved: true, score: 5);
        Assert.Equal(TicketState.Revisited, revisit.Ticket.State);
        Assert.Equal("HV20240311001", revisit.Ticket.LastRevisitNumber);
        Assert.Equal(RevisitOutcome.Satisfied, revisit.Ticket.LastRevisitOutcome);

        var closed = await host.Close(id);
        Assert.Equal(TicketState.Closed, closed.Ticket.State);
        Assert.Equal(At(2024, 3, 11, 15, 0), closed.Ticket.ClosedAt);
        Assert.Equal(At(2024, 3, 1, 12, 30), closed.Ticket.FirstResponseAt);
        Assert.Equal(8, closed.Ticket.Version);
    }

    [Fact]
    public async Task Golden_F20240301002_installation_experience_goes_to_the_service_supervisor()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        await host.Register(); // F20240301001 is the battery ticket of the morning.
        host.Clock.Reset(At(2024, 3, 1, 14, 15));
        var intake = Intake(At(2024, 3, 1, 14, 15), "air-conditioner installation") with
        {
            Channel = ServiceChannel.OnlineChat,
            PurchaseOrServiceDate = new LocalDate(2024, 2, 28),
            Description = "Installer without uniform, no usage briefing.",
        };
        var id = await host.Register(intake);
        var triaged = await host.Triage(id, TicketCategory.ServiceExperience, new PriorityAssessment { Severity = Severity.Cosmetic });
        Assert.Equal("F20240301002", triaged.Ticket.FeedbackNumber);
        Assert.Equal(Priority.P2, triaged.Ticket.Priority);
        Assert.Equal(Departments.ServiceSupervisor, triaged.Ticket.Route!.Department);

        await host.Assign(id, "supervisor-liu");
        await host.Start(id);
        await host.Respond(id);
        host.Clock.Reset(At(2024, 3, 5, 16, 0));
        await host.Resolve(id, "Installation standard revised; installer retrained; usage briefing given.");
        host.Clock.Reset(At(2024, 3, 6, 10, 30));
        var revisit = await host.Revisit(id, resolved: true, score: 4, RevisitMethod.Online);
        Assert.Equal("HV20240306001", revisit.Ticket.LastRevisitNumber);
        Assert.Equal(RevisitOutcome.Satisfied, revisit.Ticket.LastRevisitOutcome);
        Assert.Equal(TicketState.Closed, (await host.Close(id)).Ticket.State);
    }

    [Fact]
    public async Task A_ticket_cannot_be_resolved_with_an_empty_solution_and_nothing_is_recorded()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment());
        await host.Assign(id);
        await host.Start(id);
        var before = await host.Service.GetAsync(id);

        var error = await Assert.ThrowsAsync<QualityValidationException>(() => host.Resolve(id, "   "));
        Assert.Equal("Solution", error.ParamName);
        Assert.Contains("Solution", error.Message);
        Assert.Equal(before, await host.Service.GetAsync(id));
    }

    [Fact]
    public async Task A_ticket_cannot_be_closed_before_its_revisit()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();

        var error = await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Close(id));
        Assert.Equal(TicketState.Resolved, error.State);
        Assert.Equal("CloseTicket", error.Command);
        Assert.Contains("CloseTicket is not allowed", error.Message);
        Assert.Contains("in state Resolved", error.Message);
        Assert.Contains("revisit", error.Message);
        Assert.Equal(TicketState.Resolved, (await host.Service.GetAsync(id)).State);
    }

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

    [Fact]
    public async Task Pending_customer_pauses_and_resumes()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment());
        await host.Assign(id);
        await host.Start(id);
        var pending = await host.Run(new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Reason = "Photo of the serial number" });
        Assert.Equal(TicketState.PendingCustomer, pending.Ticket.State);
        Assert.Equal(host.Clock.GetCurrentInstant(), pending.Ticket.PendingCustomerSince);
        await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Resolve(id));
        var resumed = await host.Run(new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer" });
        Assert.Equal(TicketState.InProgress, resumed.Ticket.State);
        Assert.Null(resumed.Ticket.PendingCustomerSince);
    }

    [Fact]
    public async Task Escalations_and_reassignments_are_recorded_events()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        await host.Assign(id, "tech-zhao");
        await host.Start(id);
        var escalated = await host.Run(new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Level = 2, Reason = "Needs R&D", EscalatedTo = "battery-lab" });
        Assert.Equal(2, escalated.Ticket.EscalationLevel);
        var lower = await Assert.ThrowsAsync<TicketRuleViolationException>(() =>
            host.Run(new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Level = 1, Reason = "again" }));
        Assert.Equal("escalation-level", lower.Rule);

        var moved = await host.Run(new ReassignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead-chen", Assignee = "rd-qian", Department = "research", Reason = "Cross-department fix" });
        var e = Assert.IsType<TicketReassigned>(moved.NewEvents[0].Event);
        Assert.Equal(("tech-zhao", "rd-qian", Departments.TechnicalSupport, "research"), (e.PreviousAssignee, e.Assignee, e.PreviousDepartment, e.Department));
        Assert.Equal(TicketState.Assigned, moved.Ticket.State);
        Assert.Equal(1, moved.Ticket.ReassignmentCount);
        Assert.Equal("research", moved.Ticket.Route!.Department);
        var same = await Assert.ThrowsAsync<TicketRuleViolationException>(() =>
            host.Run(new ReassignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead-chen", Assignee = "rd-qian", Reason = "noop" }));
        Assert.Equal("same-assignee", same.Rule);
    }

    [Fact]
    public async Task Cancelled_and_duplicate_tickets_are_terminal_with_a_reason()
    {
        var host = new TicketTestHost();
        var cancelled = await host.Register();
        var duplicate = await host.Register();
        var missingReason = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(new CancelTicket { TicketId = cancelled, CommandId = Guid.NewGuid(), Actor = "agent-li", Reason = "" }));
        Assert.Equal("Reason", missingReason.ParamName);

        var c = await host.Run(new CancelTicket { TicketId = cancelled, CommandId = Guid.NewGuid(), Actor = "agent-li", Reason = "Customer withdrew" });
        Assert.Equal((TicketState.Cancelled, "Customer withdrew"), (c.Ticket.State, c.Ticket.CancellationReason));
        var d = await host.Run(new MarkDuplicate { TicketId = duplicate, CommandId = Guid.NewGuid(), Actor = "agent-li", DuplicateOf = "F20240301001", Reason = "Same call twice" });
        Assert.Equal((TicketState.Duplicate, "F20240301001"), (d.Ticket.State, d.Ticket.DuplicateOf));

        var illegal = await Assert.ThrowsAsync<IllegalTicketCommandException>(() => host.Triage(cancelled, TicketCategory.Complaint, new PriorityAssessment()));
        Assert.Contains("Cancelled is terminal", illegal.Message);
    }

    [Fact]
    public async Task A_retried_command_appends_nothing_twice()
    {
        var host = new TicketTestHost();
        var id = TicketId.New();
        var register = new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = Intake(host.Clock.GetCurrentInstant()) };
        var first = await host.Run(register);
        var retry = await host.Run(register);
        Assert.False(first.AlreadyApplied);
        Assert.True(retry.AlreadyApplied);
        Assert.Empty(retry.NewEvents);
        Assert.Equal(first.Ticket, retry.Ticket);
        Assert.Equal(1, host.Store.Count);

        var triage = new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-wang", Category = TicketCategory.Suggestion, Assessment = new PriorityAssessment() };
        await host.Run(triage);
        Assert.True((await host.Run(triage)).AlreadyApplied);
        Assert.Equal(2, host.Store.Count);
    }

    [Fact]
    public async Task A_second_registration_with_another_command_on_the_same_id_is_illegal()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var error = await Assert.ThrowsAsync<IllegalTicketCommandException>(() =>
            host.Run(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = Intake(host.Clock.GetCurrentInstant()) }));
        Assert.Equal(TicketState.Registered, error.State);
    }

    [Fact]
    public async Task A_stale_writer_gets_a_concurrency_exception_and_nothing_is_overwritten()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var stream = await host.Store.ReadStreamAsync(id);
        var assigned = new TicketAssigned { TicketId = id, OccurredAt = host.Clock.GetCurrentInstant(), Actor = "a", CommandId = Guid.NewGuid(), Assignee = "x" };
        await host.Store.AppendAsync(id, stream.Version, [assigned]);
        var error = await Assert.ThrowsAsync<TicketConcurrencyException>(async () => await host.Store.AppendAsync(id, stream.Version, [assigned with { CommandId = Guid.NewGuid() }]));
        Assert.Equal((1L, 2L), (error.ExpectedVersion, error.ActualVersion));
        Assert.Equal(2, (await host.Store.ReadStreamAsync(id)).Version);
    }

    [Fact]
    public async Task Concurrent_commands_on_one_ticket_never_both_win()
    {
        var host = new TicketTestHost();
        var id = await host.Register();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await Task.Yield();
                await host.Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = $"agent-{i}" });
                return true;
            }
            catch (TicketConcurrencyException)
            {
                return false;
            }
        }));
        var stream = await host.Store.ReadStreamAsync(id);
        Assert.Equal(1 + outcomes.Count(won => won), stream.Version);
        Assert.Equal(Enumerable.Range(1, (int)stream.Version).Select(v => (long)v), stream.Events.Select(e => e.Version));
        Assert.Single(stream.Events.Select(e => e.Event).OfType<ResponseRecorded>(), r => r.IsFirstResponse);
    }

    [Fact]
    public async Task Commands_on_an_unknown_ticket_are_refused()
    {
        var host = new TicketTestHost();
        var error = await Assert.ThrowsAsync<TicketNotFoundException>(() => host.Assign(TicketId.New()));
        Assert.Contains("has not been registered", error.Message);
        Assert.Null(await host.Service.FindAsync(TicketId.New()));
    }

    [Fact]
    public async Task Every_event_carries_the_actor_the_instant_and_the_command()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var history = await host.Service.GetHistoryAsync(id);
        Assert.All(history, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Event.Actor));
            Assert.Equal(host.Clock.GetCurrentInstant(), e.Event.OccurredAt);
            Assert.NotEqual(Guid.Empty, e.Event.CommandId);
            Assert.Equal(id, e.Event.TicketId);
        });
        Assert.Equal(history.Select((_, i) => (long)i + 1), history.Select(e => e.Version));
    }

    [Fact]
    public async Task Replay_of_the_history_rebuilds_the_state()
    {
        var host = new TicketTestHost();
        var id = await host.Resolved();
        var last = await host.Revisit(id, resolved: true, score: 1);
        var history = await host.Service.GetHistoryAsync(id);
        Assert.Equal(last.Ticket, Ticket.Replay(id, history.Select(e => e.Event)));
    }

    [Fact]
    public void Applying_an_event_of_another_ticket_is_refused()
    {
        var ticket = Ticket.Empty(TicketId.New());
        var other = new WorkStarted { TicketId = TicketId.New(), OccurredAt = Instant.FromUnixTimeSeconds(0), Actor = "a", CommandId = Guid.NewGuid() };
        var error = Assert.Throws<ArgumentException>(() => ticket.Apply(other));
        Assert.Contains("belongs to ticket", error.Message);
    }
}
