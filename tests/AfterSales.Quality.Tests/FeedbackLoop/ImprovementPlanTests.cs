using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Tests.FeedbackLoop;

public sealed class ImprovementPlanTests
{
    private static (TicketTestHost Host, ImprovementPlanService Plans) Create(ImprovementPlanOptions? options = null)
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 1, 10, 30));
        options ??= new ImprovementPlanOptions();
        options.Numbering.TimeZone = TicketTestHost.Shanghai;
        options.AfterSalesLead = "lead-chen";
        return (host, new ImprovementPlanService(new InMemoryImprovementPlanStore(), host.Store, host.Store, host.Clock, options));
    }

    private static NewImprovementPlan Battery(params TicketId[] tickets) => new()
    {
        Title = "Battery batch defect",
        RootCause = "Cells of batch B-0215 lose capacity",
        Target = "No battery complaints from the batch after replacement",
        Measures = [new(MeasureKind.Technical, "Stop selling the batch"), new(MeasureKind.Process, "Free replacement for affected customers")],
        Department = "technical-support",
        Owner = "tech-lead-zhao",
        Tickets = tickets,
        PlannedStart = new LocalDate(2024, 3, 2),
        PlannedFinish = new LocalDate(2024, 3, 10),
        RootCauseBreakdowns = [new("FCR", [new("knowledge base", 0.4), new("cross-department", 0.3), new("skills", 0.3)])],
    };

    [Fact]
    public async Task Golden_IMP20240301001_runs_from_plan_to_customer_notifications()
    {
        var (host, plans) = Create();
        var first = await host.Register();
        var sameCustomer = await host.Register();
        var other = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant()) with { Contact = "13900001111" });

        var plan = await plans.CreateAsync(Battery(first, sameCustomer, other), "quality-manager");
        Assert.Equal(("IMP20240301001", 1L, ImprovementPlanStatus.NotStarted), (plan.Number, plan.Version, plan.RecordedStatus));
        Assert.Equal(["F20240301001", "F20240301002", "F20240301003"], plan.LinkedFeedback.Select(l => l.FeedbackNumber));

        await plans.StartAsync(plan.Id, "tech-lead-zhao");
        var withTask = await plans.AddTaskAsync(plan.Id, "Recall batch stock", "warehouse-wu", new LocalDate(2024, 3, 2), new LocalDate(2024, 3, 4), "recall report", "tech-lead-zhao");
        Assert.Equal(1, Assert.Single(withTask.Tasks).Number);
        await plans.CompleteTaskAsync(plan.Id, 1, new LocalDate(2024, 3, 4), "warehouse-wu");

        host.Clock.Reset(TicketTestHost.At(2024, 3, 9, 18, 0));
        var (done, notifications) = await plans.CompleteAsync(plan.Id, new LocalDate(2024, 3, 9), "tech-lead-zhao");
        Assert.Equal((ImprovementPlanStatus.Done, true, new LocalDate(2024, 3, 9)), (done.RecordedStatus, done.DoneOnTime, done.ActualFinish));
        Assert.Equal(ImprovementPlanStatus.Done, done.StatusOn(new LocalDate(2024, 3, 20)));
        Assert.Equal(2, notifications.Count); // two customers: one with two tickets
        Assert.Equal([2, 1], notifications.Select(n => n.Tickets.Count));
        Assert.All(notifications, n => Assert.Equal("IMP20240301001", n.PlanNumber));
        Assert.Equal(["created", "started", "task added: Recall batch stock", "task 1 completed", "done on 2024-03-09"], done.History.Select(h => h.Change));
        await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.CompleteAsync(plan.Id, new LocalDate(2024, 3, 9), "tech-lead-zhao"));
    }

    [Fact]
    public async Task A_new_plan_is_validated_field_by_field_and_nothing_is_stored()
    {
        var (host, plans) = Create();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => plans.CreateAsync(Battery(TicketId.New()) with
        {
            Title = "", Measures = [], PlannedFinish = new LocalDate(2024, 3, 1),
            RootCauseBreakdowns = [new("FCR", [new("knowledge base", 0.4), new("skills", 0.3)])],
        }, "qm"));
        Assert.Equal(["Title", "Measures", "PlannedFinish", "RootCauseBreakdowns[0].Causes", "Tickets[0]"], error.Errors.Select(e => e.Field));
        Assert.Contains("shares add up to 0.7, not 1", error.Message);
        Assert.Contains("has not been registered", error.Message);
    }

    [Fact]
    public async Task Delay_requests_need_a_day_of_notice_and_the_lead_decides()
    {
        var (host, plans) = Create();
        var plan = await plans.CreateAsync(Battery(await host.Register()), "qm");
        await plans.StartAsync(plan.Id, "tech-lead-zhao");

        host.Clock.Reset(TicketTestHost.At(2024, 3, 9, 23, 0));
        await plans.RequestDelayAsync(plan.Id, "Supplier late", new LocalDate(2024, 3, 15), "two more technicians", "tech-lead-zhao");
        var notLead = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.DecideDelayAsync(plan.Id, true, null, "tech-lead-zhao"));
        Assert.Equal("delay-approver", notLead.Rule);
        var approved = await plans.DecideDelayAsync(plan.Id, true, "ok", "lead-chen");
        Assert.Equal((new LocalDate(2024, 3, 15), new LocalDate(2024, 3, 10)), (approved.PlannedFinish, approved.OriginalPlannedFinish));
        Assert.Equal(ImprovementPlanStatus.Delayed, approved.StatusOn(new LocalDate(2024, 3, 11)));

        host.Clock.Reset(TicketTestHost.At(2024, 3, 15, 9, 0)); // the day of the (new) planned finish: too late
        var late = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.RequestDelayAsync(plan.Id, "again", new LocalDate(2024, 3, 20), null, "tech-lead-zhao"));
        Assert.Equal("delay-deadline", late.Rule);
        Assert.Contains("by 2024-03-14; it is 2024-03-15", late.Message);
        Assert.Single((await plans.GetAsync(plan.Id)).DelayRequests);
        var (done, _) = await plans.CompleteAsync(plan.Id, new LocalDate(2024, 3, 14), "tech-lead-zhao");
        Assert.False(done.DoneOnTime);
    }

    [Fact]
    public async Task Concurrent_changes_to_one_plan_never_both_win()
    {
        var store = new InMemoryImprovementPlanStore();
        var (host, _) = Create();
        var plans = new ImprovementPlanService(store, host.Store, host.Store, host.Clock, new ImprovementPlanOptions { AfterSalesLead = "lead" });
        var plan = await plans.CreateAsync(Battery(await host.Register()), "qm");
        await Assert.ThrowsAsync<ImprovementPlanConcurrencyException>(async () => await store.SaveAsync(plan, 0));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Task.Yield();
                await plans.AddTaskAsync(plan.Id, $"task {i}", "x", new LocalDate(2024, 3, 2), new LocalDate(2024, 3, 3), null, "qm");
                return 1;
            }
            catch (ImprovementPlanConcurrencyException)
            {
                return 0;
            }
        }));
        var stored = await plans.GetAsync(plan.Id);
        Assert.Equal(results.Sum(), stored.Tasks.Count);
        Assert.Equal(1 + results.Sum(), stored.Version);
    }
}
