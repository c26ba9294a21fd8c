using AfterSales.Quality.Calendars;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;
using static AfterSales.Quality.Tests.Tickets.TicketTestHost;

namespace AfterSales.Quality.Tests.FeedbackLoop;

public sealed class ImprovementVerificationTests
{
    private static ImprovementPlan Plan(LocalDate start, LocalDate plannedFinish, LocalDate? done) => new()
    {
        Id = ImprovementPlanId.New(), Number = "IMP20240301001", Version = 1, Title = "t", RootCause = "r", Target = "t",
        Measures = [new(MeasureKind.Technical, "m")], Department = "d", Owner = "o", LinkedFeedback = [],
        PlannedStart = start, OriginalPlannedFinish = plannedFinish, PlannedFinish = plannedFinish, ActualFinish = done,
        RecordedStatus = done is null ? ImprovementPlanStatus.InProgress : ImprovementPlanStatus.Done,
    };

    [Fact]
    public void The_effect_compares_the_scope_before_and_after_side_by_side()
    {
        var table = new FactTable();
        TicketFact Fact(LocalDate day, ushort product, bool fcr) => new()
        {
            ReceivedMinute = (int)((Shanghai.AtStartOfDay(day).ToInstant() + Duration.FromHours(10) - TicketFact.Epoch).TotalMinutes),
            RawFirstResponseSeconds = fcr ? 600 : 3600, RawHandlingSeconds = 7200, Product = product, RecommendationCode = 255,
            Flags = FactFlags.Resolved | (fcr ? FactFlags.FirstContactResolution : 0),
        };
        for (var i = 0; i < 20; i++)
        {
            table.Add(Fact(new LocalDate(2024, 2, 10).PlusDays(i), 0, fcr: i % 2 == 0)); // before: 50 % FCR
            table.Add(Fact(new LocalDate(2024, 3, 11).PlusDays(i), 0, fcr: i % 10 != 0)); // after: 90 % FCR
            table.Add(Fact(new LocalDate(2024, 3, 11).PlusDays(i), 1, fcr: false)); // another product: out of scope
        }

        var plan = Plan(new LocalDate(2024, 3, 2), new LocalDate(2024, 3, 10), new LocalDate(2024, 3, 9));
        var effect = ImprovementVerification.Verify(plan, table, new Dictionary<FactDimension, IReadOnlySet<int>> { [FactDimension.Product] = new HashSet<int> { 0 } }, Shanghai, Period.FromDays(30));
        var fcr = effect.Changes.Single(c => c.Metric == KpiMetric.FirstContactResolution);
        Assert.Equal((0.5, 0.9), (fcr.Before!.Value, fcr.After!.Value));
        Assert.Equal(0.4, fcr.Change!.Value, 9);
        Assert.Equal((20L, 20L), (effect.BeforeValues.Tickets, effect.AfterValues.Tickets));
        Assert.Equal(At(2024, 3, 10, 0, 0), effect.After.Start);
        Assert.Null(effect.Changes.Single(c => c.Metric == KpiMetric.CsatMean).Change); // no survey data: no change, no NaN
        Assert.Throws<InvalidOperationException>(() => ImprovementVerification.Verify(Plan(new LocalDate(2024, 3, 2), new LocalDate(2024, 3, 10), null), table, new Dictionary<FactDimension, IReadOnlySet<int>>(), Shanghai, Period.FromDays(30)));
    }

    [Fact]
    public void Improvement_completion_counts_plans_done_by_their_original_planned_finish()
    {
        var plans = new[]
        {
            Plan(new LocalDate(2024, 3, 2), new LocalDate(2024, 3, 10), new LocalDate(2024, 3, 9)),
            Plan(new LocalDate(2024, 3, 3), new LocalDate(2024, 3, 5), new LocalDate(2024, 3, 5)),
            Plan(new LocalDate(2024, 3, 3), new LocalDate(2024, 3, 8), new LocalDate(2024, 3, 12)),
            Plan(new LocalDate(2024, 3, 3), new LocalDate(2024, 3, 20), null),
        };
        Assert.Equal(new ImprovementCompletion(3, 2, 2.0 / 3), ImprovementVerification.Completion(plans, new LocalDate(2024, 3, 15)));
        Assert.Equal(new ImprovementCompletion(0, 0, null), ImprovementVerification.Completion(plans, new LocalDate(2024, 3, 1)));
    }

    [Property(MaxTest = 150)]
    public void A_delay_request_after_the_one_working_day_limit_is_always_refused(byte finishOffset, byte requestOffset)
    {
        var china = ChinaMainlandHolidays.Calendar();
        var finish = new LocalDate(2024, 1, 10).PlusDays(finishOffset % 700);
        var requested = finish.PlusDays(-(requestOffset % 12));
        var host = new TicketTestHost(At(2024, 1, 2, 10, 0));
        var options = new ImprovementPlanOptions { Calendar = china, AfterSalesLead = "lead" };
        options.Numbering.TimeZone = Shanghai;
        var plans = new ImprovementPlanService(new InMemoryImprovementPlanStore(), host.Store, host.Store, host.Clock, options);
        var ticket = host.Register().GetAwaiter().GetResult();
        var plan = plans.CreateAsync(new NewImprovementPlan
        {
            Title = "t", RootCause = "r", Target = "t", Measures = [new(MeasureKind.Process, "m")], Department = "d", Owner = "o",
            Tickets = [ticket], PlannedStart = new LocalDate(2024, 1, 3), PlannedFinish = finish,
        }, "qm").GetAwaiter().GetResult();

        host.Clock.Reset(Shanghai.AtStartOfDay(requested).ToInstant() + Duration.FromHours(20));
        var deadline = china.AddWorkingDays(finish, -1);
        Assert.Equal(deadline, plans.DelayRequestDeadline(finish));
        var attempt = Record.Exception(() => plans.RequestDelayAsync(plan.Id, "late supplier", finish.PlusDays(7), null, "o").GetAwaiter().GetResult());
        if (requested > deadline)
        {
            Assert.Equal("delay-deadline", Assert.IsType<ImprovementPlanRuleException>(attempt).Rule);
            Assert.Empty(plans.GetAsync(plan.Id).GetAwaiter().GetResult().DelayRequests);
        }
        else
        {
            Assert.Null(attempt);
        }
    }

    [Fact]
    public async Task The_two_golden_cases_end_to_end_give_the_guides_kpis()
    {
        var host = new TicketTestHost(At(2024, 3, 1, 10, 30));
        var plans = new ImprovementPlanService(new InMemoryImprovementPlanStore(), host.Store, host.Store, host.Clock, new ImprovementPlanOptions { AfterSalesLead = "lead", Numbering = new() { TimeZone = Shanghai } });
        var battery = await host.Register();
        await host.Triage(battery, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        host.Clock.Reset(At(2024, 3, 1, 14, 15));
        var install = await host.Register(Intake(At(2024, 3, 1, 14, 15), "air-conditioner installation") with { Channel = ServiceChannel.OnlineChat });
        await host.Triage(install, TicketCategory.ServiceExperience, new PriorityAssessment());
        foreach (var id in new[] { battery, install })
        {
            await host.Assign(id);
            await host.Start(id);
            await host.Respond(id);
        }

        var imp1 = await plans.CreateAsync(new NewImprovementPlan { Title = "Battery batch", RootCause = "defective batch", Target = "no repeat", Measures = [new(MeasureKind.Technical, "stop selling the batch, free replacement")], Department = "technical-support", Owner = "tech-lead", Tickets = [battery], PlannedStart = new LocalDate(2024, 3, 2), PlannedFinish = new LocalDate(2024, 3, 10) }, "qm");
        host.Clock.Reset(At(2024, 3, 3, 9, 0));
        var imp2 = await plans.CreateAsync(new NewImprovementPlan { Title = "Installation standard", RootCause = "no uniform, no briefing", Target = "briefing every time", Measures = [new(MeasureKind.Process, "revise the standard"), new(MeasureKind.People, "train installers")], Department = "service-supervisor", Owner = "supervisor", Tickets = [install], PlannedStart = new LocalDate(2024, 3, 3), PlannedFinish = new LocalDate(2024, 3, 5) }, "qm");
        Assert.Equal(("IMP20240301001", "IMP20240303001"), (imp1.Number, imp2.Number));

        host.Clock.Reset(At(2024, 3, 5, 17, 0));
        await host.Resolve(install, "Standard revised; installers trained; briefing given.");
        var (done2, notify2) = await plans.CompleteAsync(imp2.Id, new LocalDate(2024, 3, 5), "supervisor");
        host.Clock.Reset(At(2024, 3, 6, 10, 30));
        await host.Revisit(install, resolved: true, score: 4, RevisitMethod.Online);
        await host.Close(install);
        host.Clock.Reset(At(2024, 3, 9, 18, 0));
        var (done1, notify1) = await plans.CompleteAsync(imp1.Id, new LocalDate(2024, 3, 9), "tech-lead");
        host.Clock.Reset(At(2024, 3, 10, 16, 0));
        await host.Resolve(battery, "Battery replaced free of charge.");
        host.Clock.Reset(At(2024, 3, 11, 15, 0));
        await host.Revisit(battery, resolved: true, score: 5);
        await host.Close(battery);
        Assert.Equal((1, 1), (notify1.Count, notify2.Count));

        var dimensions = new FactDimensions();
        var facts = new FactTable();
        foreach (var id in new[] { battery, install })
        {
            facts.Add(dimensions.ToFact(TicketOutcome.Measure((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray(), SlaPolicySet.Default, host.Clock.GetCurrentInstant())));
        }

        var kpis = KpiEngine.Aggregate(facts, new KpiQuery()).Single().Values;
        Assert.Equal((2L, 1.0, 1.0, 0.0, 1.0), (kpis.Tickets, kpis.ResolutionRate!.Value, kpis.FirstContactResolutionRate!.Value, kpis.ComplaintRate!.Value, kpis.RevisitOnTimeRate!.Value));
        Assert.Equal(new ImprovementCompletion(2, 2, 1.0), ImprovementVerification.Completion([done1, done2], new LocalDate(2024, 3, 31)));
    }
}
