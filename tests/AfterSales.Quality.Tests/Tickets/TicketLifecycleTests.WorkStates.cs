using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.Tickets;

public sealed partial class TicketLifecycleTests
{
    [Fact]
    public async Task Pending_customer_pauses_and_resumes()
    {
        var host = new TicketTestHost();
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment());
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
    public async Task A_duplicate_of_an_unknown_feedback_number_or_of_itself_is_refused_and_nothing_is_appended()
    {
        var host = new TicketTestHost();
        var original = await host.Register();
        var duplicate = await host.Register();
        var originalNumber = (await host.Service.GetAsync(original)).FeedbackNumber;
        var ownNumber = (await host.Service.GetAsync(duplicate)).FeedbackNumber;

        var unknown = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(new MarkDuplicate { TicketId = duplicate, CommandId = Guid.NewGuid(), Actor = "agent-li", DuplicateOf = "F20991231999", Reason = "Same call twice" }));
        Assert.Equal("DuplicateOf", unknown.ParamName);
        Assert.Contains("'F20991231999' is not the feedback number of any ticket", unknown.Message, StringComparison.Ordinal);
        var itself = await Assert.ThrowsAsync<QualityValidationException>(() =>
            host.Run(new MarkDuplicate { TicketId = duplicate, CommandId = Guid.NewGuid(), Actor = "agent-li", DuplicateOf = ownNumber, Reason = "Same call twice" }));
        Assert.Contains("own feedback number", itself.Message, StringComparison.Ordinal);
        Assert.Single(await host.Service.GetHistoryAsync(duplicate));

        var marked = await host.Run(new MarkDuplicate { TicketId = duplicate, CommandId = Guid.NewGuid(), Actor = "agent-li", DuplicateOf = originalNumber, Reason = "Same call twice" });
        Assert.Equal((TicketState.Duplicate, originalNumber), (marked.Ticket.State, marked.Ticket.DuplicateOf));
    }
}
