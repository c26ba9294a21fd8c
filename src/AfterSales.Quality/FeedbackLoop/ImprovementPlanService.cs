using AfterSales.Quality.Calendars;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>What a new plan says.</summary>
public sealed record NewImprovementPlan
{
    /// <summary>A short title. Required.</summary>
    public string Title { get; init; } = "";

    /// <summary>The root cause. Required.</summary>
    public string RootCause { get; init; } = "";

    /// <summary>The measurable target. Required.</summary>
    public string Target { get; init; } = "";

    /// <summary>The measures; at least one.</summary>
    public IReadOnlyList<ImprovementMeasure> Measures { get; init; } = [];

    /// <summary>The responsible department. Required.</summary>
    public string Department { get; init; } = "";

    /// <summary>The owner (first responsible person). Required.</summary>
    public string Owner { get; init; } = "";

    /// <summary>The tickets the plan answers, each registered; at least one unless the plan is raised from an <see cref="UnmetKpi"/>.</summary>
    public IReadOnlyList<TicketId> Tickets { get; init; } = [];

    /// <summary>The unmet KPI the plan answers (template 3: a plan raised from the measurement table, with no linked feedback needed).</summary>
    public Kpi.KpiMetric? UnmetKpi { get; init; }

    /// <summary>The other departments the plan needs; a plan with any is cross-department and must pass a review before it starts.</summary>
    public IReadOnlyList<string> CooperatingDepartments { get; init; } = [];

    /// <summary>Whether the plan must pass a review before it starts although it stays in one department (large resources). Cross-department plans always do.</summary>
    public bool RequiresReview { get; init; }

    /// <summary>The expected effect (预期效果), apart from the target. At most 8,000 characters.</summary>
    public string? ExpectedEffect { get; init; }

    /// <summary>The resources needed (所需资源). At most 8,000 characters.</summary>
    public string? Resources { get; init; }

    /// <summary>How the effect is verified (验证方式). At most 8,000 characters.</summary>
    public string? VerificationMethod { get; init; }

    /// <summary>Remarks (备注). At most 8,000 characters.</summary>
    public string? Remarks { get; init; }

    /// <summary>Planned start.</summary>
    public LocalDate PlannedStart { get; init; }

    /// <summary>Planned finish; not before the start.</summary>
    public LocalDate PlannedFinish { get; init; }

    /// <summary>Root-cause breakdowns of the unmet KPIs it addresses; each adds up to 1.</summary>
    public IReadOnlyList<RootCauseBreakdown> RootCauseBreakdowns { get; init; } = [];
}

/// <summary>One customer to tell that a plan answering their feedback is done (the host sends it).</summary>
/// <param name="PlanNumber">The plan, e.g. <c>IMP20240301001</c>.</param>
/// <param name="Tickets">The customer's tickets the plan answers (the host reads the contact from them).</param>
public sealed record CustomerNotification(string PlanNumber, IReadOnlyList<LinkedFeedback> Tickets);

/// <summary>
/// Creates and moves improvement plans (DOMAIN §6): numbers them, links them to tickets, records
/// tasks and delay requests (filed at least one working day before the planned finish, decided by
/// the after-sales lead), and on completion returns one notification per linked customer.
/// Thread-safe.
/// </summary>
public sealed class ImprovementPlanService
{
    private readonly IImprovementPlanStore plans;
    private readonly ITicketStore tickets;
    private readonly IClock clock;
    private readonly DocumentNumberGenerator numbers;

    /// <summary>Creates the service; without a <see cref="ImprovementPlanOptions.Calendar"/>, plans run on 24×7 in the numbering zone.</summary>
    /// <param name="plans">Where plans are kept.</param>
    /// <param name="tickets">The ticket log (to resolve linked feedback and customers).</param>
    /// <param name="sequences">Where plan numbers are sequenced.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="options">The rules; validated here.</param>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public ImprovementPlanService(IImprovementPlanStore plans, ITicketStore tickets, ISequenceStore sequences, IClock clock, ImprovementPlanOptions options)
        : this(plans, tickets, sequences, clock, options, null)
    {
    }

    /// <summary>
    /// Creates the service on the desk's SLA policies: without a <see cref="ImprovementPlanOptions.Calendar"/>,
    /// delay deadlines count the working days of their <c>default</c> calendar — the one the desk's SLA
    /// runs on (pass <c>TicketService.SlaPolicies</c>) — so a request filed on a Sunday for a Monday finish
    /// is late on a Monday–Friday desk.
    /// </summary>
    /// <param name="plans">Where plans are kept.</param>
    /// <param name="tickets">The ticket log (to resolve linked feedback and customers).</param>
    /// <param name="sequences">Where plan numbers are sequenced.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="options">The rules; validated here.</param>
    /// <param name="slaPolicies">The desk's SLA policies; null falls back to 24×7 in the numbering zone.</param>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public ImprovementPlanService(IImprovementPlanStore plans, ITicketStore tickets, ISequenceStore sequences, IClock clock, ImprovementPlanOptions options, SlaPolicySet? slaPolicies)
    {
        this.plans = Preconditions.CheckNotNull(plans);
        this.tickets = Preconditions.CheckNotNull(tickets);
        this.clock = Preconditions.CheckNotNull(clock);
        Options = Preconditions.CheckNotNull(options);
        options.Validate();
        numbers = new DocumentNumberGenerator(Preconditions.CheckNotNull(sequences), options.Numbering);
        Calendar = options.Calendar
            ?? (slaPolicies?.Calendars.TryGetValue(SlaPolicySet.DefaultCalendarName, out var desk) == true ? desk : null)
            ?? BusinessCalendar.TwentyFourSeven(options.Numbering.TimeZone);
    }

    /// <summary>The rules in force.</summary>
    public ImprovementPlanOptions Options { get; }

    /// <summary>The calendar delay deadlines are counted on, and whose zone gives "today": <see cref="ImprovementPlanOptions.Calendar"/>, else the desk's SLA calendar, else 24×7 in the numbering zone.</summary>
    public BusinessCalendar Calendar { get; }

    /// <summary>Creates a plan.</summary>
    /// <param name="plan">What the plan says.</param>
    /// <param name="actor">Who creates it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored plan.</returns>
    /// <exception cref="QualityValidationException">A field is missing or invalid (named), or a linked ticket does not exist.</exception>
    public async Task<ImprovementPlan> CreateAsync(NewImprovementPlan plan, string actor, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(plan);
        var errors = new ValidationCollector(nameof(NewImprovementPlan));
        RequiredName(errors, actor, nameof(actor));
        RequiredName(errors, plan.Title, nameof(plan.Title));
        RequiredText(errors, plan.RootCause, nameof(plan.RootCause));
        RequiredText(errors, plan.Target, nameof(plan.Target));
        RequiredName(errors, plan.Department, nameof(plan.Department));
        RequiredName(errors, plan.Owner, nameof(plan.Owner));
        OptionalText(errors, plan.ExpectedEffect, nameof(plan.ExpectedEffect));
        OptionalText(errors, plan.Resources, nameof(plan.Resources));
        OptionalText(errors, plan.VerificationMethod, nameof(plan.VerificationMethod));
        OptionalText(errors, plan.Remarks, nameof(plan.Remarks));
        if (plan.UnmetKpi is { } kpi && !Enum.IsDefined(kpi))
        {
            errors.Add(nameof(plan.UnmetKpi), $"'{(int)kpi}' is not a KPI.");
        }

        ValidateNames(errors, plan.CooperatingDepartments, nameof(plan.CooperatingDepartments));
        if (plan.CooperatingDepartments?.Any(d => string.Equals(d, plan.Department, StringComparison.OrdinalIgnoreCase)) == true)
        {
            errors.Add(nameof(plan.CooperatingDepartments), $"lists the owner's department '{plan.Department}'; it holds the other departments only.");
        }

        if (plan.Measures is null || plan.Measures.Count == 0)
        {
            errors.Add(nameof(plan.Measures), "needs at least one measure.");
        }
        else
        {
            for (var i = 0; i < plan.Measures.Count; i++)
            {
                if (plan.Measures[i] is null || !Enum.IsDefined(plan.Measures[i].Kind) || string.IsNullOrWhiteSpace(plan.Measures[i].Description))
                {
                    errors.Add($"{nameof(plan.Measures)}[{i}]", "needs a defined kind (Technical, Process, People) and a description.");
                }
                else
                {
                    errors.Text(plan.Measures[i].Description, $"{nameof(plan.Measures)}[{i}].{nameof(ImprovementMeasure.Description)}");
                }
            }
        }

        if (plan.PlannedFinish < plan.PlannedStart)
        {
            errors.Add(nameof(plan.PlannedFinish), $"{plan.PlannedFinish:uuuu-MM-dd} is before the planned start {plan.PlannedStart:uuuu-MM-dd}.");
        }

        ValidateBreakdowns(errors, plan.RootCauseBreakdowns);
        var linked = new List<LinkedFeedback>();
        if (plan.Tickets is null || plan.Tickets.Count == 0)
        {
            if (plan.UnmetKpi is null)
            {
                errors.Add(nameof(plan.Tickets), "needs at least one linked ticket, or the UnmetKpi the plan is raised from.");
            }
        }
        else
        {
            for (var i = 0; i < plan.Tickets.Count; i++)
            {
                var stream = await tickets.ReadStreamAsync(plan.Tickets[i], cancellationToken).ConfigureAwait(false);
                if (stream.Events.FirstOrDefault()?.Event is TicketRegistered registered)
                {
                    linked.Add(new LinkedFeedback(plan.Tickets[i], registered.FeedbackNumber));
                }
                else
                {
                    errors.Add($"{nameof(plan.Tickets)}[{i}]", $"ticket {plan.Tickets[i]} has not been registered.");
                }
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        var created = new ImprovementPlan
        {
            Id = ImprovementPlanId.New(),
            Number = await numbers.NextAsync(DocumentKind.Improvement, now, cancellationToken).ConfigureAwait(false),
            Version = 1,
            Title = plan.Title,
            RootCause = plan.RootCause,
            Target = plan.Target,
            Measures = plan.Measures!.ToArray(),
            Department = plan.Department,
            Owner = plan.Owner,
            LinkedFeedback = linked.DistinctBy(l => l.TicketId).ToArray(),
            PlannedStart = plan.PlannedStart,
            OriginalPlannedFinish = plan.PlannedFinish,
            PlannedFinish = plan.PlannedFinish,
            RootCauseBreakdowns = plan.RootCauseBreakdowns?.ToArray() ?? [],
            UnmetKpi = plan.UnmetKpi,
            CooperatingDepartments = plan.CooperatingDepartments?.ToArray() ?? [],
            RequiresReview = plan.RequiresReview || plan.CooperatingDepartments is { Count: > 0 },
            ExpectedEffect = plan.ExpectedEffect,
            Resources = plan.Resources,
            VerificationMethod = plan.VerificationMethod,
            Remarks = plan.Remarks,
            History = [new PlanChange(now, actor, "created")],
        };
        await plans.SaveAsync(created, 0, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>Reads a plan.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="KeyNotFoundException">No such plan.</exception>
    public async Task<ImprovementPlan> GetAsync(ImprovementPlanId id, CancellationToken cancellationToken = default) =>
        await plans.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"Improvement plan {id} does not exist.");

    /// <summary>Marks the plan started. A plan that <see cref="ImprovementPlan.RequiresReview"/> starts only after a review approved it.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="ImprovementPlanRuleException">The plan is not new, or it needs an approving review first (<c>plan-review</c>).</exception>
    public Task<ImprovementPlan> StartAsync(ImprovementPlanId id, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, "started", plan =>
        {
            RequireStatus(plan, ImprovementPlanStatus.NotStarted, "start");
            if (plan.RequiresReview && !plan.ReviewApproved)
            {
                throw new ImprovementPlanRuleException(plan.Number, "plan-review",
                    plan.Reviews.Count == 0
                        ? $"the plan spans departments or needs large resources: the after-sales lead ({Options.AfterSalesLead}) reviews it before it starts."
                        : "the plan's latest review sent it back; it starts after a review approves it.");
            }

            return plan with { RecordedStatus = ImprovementPlanStatus.InProgress };
        }, cancellationToken);

    /// <summary>
    /// Records the review of a plan (方案评审): the after-sales lead, with the departments concerned,
    /// approves the plan (it may start) or sends it back. Only for plans not started yet.
    /// </summary>
    /// <param name="id">The plan.</param>
    /// <param name="approved">Whether the plan is feasible and resourced.</param>
    /// <param name="participants">The departments that took part; each at most 200 characters.</param>
    /// <param name="note">The conclusion; at most 8,000 characters.</param>
    /// <param name="actor">Who reviews; must be <see cref="ImprovementPlanOptions.AfterSalesLead"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="QualityValidationException">A participant or the note is invalid.</exception>
    /// <exception cref="ImprovementPlanRuleException">The actor is not the lead (<c>plan-reviewer</c>), or the plan has started.</exception>
    public Task<ImprovementPlan> ReviewAsync(ImprovementPlanId id, bool approved, IReadOnlyList<string>? participants, string? note, string actor, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationCollector("ReviewPlan");
        ValidateNames(errors, participants, nameof(participants));
        OptionalText(errors, note, nameof(note));
        errors.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        return ChangeAsync(id, actor, approved ? "review approved" : "review sent back", plan =>
        {
            if (!string.Equals(actor, Options.AfterSalesLead, StringComparison.Ordinal))
            {
                throw new ImprovementPlanRuleException(plan.Number, "plan-reviewer", $"the after-sales lead ({Options.AfterSalesLead}) holds plan reviews; {actor} may not.");
            }

            RequireStatus(plan, ImprovementPlanStatus.NotStarted, "review");
            var review = new PlanReview { Approved = approved, ReviewedBy = actor, ReviewedAt = now, Participants = participants?.ToArray() ?? [], Note = note };
            return plan with { Reviews = [.. plan.Reviews, review] };
        }, cancellationToken);
    }

    /// <summary>Sets table 3's remarks (备注) of a plan, also once it is done; null clears them.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="remarks">The remarks; at most 8,000 characters.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="QualityValidationException">The remarks are invalid.</exception>
    public Task<ImprovementPlan> SetRemarksAsync(ImprovementPlanId id, string? remarks, string actor, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationCollector("SetRemarks");
        OptionalText(errors, remarks, nameof(remarks));
        errors.ThrowIfAny();
        return ChangeAsync(id, actor, "remarks set", plan => plan with { Remarks = remarks }, cancellationToken);
    }

    /// <summary>Marks a task started (进行中).</summary>
    /// <param name="id">The plan.</param>
    /// <param name="taskNumber">The task.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The plan has no such task.</exception>
    /// <exception cref="ImprovementPlanRuleException">The task is not new, or the plan is done.</exception>
    public Task<ImprovementPlan> StartTaskAsync(ImprovementPlanId id, int taskNumber, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, $"task {taskNumber} started", plan =>
        {
            RequireNotDone(plan, "start a task of");
            var task = TaskOf(plan, taskNumber);
            if (IsDone(task) || task.RecordedStatus != ImprovementPlanStatus.NotStarted)
            {
                throw new ImprovementPlanRuleException(plan.Number, "task-status", $"task {taskNumber} is already {(IsDone(task) ? "done" : "started")}.");
            }

            return plan with { Tasks = plan.Tasks.Select(t => t.Number == taskNumber ? t with { RecordedStatus = ImprovementPlanStatus.InProgress } : t).ToArray() };
        }, cancellationToken);

    /// <summary>Adds a task.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="description">What is to be done.</param>
    /// <param name="executor">Who does it.</param>
    /// <param name="plannedStart">Planned start.</param>
    /// <param name="plannedFinish">Planned finish.</param>
    /// <param name="deliverable">The deliverable.</param>
    /// <param name="actor">Who adds it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    public Task<ImprovementPlan> AddTaskAsync(ImprovementPlanId id, string description, string executor, LocalDate plannedStart, LocalDate plannedFinish, string? deliverable, string actor, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationCollector("AddTask");
        RequiredText(errors, description, nameof(description));
        RequiredName(errors, executor, nameof(executor));
        OptionalText(errors, deliverable, nameof(deliverable));
        if (plannedFinish < plannedStart)
        {
            errors.Add(nameof(plannedFinish), $"{plannedFinish:uuuu-MM-dd} is before the planned start {plannedStart:uuuu-MM-dd}.");
        }

        errors.ThrowIfAny();
        return ChangeAsync(id, actor, $"task added: {description}", plan =>
        {
            RequireNotDone(plan, "add a task to");
            var task = new ImprovementTask { Number = plan.Tasks.Count + 1, Description = description, Executor = executor, PlannedStart = plannedStart, PlannedFinish = plannedFinish, Deliverable = deliverable };
            return plan with { Tasks = [.. plan.Tasks, task] };
        }, cancellationToken);
    }

    /// <summary>Marks a task complete.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="taskNumber">The task.</param>
    /// <param name="completedOn">When.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    public Task<ImprovementPlan> CompleteTaskAsync(ImprovementPlanId id, int taskNumber, LocalDate completedOn, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, $"task {taskNumber} completed", plan =>
        {
            var task = TaskOf(plan, taskNumber);
            return plan with { Tasks = plan.Tasks.Select(t => t.Number == taskNumber ? task with { CompletedOn = completedOn, RecordedStatus = ImprovementPlanStatus.Done } : t).ToArray() };
        }, cancellationToken);

    /// <summary>
    /// Files a delay request. It must be filed at least <see cref="ImprovementPlanOptions.DelayRequestLeadWorkingDays"/>
    /// working days before the planned finish: on or before the day that many working days earlier
    /// (on the plan calendar, in its zone); a later request is refused with the deadline in the message.
    /// </summary>
    /// <param name="id">The plan.</param>
    /// <param name="reason">Why. Required; at most 8,000 characters.</param>
    /// <param name="newPlannedFinish">The new planned finish; after the current one.</param>
    /// <param name="resources">The resources needed; at most 8,000 characters.</param>
    /// <param name="actor">Who files it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="ImprovementPlanRuleException">The request is late, or another is pending, or the plan is done.</exception>
    public Task<ImprovementPlan> RequestDelayAsync(ImprovementPlanId id, string reason, LocalDate newPlannedFinish, string? resources, string actor, CancellationToken cancellationToken = default) =>
        RequestDelayCoreAsync(id, null, reason, newPlannedFinish, resources, actor, cancellationToken);

    /// <summary>
    /// Files a delay request for one task (the guides: a task that is late or blocked files its 延期申请表 at
    /// least one working day before its planned finish). The same rules as <see cref="RequestDelayAsync"/>,
    /// measured against the task's planned finish; the new finish may not pass the plan's planned finish
    /// (move the plan first). When approved, the task's planned finish moves and the task reads as delayed.
    /// One request waits for the lead at a time per plan, task or plan level.
    /// </summary>
    /// <param name="id">The plan.</param>
    /// <param name="taskNumber">The task.</param>
    /// <param name="reason">Why. Required; at most 8,000 characters.</param>
    /// <param name="newPlannedFinish">The task's new planned finish; after its current one, not after the plan's.</param>
    /// <param name="resources">The resources needed; at most 8,000 characters.</param>
    /// <param name="actor">Who files it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The plan has no such task.</exception>
    /// <exception cref="ImprovementPlanRuleException">The request is late, another is pending, the task or the plan is done, or the new finish passes the plan's.</exception>
    public Task<ImprovementPlan> RequestTaskDelayAsync(ImprovementPlanId id, int taskNumber, string reason, LocalDate newPlannedFinish, string? resources, string actor, CancellationToken cancellationToken = default) =>
        RequestDelayCoreAsync(id, taskNumber, reason, newPlannedFinish, resources, actor, cancellationToken);

    private Task<ImprovementPlan> RequestDelayCoreAsync(ImprovementPlanId id, int? taskNumber, string reason, LocalDate newPlannedFinish, string? resources, string actor, CancellationToken cancellationToken)
    {
        var errors = new ValidationCollector(taskNumber is null ? "RequestDelay" : "RequestTaskDelay");
        RequiredText(errors, reason, nameof(reason));
        OptionalText(errors, resources, nameof(resources));
        errors.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        var what = taskNumber is null ? "delay" : $"task {taskNumber} delay";
        return ChangeAsync(id, actor, $"{what} requested to {newPlannedFinish:uuuu-MM-dd}", plan =>
        {
            RequireNotDone(plan, "delay");
            var task = taskNumber is { } number ? TaskOf(plan, number) : null;
            if (task is not null && IsDone(task))
            {
                throw new ImprovementPlanRuleException(plan.Number, "task-status", $"task {task.Number} is done; a done task is not delayed.");
            }

            var plannedFinish = task?.PlannedFinish ?? plan.PlannedFinish;
            if (newPlannedFinish <= plannedFinish)
            {
                throw new QualityValidationException(taskNumber is null ? "RequestDelay" : "RequestTaskDelay", [new ValidationError(nameof(newPlannedFinish), $"{newPlannedFinish:uuuu-MM-dd} is not after the planned finish {plannedFinish:uuuu-MM-dd}.")]);
            }

            if (task is not null && newPlannedFinish > plan.PlannedFinish)
            {
                throw new ImprovementPlanRuleException(plan.Number, "task-after-plan", $"task {task.Number} may not finish after the plan's planned finish {plan.PlannedFinish:uuuu-MM-dd}; request a delay of the plan first.");
            }

            if (plan.DelayRequests.Any(d => d.Decision == DelayDecision.Pending))
            {
                throw new ImprovementPlanRuleException(plan.Number, "delay-pending", "a delay request is already waiting for the after-sales lead.");
            }

            var deadline = DelayRequestDeadline(plannedFinish);
            var today = now.InZone(Calendar.Zone).Date;
            if (today > deadline)
            {
                var subject = task is null ? "the planned finish" : $"task {task.Number}'s planned finish";
                throw new ImprovementPlanRuleException(plan.Number, "delay-deadline",
                    $"a delay request must be filed at least {Options.DelayRequestLeadWorkingDays} working day(s) before {subject} {plannedFinish:uuuu-MM-dd}, i.e. by {deadline:uuuu-MM-dd}; it is {today:uuuu-MM-dd} (working days of the {Calendar.Name} calendar).");
            }

            var request = new DelayRequest { Number = plan.DelayRequests.Count + 1, TaskNumber = taskNumber, Reason = reason, NewPlannedFinish = newPlannedFinish, Resources = resources, RequestedBy = actor, RequestedAt = now };
            return plan with { DelayRequests = [.. plan.DelayRequests, request] };
        }, cancellationToken);
    }

    /// <summary>The last day a delay request for a plan finishing on <paramref name="plannedFinish"/> may be filed.</summary>
    /// <param name="plannedFinish">The planned finish.</param>
    /// <returns>The day that is <see cref="ImprovementPlanOptions.DelayRequestLeadWorkingDays"/> working days before it.</returns>
    public LocalDate DelayRequestDeadline(LocalDate plannedFinish) =>
        Calendar.AddWorkingDays(plannedFinish, -Options.DelayRequestLeadWorkingDays);

    /// <summary>Approves or rejects the pending delay request. Only the after-sales lead may.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="approve">Approve (the planned finish moves) or reject.</param>
    /// <param name="note">The lead's note.</param>
    /// <param name="actor">Who decides; must be <see cref="ImprovementPlanOptions.AfterSalesLead"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="ImprovementPlanRuleException">The actor is not the lead, or nothing is pending.</exception>
    public Task<ImprovementPlan> DecideDelayAsync(ImprovementPlanId id, bool approve, string? note, string actor, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationCollector("DecideDelay");
        OptionalText(errors, note, nameof(note));
        errors.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        return ChangeAsync(id, actor, approve ? "delay approved" : "delay rejected", plan =>
        {
            if (!string.Equals(actor, Options.AfterSalesLead, StringComparison.Ordinal))
            {
                throw new ImprovementPlanRuleException(plan.Number, "delay-approver", $"only the after-sales lead ({Options.AfterSalesLead}) decides delay requests; {actor} may not.");
            }

            var pending = plan.DelayRequests.FirstOrDefault(d => d.Decision == DelayDecision.Pending)
                ?? throw new ImprovementPlanRuleException(plan.Number, "delay-none-pending", "no delay request is waiting for a decision.");
            var decided = pending with { Decision = approve ? DelayDecision.Approved : DelayDecision.Rejected, DecidedBy = actor, DecidedAt = now, DecisionNote = note };
            var requests = plan.DelayRequests.Select(d => d.Number == pending.Number ? decided : d).ToArray();
            if (pending.TaskNumber is { } taskNumber)
            {
                return plan with
                {
                    DelayRequests = requests,
                    Tasks = plan.Tasks.Select(t => t.Number == taskNumber && approve ? t with { PlannedFinish = pending.NewPlannedFinish, ApprovedDelays = t.ApprovedDelays + 1 } : t).ToArray(),
                };
            }

            return plan with
            {
                DelayRequests = requests,
                PlannedFinish = approve ? pending.NewPlannedFinish : plan.PlannedFinish,
            };
        }, cancellationToken);
    }

    /// <summary>Completes the plan and returns one notification per linked customer (customers are told by the host).</summary>
    /// <param name="id">The plan.</param>
    /// <param name="actualFinish">The actual finish.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The done plan and the notifications, one per distinct customer contact.</returns>
    public async Task<(ImprovementPlan Plan, IReadOnlyList<CustomerNotification> Notifications)> CompleteAsync(ImprovementPlanId id, LocalDate actualFinish, string actor, CancellationToken cancellationToken = default)
    {
        var done = await ChangeAsync(id, actor, $"done on {actualFinish:uuuu-MM-dd}", plan =>
        {
            RequireNotDone(plan, "complete");
            if (actualFinish < plan.PlannedStart)
            {
                throw new QualityValidationException("CompletePlan", [new ValidationError(nameof(actualFinish), $"{actualFinish:uuuu-MM-dd} is before the planned start {plan.PlannedStart:uuuu-MM-dd}.")]);
            }

            return plan with { RecordedStatus = ImprovementPlanStatus.Done, ActualFinish = actualFinish };
        }, cancellationToken).ConfigureAwait(false);

        var byCustomer = new Dictionary<string, List<LinkedFeedback>>(StringComparer.OrdinalIgnoreCase);
        foreach (var link in done.LinkedFeedback)
        {
            var stream = await tickets.ReadStreamAsync(link.TicketId, cancellationToken).ConfigureAwait(false);
            var customer = stream.Events.Select(e => e.Event).OfType<TicketRegistered>().First().Intake.Contact.Trim();
            if (!byCustomer.TryGetValue(customer, out var list))
            {
                byCustomer[customer] = list = [];
            }

            list.Add(link);
        }

        return (done, byCustomer.Values.Select(list => new CustomerNotification(done.Number, list)).ToArray());
    }

    private async Task<ImprovementPlan> ChangeAsync(ImprovementPlanId id, string actor, string change, Func<ImprovementPlan, ImprovementPlan> apply, CancellationToken cancellationToken)
    {
        var errors = new ValidationCollector("ImprovementPlanChange");
        RequiredName(errors, actor, nameof(actor));
        errors.ThrowIfAny();

        var plan = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        var changed = apply(plan) with
        {
            Version = plan.Version + 1,
            History = [.. plan.History, new PlanChange(clock.GetCurrentInstant(), actor, change)],
        };
        await plans.SaveAsync(changed, plan.Version, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    private static bool IsDone(ImprovementTask task) => task.CompletedOn is not null || task.RecordedStatus == ImprovementPlanStatus.Done;

    private static ImprovementTask TaskOf(ImprovementPlan plan, int taskNumber) =>
        plan.Tasks.FirstOrDefault(t => t.Number == taskNumber)
            ?? throw new ArgumentOutOfRangeException(nameof(taskNumber), taskNumber, $"Plan {plan.Number} has no task {taskNumber} (it has {plan.Tasks.Count}).");

    private static void RequiredName(ValidationCollector errors, string? value, string field)
    {
        if (errors.Required(value, field))
        {
            errors.Name(value, field);
        }
    }

    private static void RequiredText(ValidationCollector errors, string? value, string field)
    {
        if (errors.Required(value, field))
        {
            errors.Text(value, field);
        }
    }

    private static void OptionalText(ValidationCollector errors, string? value, string field)
    {
        if (value is not null)
        {
            RequiredText(errors, value, field);
        }
    }

    private static void ValidateNames(ValidationCollector errors, IReadOnlyList<string>? names, string field)
    {
        if (names is null)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            if (errors.Required(names[i], $"{field}[{i}]"))
            {
                errors.Name(names[i], $"{field}[{i}]");
                if (!seen.Add(names[i]))
                {
                    errors.Add($"{field}[{i}]", $"'{names[i]}' is listed twice.");
                }
            }
        }
    }

    private static void RequireStatus(ImprovementPlan plan, ImprovementPlanStatus status, string what)
    {
        if (plan.RecordedStatus != status)
        {
            throw new ImprovementPlanRuleException(plan.Number, "status", $"cannot {what} a plan that is {plan.RecordedStatus}.");
        }
    }

    private static void RequireNotDone(ImprovementPlan plan, string what)
    {
        if (plan.RecordedStatus == ImprovementPlanStatus.Done)
        {
            throw new ImprovementPlanRuleException(plan.Number, "status", $"cannot {what} a plan that is done.");
        }
    }

    private static void ValidateBreakdowns(ValidationCollector errors, IReadOnlyList<RootCauseBreakdown>? breakdowns)
    {
        if (breakdowns is null)
        {
            return;
        }

        for (var i = 0; i < breakdowns.Count; i++)
        {
            var field = $"{nameof(NewImprovementPlan.RootCauseBreakdowns)}[{i}]";
            var b = breakdowns[i];
            if (b is null || string.IsNullOrWhiteSpace(b.Kpi) || b.Causes is null || b.Causes.Count == 0)
            {
                errors.Add(field, "needs a KPI name and at least one cause.");
                continue;
            }

            if (b.Causes.Any(c => c is null || string.IsNullOrWhiteSpace(c.Cause) || !(c.Share > 0 && c.Share <= 1)))
            {
                errors.Add($"{field}.{nameof(RootCauseBreakdown.Causes)}", "every cause needs a name and a share in (0, 1].");
            }
            else if (Math.Abs(b.Causes.Sum(c => c.Share) - 1) > 0.001)
            {
                errors.Add($"{field}.{nameof(RootCauseBreakdown.Causes)}", $"shares add up to {b.Causes.Sum(c => c.Share):0.###}, not 1.");
            }
        }
    }
}
