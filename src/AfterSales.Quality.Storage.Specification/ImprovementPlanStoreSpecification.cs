using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Tickets;
using NodaTime;
using Xunit;

namespace AfterSales.Quality.Storage.Specification;

/// <summary>
/// The improvement-plan storage contract as reusable xunit tests. Derive one class, return a
/// fresh, empty store from <see cref="CreatePlanStoreAsync"/>, and every test here runs against
/// it: exact round trips, optimistic concurrency (one winner per version, nothing written by the
/// loser), listing, bad arguments and cancellation. Every test is <c>public virtual</c>.
/// </summary>
/// <typeparam name="TStore">The store type.</typeparam>
public abstract class ImprovementPlanStoreSpecification<TStore>
    where TStore : class, IImprovementPlanStore
{
    private static readonly Instant Start = Instant.FromUtc(2024, 3, 1, 2, 30) + Duration.FromNanoseconds(123_456_789);

    /// <summary>Creates a fresh, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<TStore> CreatePlanStoreAsync();

    /// <summary>How many writers the concurrency tests run. Default 8.</summary>
    protected virtual int Writers => 8;

    /// <summary>A plan with every field set (tasks, delay requests, breakdowns, history), at version 1.</summary>
    /// <param name="id">The plan's id.</param>
    /// <returns>The plan.</returns>
    public static ImprovementPlan FullPlan(ImprovementPlanId id) => new()
    {
        Id = id,
        Number = "IMP20240301001",
        Version = 1,
        Title = "Battery complaints — 电池",
        RootCause = "Charger firmware throttles at 20 %",
        Target = "Charging complaints below 1 % of tickets by Q3",
        Measures = [new ImprovementMeasure(MeasureKind.Technical, "firmware 2.1"), new ImprovementMeasure(MeasureKind.People, "train the hotline")],
        Department = "technical-support",
        Owner = "lead-wang",
        LinkedFeedback = [new LinkedFeedback(TicketId.New(), "F20240301001"), new LinkedFeedback(TicketId.New(), "F20240301002")],
        PlannedStart = new LocalDate(2024, 3, 4),
        OriginalPlannedFinish = new LocalDate(2024, 4, 30),
        PlannedFinish = new LocalDate(2024, 5, 15),
        ActualFinish = new LocalDate(2024, 5, 10),
        RecordedStatus = ImprovementPlanStatus.Done,
        Tasks =
        [
            new ImprovementTask { Number = 1, Description = "patch", Executor = "dev", PlannedStart = new LocalDate(2024, 3, 4), PlannedFinish = new LocalDate(2024, 3, 29), Deliverable = "release 2.1", CompletedOn = new LocalDate(2024, 3, 28), RecordedStatus = ImprovementPlanStatus.Done },
            new ImprovementTask { Number = 2, Description = "training", Executor = "hr", PlannedStart = new LocalDate(2024, 4, 1), PlannedFinish = new LocalDate(2024, 5, 6), RecordedStatus = ImprovementPlanStatus.InProgress, ApprovedDelays = 1 },
        ],
        DelayRequests =
        [
            new DelayRequest
            {
                Number = 1, Reason = "supplier late", NewPlannedFinish = new LocalDate(2024, 5, 15), Resources = "one more engineer", RequestedBy = "lead-wang",
                RequestedAt = Start + Duration.FromDays(50), Decision = DelayDecision.Approved, DecidedBy = "after-sales-lead", DecidedAt = Start + Duration.FromDays(51) + Duration.FromTicks(1), DecisionNote = "ok",
            },
            new DelayRequest { Number = 2, Reason = "again", NewPlannedFinish = new LocalDate(2024, 6, 1), RequestedBy = "lead-wang", RequestedAt = Start + Duration.FromDays(60) },
            new DelayRequest
            {
                Number = 3, TaskNumber = 2, Reason = "trainer ill", NewPlannedFinish = new LocalDate(2024, 5, 6), RequestedBy = "hr", RequestedAt = Start + Duration.FromDays(55),
                Decision = DelayDecision.Approved, DecidedBy = "after-sales-lead", DecidedAt = Start + Duration.FromDays(56),
            },
        ],
        UnmetKpi = AfterSales.Quality.Kpi.KpiMetric.FirstContactResolution,
        CooperatingDepartments = ["sales", "human-resources"],
        RequiresReview = true,
        Reviews =
        [
            new PlanReview { Approved = false, ReviewedBy = "after-sales-lead", ReviewedAt = Start + Duration.FromHours(3), Participants = ["technical-support"], Note = "no budget yet" },
            new PlanReview { Approved = true, ReviewedBy = "after-sales-lead", ReviewedAt = Start + Duration.FromDays(1) + Duration.FromNanoseconds(7), Participants = ["technical-support", "sales"], Note = "resourced" },
        ],
        ExpectedEffect = "Repeat battery tickets halve — 电池重复反馈减半",
        Resources = "one engineer + firmware test rig",
        VerificationMethod = "monitor battery tickets per week in the KPI report",
        Remarks = "提前1天完成,客户满意度4.5分",
        RootCauseBreakdowns = [new RootCauseBreakdown("FCR", [new RootCauseShare("knowledge base", 0.4), new RootCauseShare("cross-department", 0.3), new RootCauseShare("skills", 0.30000000000000004)])],
        History = [new PlanChange(Start, "lead-wang", "created"), new PlanChange(Start + Duration.FromDays(51), "after-sales-lead", "delay 1 approved")],
    };

    /// <summary>Asserts two plans are equal field by field, lists element by element.</summary>
    /// <param name="expected">The expected plan.</param>
    /// <param name="actual">The plan read back.</param>
    public static void AssertSamePlan(ImprovementPlan expected, ImprovementPlan? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(Scalars(expected), Scalars(actual));
        Assert.Equal(expected.Measures, actual.Measures);
        Assert.Equal(expected.LinkedFeedback, actual.LinkedFeedback);
        Assert.Equal(expected.Tasks, actual.Tasks);
        Assert.Equal(expected.DelayRequests, actual.DelayRequests);
        Assert.Equal(expected.History, actual.History);
        Assert.Equal(expected.CooperatingDepartments, actual.CooperatingDepartments);
        Assert.Equal(expected.Reviews.Count, actual.Reviews.Count);
        for (var i = 0; i < expected.Reviews.Count; i++)
        {
            Assert.Equal(expected.Reviews[i] with { Participants = [] }, actual.Reviews[i] with { Participants = [] });
            Assert.Equal(expected.Reviews[i].Participants, actual.Reviews[i].Participants);
        }
        Assert.Equal(expected.RootCauseBreakdowns.Select(b => b.Kpi), actual.RootCauseBreakdowns.Select(b => b.Kpi));
        for (var i = 0; i < expected.RootCauseBreakdowns.Count; i++)
        {
            Assert.Equal(expected.RootCauseBreakdowns[i].Causes, actual.RootCauseBreakdowns[i].Causes);
        }
    }

    /// <summary>A plan with every field set reads back exactly, and an update replaces it.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_plan_round_trips_exactly_and_an_update_replaces_it()
    {
        var store = await CreatePlanStoreAsync();
        var plan = FullPlan(ImprovementPlanId.New());
        await store.SaveAsync(plan, 0);
        AssertSamePlan(plan, await store.GetAsync(plan.Id));

        var minimal = new ImprovementPlan
        {
            Id = ImprovementPlanId.New(), Number = "IMP20240301002", Version = 1, Title = "t", RootCause = "r", Target = "x", Measures = [new ImprovementMeasure(MeasureKind.Process, "checklist")],
            Department = "d", Owner = "o", LinkedFeedback = [new LinkedFeedback(TicketId.New(), "F1")], PlannedStart = new LocalDate(2024, 3, 1), OriginalPlannedFinish = new LocalDate(2024, 3, 1), PlannedFinish = new LocalDate(2024, 3, 1),
        };
        await store.SaveAsync(minimal, 0);
        AssertSamePlan(minimal, await store.GetAsync(minimal.Id));

        var updated = plan with
        {
            Version = 2, RecordedStatus = ImprovementPlanStatus.InProgress, ActualFinish = null,
            History = [.. plan.History, new PlanChange(Start + Duration.FromDays(70), "lead-wang", "reopened")],
        };
        await store.SaveAsync(updated, 1);
        AssertSamePlan(updated, await store.GetAsync(plan.Id));
        AssertSamePlan(minimal, await store.GetAsync(minimal.Id));
    }

    /// <summary>An unknown plan reads as null.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task An_unknown_plan_is_null()
    {
        var store = await CreatePlanStoreAsync();
        Assert.Null(await store.GetAsync(ImprovementPlanId.New()));
    }

    /// <summary>A save at a stale version is refused with the versions named, and nothing is written.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_stale_save_is_refused_and_writes_nothing()
    {
        var store = await CreatePlanStoreAsync();
        var plan = FullPlan(ImprovementPlanId.New());
        await store.SaveAsync(plan, 0);
        var second = plan with { Version = 2, Title = "second" };
        await store.SaveAsync(second, 1);

        var stale = await Assert.ThrowsAsync<ImprovementPlanConcurrencyException>(async () => await store.SaveAsync(plan with { Version = 2, Title = "stale" }, 1));
        Assert.Equal((plan.Id, 1L, 2L), (stale.PlanId, stale.ExpectedVersion, stale.ActualVersion));
        var created = await Assert.ThrowsAsync<ImprovementPlanConcurrencyException>(async () => await store.SaveAsync(plan with { Title = "created twice" }, 0));
        Assert.Equal((0L, 2L), (created.ExpectedVersion, created.ActualVersion));
        var ahead = await Assert.ThrowsAsync<ImprovementPlanConcurrencyException>(async () => await store.SaveAsync(plan with { Version = 6 }, 5));
        Assert.Equal(2L, ahead.ActualVersion);
        var missing = ImprovementPlanId.New();
        var never = await Assert.ThrowsAsync<ImprovementPlanConcurrencyException>(async () => await store.SaveAsync(FullPlan(missing) with { Version = 4 }, 3));
        Assert.Equal(0L, never.ActualVersion);

        AssertSamePlan(second, await store.GetAsync(plan.Id));
        Assert.Null(await store.GetAsync(missing));
    }

    /// <summary>Writers racing to save the same version: exactly one wins each version, and the winner's plan is the one stored.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Racing_savers_win_one_per_version()
    {
        var store = await CreatePlanStoreAsync();
        var id = ImprovementPlanId.New();
        var plan = FullPlan(id);
        for (var expected = 0L; expected < 10; expected++)
        {
            var version = expected;
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                await go.Task;
                try
                {
                    await store.SaveAsync(plan with { Version = version + 1, Title = $"writer {w} at {version + 1}" }, version);
                    return w;
                }
                catch (ImprovementPlanConcurrencyException e) when (e.ExpectedVersion == version && e.ActualVersion == version + 1)
                {
                    return -1;
                }
            })).ToArray();
            go.SetResult();
            var winners = (await Task.WhenAll(attempts)).Where(w => w >= 0).ToArray();
            var winner = Assert.Single(winners);
            var stored = await store.GetAsync(id);
            Assert.Equal((version + 1, $"writer {winner} at {version + 1}"), (stored!.Version, stored.Title));
        }
    }

    /// <summary>Writers that read, change and save with retries lose no update: every winning change is in the audit trail once.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Read_modify_save_with_retries_loses_no_update()
    {
        var store = await CreatePlanStoreAsync();
        var plan = FullPlan(ImprovementPlanId.New()) with { History = [] };
        await store.SaveAsync(plan, 0);
        const int changesPerWriter = 10;
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < changesPerWriter; n++)
            {
                while (true)
                {
                    var current = (await store.GetAsync(plan.Id))!;
                    var next = current with { Version = current.Version + 1, History = [.. current.History, new PlanChange(Start, $"writer-{w}", $"change {n}")] };
                    try
                    {
                        await store.SaveAsync(next, current.Version);
                        break;
                    }
                    catch (ImprovementPlanConcurrencyException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        })));

        var final = (await store.GetAsync(plan.Id))!;
        Assert.Equal(1 + (Writers * changesPerWriter), final.Version);
        Assert.Equal(Writers * changesPerWriter, final.History.Count);
        Assert.Equal(final.History.Count, final.History.Select(c => (c.Actor, c.Change)).Distinct().Count());
        for (var w = 0; w < Writers; w++)
        {
            Assert.Equal(Enumerable.Range(0, changesPerWriter).Select(n => $"change {n}"), final.History.Where(c => c.Actor == $"writer-{w}").Select(c => c.Change));
        }
    }

    /// <summary>Listing returns every plan once, each at its latest version; an empty store lists nothing.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Listing_returns_every_plan_once_at_its_latest_version()
    {
        var store = await CreatePlanStoreAsync();
        Assert.Empty(await ListAsync(store));
        var plans = Enumerable.Range(0, 25).Select(i => FullPlan(ImprovementPlanId.New()) with { Number = $"IMP20240301{i:000}" }).ToList();
        foreach (var plan in plans)
        {
            await store.SaveAsync(plan, 0);
        }

        for (var i = 0; i < plans.Count; i += 3)
        {
            var changed = plans[i] with { Version = 2, Title = "changed" };
            await store.SaveAsync(changed, 1);
            plans[i] = changed;
        }

        var listed = (await ListAsync(store)).ToDictionary(p => p.Id);
        Assert.Equal(plans.Count, listed.Count);
        foreach (var plan in plans)
        {
            AssertSamePlan(plan, listed[plan.Id]);
        }
    }

    /// <summary>Bad arguments are refused with the argument named, and nothing is written.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task Bad_saves_are_refused_with_the_argument_named()
    {
        var store = await CreatePlanStoreAsync();
        var plan = FullPlan(ImprovementPlanId.New());
        Assert.Equal("plan", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.SaveAsync(null!, 0))).ParamName);
        Assert.Equal("expectedVersion", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.SaveAsync(plan with { Version = 0 }, -1))).ParamName);
        Assert.Equal("plan", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.SaveAsync(plan with { Version = 3 }, 0))).ParamName);
        Assert.Equal("plan", (await Assert.ThrowsAsync<ArgumentException>(async () => await store.SaveAsync(plan with { Id = default }, 0))).ParamName);
        Assert.Null(await store.GetAsync(plan.Id));
        Assert.Empty(await ListAsync(store));
    }

    /// <summary>A cancelled save throws and writes nothing.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public virtual async Task A_cancelled_save_writes_nothing()
    {
        var store = await CreatePlanStoreAsync();
        var plan = FullPlan(ImprovementPlanId.New());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SaveAsync(plan, 0, cancelled.Token));
        Assert.Null(await store.GetAsync(plan.Id));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetAsync(plan.Id, cancelled.Token));
    }

    // The plan without its lists (records compare lists by reference): every scalar field compared by the record's equality.
    private static ImprovementPlan Scalars(ImprovementPlan plan) => plan with
    {
        Measures = NoLists.Measures, LinkedFeedback = NoLists.LinkedFeedback, Tasks = NoLists.Tasks,
        DelayRequests = NoLists.DelayRequests, RootCauseBreakdowns = NoLists.RootCauseBreakdowns, History = NoLists.History,
        CooperatingDepartments = NoLists.CooperatingDepartments, Reviews = NoLists.Reviews,
    };

    private static async Task<List<ImprovementPlan>> ListAsync(TStore store)
    {
        var plans = new List<ImprovementPlan>();
        await foreach (var plan in store.ListAsync())
        {
            plans.Add(plan);
        }

        return plans;
    }

    private static class NoLists
    {
        public static readonly ImprovementMeasure[] Measures = [];
        public static readonly LinkedFeedback[] LinkedFeedback = [];
        public static readonly ImprovementTask[] Tasks = [];
        public static readonly DelayRequest[] DelayRequests = [];
        public static readonly RootCauseBreakdown[] RootCauseBreakdowns = [];
        public static readonly string[] CooperatingDepartments = [];
        public static readonly PlanReview[] Reviews = [];
        public static readonly PlanChange[] History = [];
    }
}
