using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>The identity of an improvement plan. Immutable.</summary>
/// <param name="Value">The underlying identifier.</param>
public readonly record struct ImprovementPlanId(Guid Value)
{
    /// <summary>A new random plan id.</summary>
    /// <returns>A fresh id.</returns>
    public static ImprovementPlanId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");
}

/// <summary>The status of an improvement plan.</summary>
public enum ImprovementPlanStatus
{
    /// <summary>Created, not started.</summary>
    NotStarted = 0,

    /// <summary>Work has started.</summary>
    InProgress = 1,

    /// <summary>Finished: the actual finish is recorded and the customers are told.</summary>
    Done = 2,

    /// <summary>Not done, and past its planned finish or moved by an approved delay.</summary>
    Delayed = 3,
}

/// <summary>The kind of an improvement measure.</summary>
public enum MeasureKind
{
    /// <summary>A technical measure (a fix, a part, a design change).</summary>
    Technical = 0,

    /// <summary>A process measure (a standard, a checklist, a flow).</summary>
    Process = 1,

    /// <summary>A people measure (training, staffing).</summary>
    People = 2,
}

/// <summary>One measure of a plan.</summary>
/// <param name="Kind">Technical, process or people.</param>
/// <param name="Description">What is done.</param>
public sealed record ImprovementMeasure(MeasureKind Kind, string Description);

/// <summary>A task of a plan. Immutable.</summary>
public sealed record ImprovementTask
{
    /// <summary>The task number inside the plan (1, 2, ...).</summary>
    public required int Number { get; init; }

    /// <summary>What is to be done.</summary>
    public required string Description { get; init; }

    /// <summary>Who does it.</summary>
    public required string Executor { get; init; }

    /// <summary>Planned start.</summary>
    public required LocalDate PlannedStart { get; init; }

    /// <summary>Planned finish.</summary>
    public required LocalDate PlannedFinish { get; init; }

    /// <summary>The deliverable (a document, a release, a training record).</summary>
    public string? Deliverable { get; init; }

    /// <summary>When it was completed.</summary>
    public LocalDate? CompletedOn { get; init; }

    /// <summary>
    /// The recorded status (not started, in progress, done), kept by the plan service's task calls; see
    /// <see cref="StatusOn"/> for delays. A task stored before tasks had a status reads as not started
    /// (or done, when <see cref="CompletedOn"/> is set).
    /// </summary>
    public ImprovementPlanStatus RecordedStatus { get; init; }

    /// <summary>How many delay requests for this task were approved (each moved <see cref="PlannedFinish"/>).</summary>
    public int ApprovedDelays { get; init; }

    /// <summary>
    /// The task's status on a day, as table 3's tracking shows it (进行中 / 已完成 / 延期):
    /// <see cref="ImprovementPlanStatus.Done"/> once completed; <see cref="ImprovementPlanStatus.Delayed"/>
    /// when not done and past its planned finish or moved by an approved delay; else the recorded status.
    /// </summary>
    /// <param name="today">The day, in the service desk's zone.</param>
    /// <returns>The status.</returns>
    public ImprovementPlanStatus StatusOn(LocalDate today) =>
        CompletedOn is not null || RecordedStatus == ImprovementPlanStatus.Done ? ImprovementPlanStatus.Done
        : today > PlannedFinish || ApprovedDelays > 0 ? ImprovementPlanStatus.Delayed
        : RecordedStatus;
}

/// <summary>The decision on a delay request.</summary>
public enum DelayDecision
{
    /// <summary>Waiting for the after-sales lead.</summary>
    Pending = 0,

    /// <summary>Approved: the planned finish moved.</summary>
    Approved = 1,

    /// <summary>Rejected: the planned finish stands.</summary>
    Rejected = 2,
}

/// <summary>A request to move a plan's planned finish. Immutable.</summary>
public sealed record DelayRequest
{
    /// <summary>The request number inside the plan (1, 2, ...).</summary>
    public required int Number { get; init; }

    /// <summary>The task the request moves, or null when it moves the plan's planned finish.</summary>
    public int? TaskNumber { get; init; }

    /// <summary>Why the plan is late.</summary>
    public required string Reason { get; init; }

    /// <summary>The new planned finish asked for.</summary>
    public required LocalDate NewPlannedFinish { get; init; }

    /// <summary>The resources needed to meet it.</summary>
    public string? Resources { get; init; }

    /// <summary>Who asked.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>When it was filed.</summary>
    public required Instant RequestedAt { get; init; }

    /// <summary>The decision.</summary>
    public DelayDecision Decision { get; init; }

    /// <summary>Who decided (the after-sales lead).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>When it was decided.</summary>
    public Instant? DecidedAt { get; init; }

    /// <summary>The lead's note.</summary>
    public string? DecisionNote { get; init; }
}

/// <summary>A ticket a plan answers.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="FeedbackNumber">Its feedback number.</param>
public sealed record LinkedFeedback(TicketId TicketId, string FeedbackNumber);

/// <summary>One cause and its share of a KPI shortfall.</summary>
/// <param name="Cause">The cause, e.g. "knowledge base".</param>
/// <param name="Share">Its share of the shortfall, in (0, 1].</param>
public sealed record RootCauseShare(string Cause, double Share);

/// <summary>
/// The root-cause breakdown of one unmet KPI (e.g. FCR shortfall: knowledge base 40 %,
/// cross-department 30 %, skills 30 %). Shares add up to 1.
/// </summary>
/// <param name="Kpi">The KPI, e.g. <c>FCR</c>.</param>
/// <param name="Causes">The causes and their shares.</param>
public sealed record RootCauseBreakdown(string Kpi, IReadOnlyList<RootCauseShare> Causes);

/// <summary>
/// The review of a plan that spans departments or needs large resources (方案评审): the after-sales
/// lead and the departments concerned confirm it is feasible and resourced. Immutable.
/// </summary>
public sealed record PlanReview
{
    /// <summary>Whether the review approved the plan (it may start) or sent it back.</summary>
    public required bool Approved { get; init; }

    /// <summary>Who held the review (the after-sales lead).</summary>
    public required string ReviewedBy { get; init; }

    /// <summary>When.</summary>
    public required Instant ReviewedAt { get; init; }

    /// <summary>The departments that took part (e.g. technical, product, operations).</summary>
    public IReadOnlyList<string> Participants { get; init => field = value ?? []; } = [];

    /// <summary>The review's conclusion in words.</summary>
    public string? Note { get; init; }
}

/// <summary>A line of a plan's audit trail.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Change">What changed.</param>
public sealed record PlanChange(Instant At, string Actor, string Change);

/// <summary>
/// An improvement plan (DOMAIN §6): root cause, target, measures, owner and dates, tasks and
/// delay requests, linked to the feedback it answers. Immutable; the
/// <see cref="ImprovementPlanService"/> makes changed copies and stores them with optimistic
/// concurrency on <see cref="Version"/>.
/// </summary>
public sealed record ImprovementPlan
{
    /// <summary>The plan's id.</summary>
    public required ImprovementPlanId Id { get; init; }

    /// <summary>The plan number, e.g. <c>IMP20240301001</c>.</summary>
    public required string Number { get; init; }

    /// <summary>How many times the plan was saved (1 after creation).</summary>
    public required long Version { get; init; }

    /// <summary>A short title.</summary>
    public required string Title { get; init; }

    /// <summary>The root cause found.</summary>
    public required string RootCause { get; init; }

    /// <summary>The target (what "improved" means, measurably).</summary>
    public required string Target { get; init; }

    /// <summary>The measures.</summary>
    public required IReadOnlyList<ImprovementMeasure> Measures { get; init; }

    /// <summary>The responsible department.</summary>
    public required string Department { get; init; }

    /// <summary>The owner: the first responsible person.</summary>
    public required string Owner { get; init; }

    /// <summary>The tickets the plan answers; empty for a plan raised from an unmet KPI (<see cref="UnmetKpi"/>).</summary>
    public required IReadOnlyList<LinkedFeedback> LinkedFeedback { get; init; }

    /// <summary>The unmet KPI the plan answers (template 3's 未达标指标), if it was raised from one.</summary>
    public Kpi.KpiMetric? UnmetKpi { get; init; }

    /// <summary>The other departments the plan needs (table 3's 技术支持部/销售部: the owner's department first, these after).</summary>
    public IReadOnlyList<string> CooperatingDepartments { get; init => field = value ?? []; } = [];

    /// <summary>Whether the plan must pass a review before it starts: always for a cross-department plan, or when its creator asked (large resources).</summary>
    public bool RequiresReview { get; init; }

    /// <summary>The reviews held, oldest first; the latest decides whether the plan may start.</summary>
    public IReadOnlyList<PlanReview> Reviews { get; init => field = value ?? []; } = [];

    /// <summary>Whether the plan's latest review approved it (false with no review).</summary>
    public bool ReviewApproved => Reviews.Count > 0 && Reviews[^1].Approved;

    /// <summary>The expected effect (预期效果), apart from the measurable <see cref="Target"/>.</summary>
    public string? ExpectedEffect { get; init; }

    /// <summary>The resources the plan needs (template 3's 所需资源), e.g. "staff cost + system configuration".</summary>
    public string? Resources { get; init; }

    /// <summary>How its effect is verified (template 3's 验证方式), e.g. "monitor response times in the system".</summary>
    public string? VerificationMethod { get; init; }

    /// <summary>Table 3's remarks (备注), e.g. "done a day early; customer satisfaction 4.5".</summary>
    public string? Remarks { get; init; }

    /// <summary>Planned start.</summary>
    public required LocalDate PlannedStart { get; init; }

    /// <summary>The planned finish when the plan was made (the improvement-completion KPI measures against it).</summary>
    public required LocalDate OriginalPlannedFinish { get; init; }

    /// <summary>The planned finish in force (moved by approved delays).</summary>
    public required LocalDate PlannedFinish { get; init; }

    /// <summary>The actual finish, once done.</summary>
    public LocalDate? ActualFinish { get; init; }

    /// <summary>The recorded status (not started, in progress, done); see <see cref="StatusOn"/> for delays.</summary>
    public ImprovementPlanStatus RecordedStatus { get; init; }

    /// <summary>The tasks.</summary>
    public IReadOnlyList<ImprovementTask> Tasks { get; init => field = value ?? []; } = [];

    /// <summary>The delay requests.</summary>
    public IReadOnlyList<DelayRequest> DelayRequests { get; init => field = value ?? []; } = [];

    /// <summary>Root-cause breakdowns of the unmet KPIs the plan addresses.</summary>
    public IReadOnlyList<RootCauseBreakdown> RootCauseBreakdowns { get; init => field = value ?? []; } = [];

    /// <summary>The audit trail, oldest first.</summary>
    public IReadOnlyList<PlanChange> History { get; init => field = value ?? []; } = [];

    /// <summary>Whether the plan was done by its original planned finish (null while not done).</summary>
    public bool? DoneOnTime => ActualFinish is { } finish ? finish <= OriginalPlannedFinish : null;

    /// <summary>
    /// The status on a day: <see cref="ImprovementPlanStatus.Delayed"/> when not done and past the planned
    /// finish or moved by an approved plan-level delay (an approved task delay delays that task only).
    /// </summary>
    /// <param name="today">The day, in the service desk's zone.</param>
    /// <returns>The status.</returns>
    public ImprovementPlanStatus StatusOn(LocalDate today) =>
        RecordedStatus == ImprovementPlanStatus.Done ? ImprovementPlanStatus.Done
        : today > PlannedFinish || DelayRequests.Any(d => d.Decision == DelayDecision.Approved && d.TaskNumber is null) ? ImprovementPlanStatus.Delayed
        : RecordedStatus;
}
