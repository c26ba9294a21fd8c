using AfterSales.Quality.Calendars;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.FeedbackLoop;

/// <summary>
/// Improvement plans as table 3 and template 3 of the guides write them: tasks with their own status
/// and delays, the review of cross-department plans, expected effect, resources, verification and
/// remarks, plans raised from an unmet KPI, and delay deadlines on the desk's business calendar.
/// </summary>
public sealed class ImprovementPlanGuideTests
{
    private const string Lead = "after-sales-lead";

    /// <summary>The desk: a ticket service on the China mainland business calendar, and plans on its SLA policies.</summary>
    private static (TicketTestHost Host, ImprovementPlanService Plans) Desk(BusinessCalendar? deskCalendar = null)
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var policies = SlaPolicySet.Default.WithCalendar(SlaPolicySet.DefaultCalendarName, deskCalendar ?? ChinaMainlandHolidays.Calendar());
        var desk = new AfterSales.Quality.Service.TicketService(host.Store, host.Store, host.Clock, host.Service.Options, slaPolicies: policies);
        var options = new ImprovementPlanOptions { AfterSalesLead = Lead };
        options.Numbering.TimeZone = Shanghai;
        return (host, new ImprovementPlanService(new InMemoryImprovementPlanStore(), host.Store, host.Store, host.Clock, options, desk.SlaPolicies));
    }

    /// <summary>Table 3's IMP20240301001: technical support with sales, answering F20240301001.</summary>
    private static NewImprovementPlan Table3Battery(TicketId feedback) => new()
    {
        Title = "电池批次异常",
        RootCause = "电池批次异常,导致充电效率低",
        Target = "该批次客户电池问题全部解决",
        ExpectedEffect = "同类电池反馈不再出现",
        Measures = [new(MeasureKind.Technical, "停售问题批次电池"), new(MeasureKind.Process, "为已购买客户提供免费更换")],
        Department = "技术支持部",
        CooperatingDepartments = ["销售部"],
        Owner = "工程师*",
        Tickets = [feedback],
        PlannedStart = new LocalDate(2024, 3, 2),
        PlannedFinish = new LocalDate(2024, 3, 10),
        Resources = "备用电池500块",
        VerificationMethod = "回访确认电池已更换",
    };

    [Fact]
    public async Task Table_3_battery_plan_is_reviewed_across_departments_tracked_by_task_and_remarked_when_done()
    {
        var (host, plans) = Desk();
        var feedback = await host.Register();
        var plan = await plans.CreateAsync(Table3Battery(feedback), "售后管理员*");
        Assert.Equal(("IMP20240301001", true, false), (plan.Number, plan.RequiresReview, plan.ReviewApproved));
        Assert.Equal(["销售部"], plan.CooperatingDepartments);
        Assert.Equal(("同类电池反馈不再出现", "备用电池500块", "回访确认电池已更换"), (plan.ExpectedEffect, plan.Resources, plan.VerificationMethod));
        Assert.NotEqual(plan.Target, plan.ExpectedEffect);

        // A cross-department plan starts only after the after-sales lead's review approved it.
        var unreviewed = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.StartAsync(plan.Id, "工程师*"));
        Assert.Equal("plan-review", unreviewed.Rule);
        var notLead = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.ReviewAsync(plan.Id, true, ["技术支持部"], null, "工程师*"));
        Assert.Equal("plan-reviewer", notLead.Rule);
        await plans.ReviewAsync(plan.Id, false, ["技术支持部", "销售部"], "备件未落实", Lead);
        Assert.Equal("plan-review", (await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.StartAsync(plan.Id, "工程师*"))).Rule);
        var reviewed = await plans.ReviewAsync(plan.Id, true, ["技术支持部", "销售部", "运营部"], "方案可行,资源匹配", Lead);
        Assert.Equal((true, 2), (reviewed.ReviewApproved, reviewed.Reviews.Count));
        Assert.Equal(["技术支持部", "销售部", "运营部"], reviewed.Reviews[^1].Participants);
        await plans.StartAsync(plan.Id, "工程师*");
        Assert.Equal("status", (await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.ReviewAsync(plan.Id, true, null, null, Lead))).Rule);

        // Tasks carry their own status: 进行中 / 已完成 / 延期.
        await plans.AddTaskAsync(plan.Id, "停售问题批次电池", "经理*", new LocalDate(2024, 3, 2), new LocalDate(2024, 3, 4), "停售通知", "工程师*");
        await plans.AddTaskAsync(plan.Id, "为已购买客户免费更换", "工程师*", new LocalDate(2024, 3, 4), new LocalDate(2024, 3, 8), "更换记录", "工程师*");
        var started = await plans.StartTaskAsync(plan.Id, 1, "经理*");
        Assert.Equal([ImprovementPlanStatus.InProgress, ImprovementPlanStatus.NotStarted], started.Tasks.Select(t => t.StatusOn(new LocalDate(2024, 3, 3))));
        Assert.Equal("task-status", (await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.StartTaskAsync(plan.Id, 1, "经理*"))).Rule);
        var firstDone = await plans.CompleteTaskAsync(plan.Id, 1, new LocalDate(2024, 3, 4), "经理*");
        Assert.Equal(ImprovementPlanStatus.Done, firstDone.Tasks[0].RecordedStatus);
        Assert.Equal(ImprovementPlanStatus.Delayed, firstDone.Tasks[1].StatusOn(new LocalDate(2024, 3, 9))); // past its planned finish
        await plans.CompleteTaskAsync(plan.Id, 2, new LocalDate(2024, 3, 8), "工程师*");

        host.Clock.Reset(At(2024, 3, 9, 18, 0));
        var (done, notifications) = await plans.CompleteAsync(plan.Id, new LocalDate(2024, 3, 9), "工程师*");
        Assert.Equal((ImprovementPlanStatus.Done, true, 1), (done.StatusOn(new LocalDate(2024, 3, 9)), done.DoneOnTime, notifications.Count));
        var remarked = await plans.SetRemarksAsync(plan.Id, "提前1天完成,客户满意度4.5分", "售后管理员*");
        Assert.Equal("提前1天完成,客户满意度4.5分", remarked.Remarks);
        Assert.Equal(["created", "review sent back", "review approved", "started", "task added: 停售问题批次电池", "task added: 为已购买客户免费更换", "task 1 started", "task 1 completed", "task 2 completed", "done on 2024-03-09", "remarks set"], remarked.History.Select(h => h.Change));
        Assert.Equal("remarks", Assert.Throws<QualityValidationException>(() => plans.SetRemarksAsync(plan.Id, "bad\u0000text", "a").GetAwaiter().GetResult()).Errors.Single().Field);
    }

    [Fact]
    public async Task Table_3_installation_plan_in_one_department_starts_without_a_review_unless_asked()
    {
        var (host, plans) = Desk();
        host.Clock.Reset(At(2024, 3, 1, 14, 15));
        var feedback = await host.Register();
        var installation = new NewImprovementPlan
        {
            Title = "安装服务规范未落地执行", RootCause = "安装服务规范未落地执行", Target = "安装投诉清零",
            Measures = [new(MeasureKind.Process, "修订安装服务规范"), new(MeasureKind.People, "对安装师傅进行培训")],
            Department = "客服部", Owner = "主管*", Tickets = [feedback], PlannedStart = new LocalDate(2024, 3, 3), PlannedFinish = new LocalDate(2024, 3, 5),
        };
        var plan = await plans.CreateAsync(installation, "售后管理员*");
        Assert.False(plan.RequiresReview);
        Assert.Equal(ImprovementPlanStatus.InProgress, (await plans.StartAsync(plan.Id, "主管*")).RecordedStatus);

        var large = await plans.CreateAsync(installation with { RequiresReview = true }, "售后管理员*");
        Assert.Equal("plan-review", (await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.StartAsync(large.Id, "主管*"))).Rule);
        var withOwn = await Assert.ThrowsAsync<QualityValidationException>(() => plans.CreateAsync(installation with { CooperatingDepartments = ["人力资源部", "客服部", "人力资源部", " "] }, "a"));
        Assert.Equal(["CooperatingDepartments[2]", "CooperatingDepartments[3]", "CooperatingDepartments"], withOwn.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task A_task_files_its_own_delay_a_working_day_ahead_and_only_that_task_is_delayed()
    {
        var (host, plans) = Desk();
        var plan = await plans.CreateAsync(Table3Battery(await host.Register()) with { CooperatingDepartments = [], PlannedFinish = new LocalDate(2024, 3, 15) }, "qm");
        await plans.StartAsync(plan.Id, "工程师*");
        await plans.AddTaskAsync(plan.Id, "为已购买客户免费更换", "工程师*", new LocalDate(2024, 3, 4), new LocalDate(2024, 3, 11), null, "工程师*");

        // Task 1 finishes Monday 2024-03-11: its request is due by Friday 03-08; Sunday 03-10 is late.
        host.Clock.Reset(At(2024, 3, 10, 10, 0));
        var late = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.RequestTaskDelayAsync(plan.Id, 1, "备件延迟到货", new LocalDate(2024, 3, 13), "加派1名工程师", "工程师*"));
        Assert.Equal("delay-deadline", late.Rule);
        Assert.Contains("task 1's planned finish 2024-03-11, i.e. by 2024-03-08; it is 2024-03-10", late.Message, StringComparison.Ordinal);

        host.Clock.Reset(At(2024, 3, 8, 17, 0));
        var beyond = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.RequestTaskDelayAsync(plan.Id, 1, "备件延迟到货", new LocalDate(2024, 3, 18), null, "工程师*"));
        Assert.Equal("task-after-plan", beyond.Rule);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => plans.RequestTaskDelayAsync(plan.Id, 9, "x", new LocalDate(2024, 3, 13), null, "工程师*"));
        var requested = await plans.RequestTaskDelayAsync(plan.Id, 1, "备件延迟到货", new LocalDate(2024, 3, 13), "加派1名工程师", "工程师*");
        Assert.Equal((1, (int?)1, DelayDecision.Pending), (requested.DelayRequests.Single().Number, requested.DelayRequests.Single().TaskNumber, requested.DelayRequests.Single().Decision));
        Assert.Equal("delay-pending", (await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.RequestDelayAsync(plan.Id, "x", new LocalDate(2024, 3, 20), null, "工程师*"))).Rule);

        var approved = await plans.DecideDelayAsync(plan.Id, true, "同意", Lead);
        var task = approved.Tasks.Single();
        Assert.Equal(ImprovementPlanStatus.InProgress, (await plans.StartTaskAsync(plan.Id, 1, "工程师*")).Tasks.Single().RecordedStatus); // a delayed task still starts
        Assert.Equal((new LocalDate(2024, 3, 13), 1, ImprovementPlanStatus.Delayed), (task.PlannedFinish, task.ApprovedDelays, task.StatusOn(new LocalDate(2024, 3, 9))));
        Assert.Equal((new LocalDate(2024, 3, 15), ImprovementPlanStatus.InProgress), (approved.PlannedFinish, approved.StatusOn(new LocalDate(2024, 3, 9)))); // the plan keeps its finish and is not delayed

        await plans.CompleteTaskAsync(plan.Id, 1, new LocalDate(2024, 3, 12), "工程师*");
        var doneTask = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.RequestTaskDelayAsync(plan.Id, 1, "again", new LocalDate(2024, 3, 14), null, "工程师*"));
        Assert.Equal("task-status", doneTask.Rule);
        var invalid = await Assert.ThrowsAsync<QualityValidationException>(() => plans.RequestTaskDelayAsync(plan.Id, 1, "", new LocalDate(2024, 3, 14), new string('r', 8001), "工程师*"));
        Assert.Equal(["reason", "resources"], invalid.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task Template_3_plans_are_raised_from_unmet_kpis_without_linked_feedback()
    {
        // Template 1's measurement table: FRT 35 s against ≤ 30 s and FCR 78 % against ≥ 85 % are unmet.
        KpiMeasurementRow Row(KpiMetric metric, TargetDirection direction, double target, double actual, bool met) =>
            new(KpiDefinitions.Of(metric), KpiMeasurementTable.FormulaOf(metric), "客服系统", new KpiTarget(metric, direction, target), actual, met);
        var unmet = new[] { Row(KpiMetric.FirstResponseTime, TargetDirection.AtMost, 30, 35, false), Row(KpiMetric.FirstContactResolution, TargetDirection.AtLeast, 0.85, 0.78, false), Row(KpiMetric.ResolutionRate, TargetDirection.AtLeast, 0.9, 0.95, true) }
            .Where(r => r.Met == false).Select(r => r.Metric).ToArray();
        Assert.Equal([KpiMetric.FirstResponseTime, KpiMetric.FirstContactResolution], unmet);

        var (_, plans) = Desk();
        var frt = await plans.CreateAsync(new NewImprovementPlan
        {
            Title = "首次响应时长过长", UnmetKpi = unmet[0],
            RootCause = "客服同时接待客户数过多", Target = "首次响应时长≤30秒",
            Measures = [new(MeasureKind.People, "增加在线客服2人"), new(MeasureKind.Technical, "优化智能分流规则")],
            Department = "客服部", Owner = "客服主管*", PlannedStart = new LocalDate(2024, 4, 1), PlannedFinish = new LocalDate(2024, 4, 30),
            Resources = "人力成本+系统配置", VerificationMethod = "系统监控响应时长变化",
        }, "quality-manager");
        Assert.Equal((KpiMetric.FirstResponseTime, 0, "人力成本+系统配置", "系统监控响应时长变化"), (frt.UnmetKpi, frt.LinkedFeedback.Count, frt.Resources, frt.VerificationMethod));

        var fcr = await plans.CreateAsync(new NewImprovementPlan
        {
            Title = "工单一次性解决率低", UnmetKpi = unmet[1],
            RootCause = "知识库更新不及时", Target = "工单一次性解决率≥85%",
            Measures = [new(MeasureKind.Process, "每周五新增10个高频问题解答"), new(MeasureKind.People, "组织客服培训")],
            Department = "客服部", Owner = "培训师*", PlannedStart = new LocalDate(2024, 4, 1), PlannedFinish = new LocalDate(2024, 4, 15),
            Resources = "培训材料+知识库权限", VerificationMethod = "抽查工单解决率提升情况",
            RootCauseBreakdowns = [new("FCR", [new("knowledge base", 0.4), new("cross-department", 0.3), new("skills", 0.3)])],
        }, "quality-manager");
        Assert.Equal(["IMP20240301001", "IMP20240301002"], new[] { frt.Number, fcr.Number });
        await plans.StartAsync(fcr.Id, "培训师*");
        var (done, notifications) = await plans.CompleteAsync(fcr.Id, new LocalDate(2024, 4, 12), "培训师*");
        Assert.Empty(notifications); // no feedback linked: no customer to tell
        Assert.True(done.DoneOnTime);

        var neither = await Assert.ThrowsAsync<QualityValidationException>(() => plans.CreateAsync(new NewImprovementPlan
        {
            Title = "t", RootCause = "r", Target = "x", Measures = [new(MeasureKind.Process, "m")], Department = "d", Owner = "o",
            PlannedStart = new LocalDate(2024, 4, 1), PlannedFinish = new LocalDate(2024, 4, 2), UnmetKpi = (KpiMetric)999, ExpectedEffect = "", Resources = "a\u0001", VerificationMethod = new string('v', 8001), Remarks = "ok",
        }, "qm"));
        Assert.Equal(["ExpectedEffect", "Resources", "VerificationMethod", "UnmetKpi"], neither.Errors.Select(e => e.Field));
        var noLink = await Assert.ThrowsAsync<QualityValidationException>(() => plans.CreateAsync(new NewImprovementPlan
        {
            Title = "t", RootCause = "r", Target = "x", Measures = [new(MeasureKind.Process, "m")], Department = "d", Owner = "o",
            PlannedStart = new LocalDate(2024, 4, 1), PlannedFinish = new LocalDate(2024, 4, 2),
        }, "qm"));
        Assert.Contains("needs at least one linked ticket, or the UnmetKpi the plan is raised from", noLink.Message, StringComparison.Ordinal);
        var tooLong = await Assert.ThrowsAsync<QualityValidationException>(() => plans.CreateAsync(new NewImprovementPlan
        {
            Title = new string('t', 201), RootCause = "r\u0000", Target = "x", Measures = [new(MeasureKind.Process, "m\u0007")], Department = "d", Owner = "o", UnmetKpi = KpiMetric.ComplaintRate,
            PlannedStart = new LocalDate(2024, 4, 1), PlannedFinish = new LocalDate(2024, 4, 2),
        }, "qm"));
        Assert.Equal(["Title", "RootCause", "Measures[0].Description"], tooLong.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task Plans_use_the_desks_business_calendar_so_a_sunday_request_for_a_monday_finish_is_late()
    {
        // Monday 2024-03-11 finish; the request must be filed by Friday 03-08 on a Monday-Friday desk.
        var (host, plans) = Desk();
        Assert.Equal("china-mainland", plans.Calendar.Name);
        var plan = await plans.CreateAsync(Table3Battery(await host.Register()) with { CooperatingDepartments = [], PlannedFinish = new LocalDate(2024, 3, 11) }, "qm");
        host.Clock.Reset(At(2024, 3, 10, 10, 0)); // Sunday
        var late = await Assert.ThrowsAsync<ImprovementPlanRuleException>(() => plans.RequestDelayAsync(plan.Id, "备件延迟", new LocalDate(2024, 3, 15), null, "工程师*"));
        Assert.Equal("delay-deadline", late.Rule);
        Assert.Contains("by 2024-03-08; it is 2024-03-10 (working days of the china-mainland calendar)", late.Message, StringComparison.Ordinal);
        host.Clock.Reset(At(2024, 3, 8, 17, 0)); // Friday
        Assert.Single((await plans.RequestDelayAsync(plan.Id, "备件延迟", new LocalDate(2024, 3, 15), null, "工程师*")).DelayRequests);

        // A team calendar set on the options wins; without the desk's policies, 24x7 in the numbering zone (the TicketService fallback).
        var options = new ImprovementPlanOptions { AfterSalesLead = Lead, Calendar = BusinessCalendar.TwentyFourSeven(Shanghai, "team") };
        Assert.Equal("team", new ImprovementPlanService(new InMemoryImprovementPlanStore(), host.Store, host.Store, host.Clock, options, SlaPolicySet.Default).Calendar.Name);
        var bare = new ImprovementPlanOptions { AfterSalesLead = Lead };
        bare.Numbering.TimeZone = Shanghai;
        var fallback = new ImprovementPlanService(new InMemoryImprovementPlanStore(), host.Store, host.Store, host.Clock, bare).Calendar;
        Assert.Equal((Shanghai, true), (fallback.Zone, fallback.IsWorkingDay(new LocalDate(2024, 3, 10))));
    }
}
