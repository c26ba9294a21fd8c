using AfterSales.Quality.Calendars;
using AfterSales.Quality.Numbering;
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

    /// <summary>The tickets the plan answers; at least one, each registered.</summary>
    public IReadOnlyList<TicketId> Tickets { get; init; } = [];

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

    /// <summary>Creates the service.</summary>
    /// <param name="plans">Where plans are kept.</param>
    /// <param name="tickets">The ticket log (to resolve linked feedback and customers).</param>
    /// <param name="sequences">Where plan numbers are sequenced.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="options">The rules; validated here.</param>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public ImprovementPlanService(IImprovementPlanStore plans, ITicketStore tickets, ISequenceStore sequences, IClock clock, ImprovementPlanOptions options)
    {
        this.plans = Preconditions.CheckNotNull(plans);
        this.tickets = Preconditions.CheckNotNull(tickets);
        this.clock = Preconditions.CheckNotNull(clock);
        Options = Preconditions.CheckNotNull(options);
        options.Validate();
        numbers = new DocumentNumberGenerator(Preconditions.CheckNotNull(sequences), options.Numbering);
    }

    /// <summary>The rules in force.</summary>
    public ImprovementPlanOptions Options { get; }

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
        errors.Required(actor, nameof(actor));
        errors.Required(plan.Title, nameof(plan.Title));
        errors.Required(plan.RootCause, nameof(plan.RootCause));
        errors.Required(plan.Target, nameof(plan.Target));
        errors.Required(plan.Department, nameof(plan.Department));
        errors.Required(plan.Owner, nameof(plan.Owner));
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
            errors.Add(nameof(plan.Tickets), "needs at least one linked ticket.");
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

    /// <summary>Marks the plan started.</summary>
    /// <param name="id">The plan.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    public Task<ImprovementPlan> StartAsync(ImprovementPlanId id, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, "started", plan =>
        {
            RequireStatus(plan, ImprovementPlanStatus.NotStarted, "start");
            return plan with { RecordedStatus = ImprovementPlanStatus.InProgress };
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
        errors.Required(description, nameof(description));
        errors.Required(executor, nameof(executor));
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
            var task = plan.Tasks.FirstOrDefault(t => t.Number == taskNumber)
                ?? throw new ArgumentOutOfRangeException(nameof(taskNumber), taskNumber, $"Plan {plan.Number} has no task {taskNumber} (it has {plan.Tasks.Count}).");
            return plan with { Tasks = plan.Tasks.Select(t => t.Number == taskNumber ? task with { CompletedOn = completedOn } : t).ToArray() };
        }, cancellationToken);

    /// <summary>
    /// Files a delay request. It must be filed at least <see cref="ImprovementPlanOptions.DelayRequestLeadWorkingDays"/>
    /// working days before the planned finish: on or before the day that many working days earlier
    /// (on the plan calendar, in its zone); a later request is refused with the deadline in the message.
    /// </summary>
    /// <param name="id">The plan.</param>
    /// <param name="reason">Why. Required.</param>
    /// <param name="newPlannedFinish">The new planned finish; after the current one.</param>
    /// <param name="resources">The resources needed.</param>
    /// <param name="actor">Who files it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan after the change.</returns>
    /// <exception cref="ImprovementPlanRuleException">The request is late, or another is pending, or the plan is done.</exception>
    public Task<ImprovementPlan> RequestDelayAsync(ImprovementPlanId id, string reason, LocalDate newPlannedFinish, string? resources, string actor, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationCollector("RequestDelay");
        errors.Required(reason, nameof(reason));
        errors.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        return ChangeAsync(id, actor, $"delay requested to {newPlannedFinish:uuuu-MM-dd}", plan =>
        {
            RequireNotDone(plan, "delay");
            if (newPlannedFinish <= plan.PlannedFinish)
            {
                throw new QualityValidationException("RequestDelay", [new ValidationError(nameof(newPlannedFinish), $"{newPlannedFinish:uuuu-MM-dd} is not after the planned finish {plan.PlannedFinish:uuuu-MM-dd}.")]);
            }

            if (plan.DelayRequests.Any(d => d.Decision == DelayDecision.Pending))
            {
                throw new ImprovementPlanRuleException(plan.Number, "delay-pending", "a delay request is already waiting for the after-sales lead.");
            }

            var deadline = DelayRequestDeadline(plan.PlannedFinish);
            var today = now.InZone(Options.Calendar.Zone).Date;
            if (today > deadline)
            {
                throw new ImprovementPlanRuleException(plan.Number, "delay-deadline",
                    $"a delay request must be filed at least {Options.DelayRequestLeadWorkingDays} working day(s) before the planned finish {plan.PlannedFinish:uuuu-MM-dd}, i.e. by {deadline:uuuu-MM-dd}; it is {today:uuuu-MM-dd}.");
            }

            var request = new DelayRequest { Number = plan.DelayRequests.Count + 1, Reason = reason, NewPlannedFinish = newPlannedFinish, Resources = resources, RequestedBy = actor, RequestedAt = now };
            return plan with { DelayRequests = [.. plan.DelayRequests, request] };
        }, cancellationToken);
    }

    /// <summary>The last day a delay request for a plan finishing on <paramref name="plannedFinish"/> may be filed.</summary>
    /// <param name="plannedFinish">The planned finish.</param>
    /// <returns>The day that is <see cref="ImprovementPlanOptions.DelayRequestLeadWorkingDays"/> working days before it.</returns>
    public LocalDate DelayRequestDeadline(LocalDate plannedFinish) =>
        Options.Calendar.AddWorkingDays(plannedFinish, -Options.DelayRequestLeadWorkingDays);

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
            return plan with
            {
                DelayRequests = plan.DelayRequests.Select(d => d.Number == pending.Number ? decided : d).ToArray(),
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
        if (string.IsNullOrWhiteSpace(actor))
        {
            throw new QualityValidationException("ImprovementPlanChange", [new ValidationError(nameof(actor), "is required and must not be empty.")]);
        }

        var plan = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        var changed = apply(plan) with
        {
            Version = plan.Version + 1,
            History = [.. plan.History, new PlanChange(clock.GetCurrentInstant(), actor, change)],
        };
        await plans.SaveAsync(changed, plan.Version, cancellationToken).ConfigureAwait(false);
        return changed;
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
