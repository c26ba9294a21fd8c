using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// A request to change a ticket, handled by <see cref="Service.TicketService.ExecuteAsync"/>. Every command
/// names its ticket, carries a unique <see cref="CommandId"/> (a retry with the same id appends
/// nothing twice) and the <see cref="Actor"/> who issues it. Immutable.
/// </summary>
public abstract record TicketCommand
{
    /// <summary>The ticket. For <see cref="RegisterTicket"/>, the id the new ticket gets (use <see cref="TicketId.New"/>).</summary>
    public required TicketId TicketId { get; init; }

    /// <summary>A unique id for this command; reuse it when retrying the same command.</summary>
    public required Guid CommandId { get; init; }

    /// <summary>Who issues the command.</summary>
    public required string Actor { get; init; }

    /// <summary>The lifecycle trigger the command fires when it succeeds (before outcome-dependent refinement).</summary>
    internal abstract TicketTrigger Trigger { get; }

    internal virtual void Validate(ValidationCollector errors)
    {
    }
}

/// <summary>Registers a new ticket from its intake data; a feedback number is generated.</summary>
public sealed record RegisterTicket : TicketCommand
{
    /// <summary>The intake data.</summary>
    public required TicketIntake Intake { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Register;
}

/// <summary>Classifies, prioritises and routes a registered (or reopened) ticket.</summary>
public sealed record TriageTicket : TicketCommand
{
    /// <summary>The category.</summary>
    public required TicketCategory Category { get; init; }

    /// <summary>The assessment on impact scope, urgency and severity.</summary>
    public required PriorityAssessment Assessment { get; init; }

    /// <summary>Routes to this department instead of the routing table's choice, if set.</summary>
    public string? Department { get; init; }

    /// <summary>The first responsible person for cross-department work; overrides the routing rule's.</summary>
    public string? FirstResponsiblePerson { get; init; }

    /// <summary>Table 2's root-cause analysis (问题根源分析), if already known, e.g. "battery batch defect". At most 8,000 characters.</summary>
    public string? RootCauseAnalysis { get; init; }

    /// <summary>Table 2's impact scope in words (影响范围), e.g. "about 500 phones of the batch". At most 8,000 characters.</summary>
    public string? ImpactScopeDescription { get; init; }

    /// <summary>Table 2's planned completion date (计划完成时间), in the desk's zone; not before the day the ticket was received.</summary>
    public NodaTime.LocalDate? PlannedCompletion { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Triage;

    internal override void Validate(ValidationCollector errors)
    {
        if (Assessment is null)
        {
            errors.Add(nameof(Assessment), "is required.");
        }
        else
        {
            Assessment.Validate(errors, nameof(Assessment));
        }

        if (Department is not null)
        {
            errors.Required(Department, nameof(Department));
            errors.Name(Department, nameof(Department));
        }

        if (FirstResponsiblePerson is not null)
        {
            errors.Required(FirstResponsiblePerson, nameof(FirstResponsiblePerson));
            errors.Name(FirstResponsiblePerson, nameof(FirstResponsiblePerson));
        }

        AnalysisFields.Validate(errors, RootCauseAnalysis, ImpactScopeDescription);
    }
}

/// <summary>
/// Records (or updates) table 2's problem analysis of a triaged ticket: the root cause found, the
/// impact scope in words and the planned completion date. At least one is set; a field left null keeps
/// the value recorded before.
/// </summary>
public sealed record RecordAnalysis : TicketCommand
{
    /// <summary>The root-cause analysis (问题根源分析). At most 8,000 characters.</summary>
    public string? RootCauseAnalysis { get; init; }

    /// <summary>The impact scope in words (影响范围). At most 8,000 characters.</summary>
    public string? ImpactScopeDescription { get; init; }

    /// <summary>The planned completion date (计划完成时间), in the desk's zone; not before the day the ticket was received.</summary>
    public NodaTime.LocalDate? PlannedCompletion { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RecordAnalysis;

    internal override void Validate(ValidationCollector errors)
    {
        if (RootCauseAnalysis is null && ImpactScopeDescription is null && PlannedCompletion is null)
        {
            errors.Add(nameof(RootCauseAnalysis), "nothing to record: set RootCauseAnalysis, ImpactScopeDescription or PlannedCompletion.");
        }

        AnalysisFields.Validate(errors, RootCauseAnalysis, ImpactScopeDescription);
    }
}

/// <summary>
/// Records why a ticket is late on an SLA target, and whether the customer was told (the guides:
/// a ticket over its time states the reason in the system and keeps the customer informed). It may
/// be filed before the breach (a delay foreseen) or after; every explanation is kept in the history.
/// </summary>
public sealed record ExplainDelay : TicketCommand
{
    /// <summary>The SLA target the delay is about, by its kind's name (e.g. <c>FirstResponse</c>, <c>Resolution</c>, <c>RevisitAfterResolution</c>); null for the ticket as a whole. At most 64 characters.</summary>
    public string? Target { get; init; }

    /// <summary>Why the ticket is late. Required; at most 8,000 characters.</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the customer has been told of the delay and its reason.</summary>
    public required bool CustomerInformed { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.ExplainDelay;

    internal override void Validate(ValidationCollector errors)
    {
        if (Target is not null && errors.Required(Target, nameof(Target)))
        {
            errors.MaxLength(Target, 64, nameof(Target));
        }

        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
    }
}

/// <summary>The text fields of table 2's analysis, checked alike on every command that records them.</summary>
internal static class AnalysisFields
{
    public static void Validate(ValidationCollector errors, string? rootCause, string? impactScope)
    {
        if (rootCause is not null && errors.Required(rootCause, "RootCauseAnalysis"))
        {
            errors.Text(rootCause, "RootCauseAnalysis");
        }

        if (impactScope is not null && errors.Required(impactScope, "ImpactScopeDescription"))
        {
            errors.Text(impactScope, "ImpactScopeDescription");
        }
    }
}

/// <summary>Overrides the priority the rules gave; a reason is required and recorded.</summary>
public sealed record OverridePriority : TicketCommand
{
    /// <summary>The new priority; not less urgent than the category's floor.</summary>
    public required Priority Priority { get; init; }

    /// <summary>Why the priority is overridden.</summary>
    public required string Reason { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.OverridePriority;

    internal override void Validate(ValidationCollector errors)
    {
        if (!Priority.IsDefined())
        {
            errors.Add(nameof(Priority), $"'{(int)Priority}' is not a priority (P0-P3).");
        }

        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
    }
}

/// <summary>Assigns a triaged ticket to an agent.</summary>
public sealed record AssignTicket : TicketCommand
{
    /// <summary>The agent.</summary>
    public required string Assignee { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Assign;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(Assignee, nameof(Assignee));
        errors.Name(Assignee, nameof(Assignee));
    }
}

/// <summary>Transfers an assigned ticket to another agent, optionally in another department.</summary>
public sealed record ReassignTicket : TicketCommand
{
    /// <summary>The new agent; different from the current one.</summary>
    public required string Assignee { get; init; }

    /// <summary>The new department, if the ticket changes department.</summary>
    public string? Department { get; init; }

    /// <summary>Why the ticket is transferred.</summary>
    public required string Reason { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Reassign;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(Assignee, nameof(Assignee));
        errors.Name(Assignee, nameof(Assignee));
        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
        if (Department is not null)
        {
            errors.Required(Department, nameof(Department));
        }

        errors.Name(Department, nameof(Department));
    }
}

/// <summary>The assigned agent starts working on the ticket.</summary>
public sealed record StartWork : TicketCommand
{
    internal override TicketTrigger Trigger => TicketTrigger.StartWork;
}

/// <summary>Records a reply to the customer; the first one stops the first-response clock.</summary>
public sealed record RecordResponse : TicketCommand
{
    /// <summary>A short summary of the reply, if the host records one.</summary>
    public string? Summary { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RecordResponse;

    internal override void Validate(ValidationCollector errors) => errors.Text(Summary, nameof(Summary));
}

/// <summary>Puts the ticket on hold waiting for the customer (the resolution clock pauses).</summary>
public sealed record AwaitCustomer : TicketCommand
{
    /// <summary>What the customer is asked for.</summary>
    public required string Reason { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.AwaitCustomer;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
    }
}

/// <summary>The customer answered: work resumes.</summary>
public sealed record ResumeWork : TicketCommand
{
    internal override TicketTrigger Trigger => TicketTrigger.ResumeWork;
}

/// <summary>Escalates the ticket to a higher support level.</summary>
public sealed record EscalateTicket : TicketCommand
{
    /// <summary>The new support level (1–9), above the current one.</summary>
    public required int Level { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>Who or which team it is escalated to, if named.</summary>
    public string? EscalatedTo { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Escalate;

    internal override void Validate(ValidationCollector errors)
    {
        if (Level is < 1 or > 9)
        {
            errors.Add(nameof(Level), $"must be between 1 and 9; it was {Level}.");
        }

        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
        errors.Name(EscalatedTo, nameof(EscalatedTo));
    }
}

/// <summary>Resolves the ticket with its solution; the revisit becomes due.</summary>
public sealed record ResolveTicket : TicketCommand
{
    /// <summary>The solution; a ticket cannot be resolved while it is empty.</summary>
    public required string Solution { get; init; }

    /// <summary>The resources used to resolve it (所用资源: parts, engineer visits, tools), if recorded. At most 8,000 characters.</summary>
    public string? ResourcesUsed { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Resolve;

    internal override void Validate(ValidationCollector errors)
    {
        if (string.IsNullOrWhiteSpace(Solution))
        {
            errors.Add(nameof(Solution), "is empty: a ticket cannot be resolved until its solution is recorded.");
        }
        else
        {
            errors.MaxLength(Solution, TicketIntake.MaxTextLength, nameof(Solution));
        }

        if (ResourcesUsed is not null && errors.Required(ResourcesUsed, nameof(ResourcesUsed)))
        {
            errors.Text(ResourcesUsed, nameof(ResourcesUsed));
        }
    }
}

/// <summary>Records a revisit attempt that did not reach the customer.</summary>
public sealed record RecordRevisitAttempt : TicketCommand
{
    /// <summary>How the revisit was tried.</summary>
    public required RevisitMethod Method { get; init; }

    /// <summary>A note, e.g. "no answer".</summary>
    public string? Note { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RecordRevisitAttempt;

    internal override void Validate(ValidationCollector errors)
    {
        if (!Enum.IsDefined(Method))
        {
            errors.Add(nameof(Method), $"'{(int)Method}' is not a revisit method.");
        }

        errors.Text(Note, nameof(Note));
    }
}

/// <summary>
/// Records the revisit outcome. When the customer was reached, <see cref="Resolved"/> is required,
/// and <see cref="Score"/> too unless the answer is "not resolved"; a "no" or a score at or below the unsatisfied threshold
/// reopens the ticket to triage. Set <see cref="Unreachable"/> to close the revisit as
/// unreachable after the allowed number of failed attempts.
/// </summary>
public sealed record RecordRevisit : TicketCommand
{
    /// <summary>How the revisit was made.</summary>
    public required RevisitMethod Method { get; init; }

    /// <summary>Whether the customer says the problem is resolved.</summary>
    public bool? Resolved { get; init; }

    /// <summary>The satisfaction score, 1–5.</summary>
    public int? Score { get; init; }

    /// <summary>The customer's suggestions, if any.</summary>
    public string? Suggestions { get; init; }

    /// <summary>The customer could not be reached after the allowed attempts.</summary>
    public bool Unreachable { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RevisitSatisfied;

    internal override void Validate(ValidationCollector errors)
    {
        if (!Enum.IsDefined(Method))
        {
            errors.Add(nameof(Method), $"'{(int)Method}' is not a revisit method.");
        }

        if (Unreachable)
        {
            if (Resolved is not null || Score is not null)
            {
                errors.Add(nameof(Unreachable), "an unreachable revisit has no Resolved answer and no Score.");
            }

            return;
        }

        if (Resolved is null)
        {
            errors.Add(nameof(Resolved), "is required when the customer was reached.");
        }

        if (Score is null && Resolved != false)
        {
            errors.Add(nameof(Score), "is required when the customer was reached and says the problem is resolved (1-5).");
        }
        else if (Score is < 1 or > 5)
        {
            errors.Add(nameof(Score), $"must be between 1 and 5; it was {Score}.");
        }

        errors.Text(Suggestions, nameof(Suggestions));
    }
}

/// <summary>
/// Closes and archives a revisited ticket; or, with <see cref="ClosedBySource"/>, a resolved ticket
/// that the system it was imported from closed without a revisit.
/// </summary>
public sealed record CloseTicket : TicketCommand
{
    /// <summary>
    /// For imported history only: why and where the source system closed the ticket without a revisit
    /// (e.g. <c>closed in servicenow</c>). The ticket closes from resolved, its revisit is never due, and
    /// the revisit KPIs leave it out. Null (the default): the guides' closure after a revisit.
    /// </summary>
    public string? ClosedBySource { get; init; }

    internal override TicketTrigger Trigger => ClosedBySource is null ? TicketTrigger.Close : TicketTrigger.CloseBySource;

    internal override void Validate(ValidationCollector errors)
    {
        if (ClosedBySource is not null)
        {
            errors.Required(ClosedBySource, nameof(ClosedBySource));
        }
    }
}

/// <summary>Cancels the ticket with a reason.</summary>
public sealed record CancelTicket : TicketCommand
{
    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.Cancel;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
    }
}

/// <summary>Marks the ticket as a duplicate of another one.</summary>
public sealed record MarkDuplicate : TicketCommand
{
    /// <summary>The feedback number of the ticket it duplicates.</summary>
    public required string DuplicateOf { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.MarkDuplicate;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(DuplicateOf, nameof(DuplicateOf));
        errors.MaxLength(DuplicateOf, 64, nameof(DuplicateOf));
        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
    }
}

/// <summary>Attaches the customer's survey answers to a resolved, revisited or closed ticket.</summary>
public sealed record RecordSurvey : TicketCommand
{
    /// <summary>The answers; at least one, each in its range.</summary>
    public required SurveyAnswers Answers { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RecordSurvey;

    internal override void Validate(ValidationCollector errors)
    {
        if (Answers is null)
        {
            errors.Add(nameof(Answers), "is required.");
        }
        else
        {
            Answers.Validate(errors, nameof(Answers));
        }
    }
}

/// <summary>Records a quality inspector's verdict on a closed ticket (feeds the service-accuracy KPI).</summary>
public sealed record RecordInspection : TicketCommand
{
    /// <summary>Whether the answer given to the customer was accurate.</summary>
    public required bool Accurate { get; init; }

    /// <summary>The inspector's notes.</summary>
    public string? Notes { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RecordInspection;

    internal override void Validate(ValidationCollector errors) => errors.Text(Notes, nameof(Notes));
}

/// <summary>Records that the host sent the satisfaction survey (so the survey schedule stops listing it).</summary>
public sealed record RecordSurveySent : TicketCommand
{
    /// <summary>How it was sent (e.g. <c>sms</c>, <c>email</c>, <c>app</c>).</summary>
    public required string Channel { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.RecordSurveySent;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(Channel, nameof(Channel));
        errors.MaxLength(Channel, 64, nameof(Channel));
    }
}

/// <summary>
/// Erases (anonymises) the customer's personal data on request: name, contact and address become
/// <see cref="PersonalDataErased.Placeholder"/> in the ticket's state; the history, the KPIs and
/// every other field stay as they are.
/// </summary>
public sealed record EraseCustomerData : TicketCommand
{
    /// <summary>The request's reference (e.g. the data-subject request number).</summary>
    public required string Reason { get; init; }

    internal override TicketTrigger Trigger => TicketTrigger.ErasePersonalData;

    internal override void Validate(ValidationCollector errors)
    {
        errors.Required(Reason, nameof(Reason));
        errors.Text(Reason, nameof(Reason));
    }
}
