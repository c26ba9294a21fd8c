using AfterSales.Quality.Prioritization;
using NodaTime;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// The pure decision function of the ticket aggregate: given the current state and a command,
/// either the events to append or an exception (and then nothing changes).
/// </summary>
internal static class TicketDecider
{
    /// <summary>Validates the command and checks it against the lifecycle and the rules; returns the trigger it fires.</summary>
    public static TicketTrigger Check(Ticket ticket, TicketCommand command, Instant now, TicketServiceOptions options)
    {
        CheckShape(command, now, options);
        if (ticket.State == TicketState.None && command is not RegisterTicket)
        {
            throw new TicketNotFoundException(command.TicketId);
        }

        var trigger = RefineTrigger(ticket, command, options, now);
        if (!TicketLifecycle.CanFire(ticket.State, trigger))
        {
            throw new IllegalTicketCommandException(ticket.Id, ticket.State, command.GetType().Name, trigger);
        }

        CheckRules(ticket, command, options);
        return trigger;
    }

    /// <summary>Validates the command's own fields (ids, actor, the command's values), whatever the ticket: every error named.</summary>
    public static void CheckShape(TicketCommand command, Instant now, TicketServiceOptions options)
    {
        var errors = new ValidationCollector(command.GetType().Name);
        if (command.TicketId.IsEmpty)
        {
            errors.Add(nameof(TicketCommand.TicketId), "must not be empty (use TicketId.New()).");
        }

        if (command.CommandId == Guid.Empty)
        {
            errors.Add(nameof(TicketCommand.CommandId), "must not be empty (use Guid.NewGuid(), and reuse it when retrying).");
        }

        errors.Required(command.Actor, nameof(TicketCommand.Actor));
        errors.Name(command.Actor, nameof(TicketCommand.Actor));
        if (command is RegisterTicket register)
        {
            if (register.Intake is null)
            {
                errors.Add(nameof(RegisterTicket.Intake), "is required.");
            }
            else
            {
                register.Intake.Validate(errors, now, options.Numbering.TimeZone);
            }
        }
        else
        {
            command.Validate(errors);
        }

        errors.ThrowIfAny();
    }

    /// <summary>Decides the events of a command. <paramref name="documentNumber"/> is the feedback number of a registration or the revisit number of a revisit.</summary>
    public static IReadOnlyList<TicketEvent> Decide(Ticket ticket, TicketCommand command, Instant now, TicketServiceOptions options, string? documentNumber)
    {
        var trigger = Check(ticket, command, now, options);
        var id = command.TicketId;
        var actor = command.Actor;
        var commandId = command.CommandId;
        switch (command)
        {
            case RegisterTicket r:
                return [new TicketRegistered { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, FeedbackNumber = RequireNumber(documentNumber), Intake = r.Intake }];
            case TriageTicket t:
            {
                var decision = options.PriorityRules.Decide(t.Category, t.Assessment);
                var (route, rule) = options.Routing.RouteFor(t.Category, decision.Priority);
                if (t.Department is not null)
                {
                    route = route with { Department = t.Department, Queue = null };
                    rule = "manual";
                }

                if (t.FirstResponsiblePerson is not null)
                {
                    route = route with { FirstResponsiblePerson = t.FirstResponsiblePerson };
                }

                TicketEvent triagedEvent = new TicketTriaged
                {
                    TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId,
                    Category = t.Category, Assessment = t.Assessment, Priority = decision.Priority,
                    PriorityRule = decision.RaisedByFloor ? $"{decision.Rule}+floor" : decision.Rule,
                    Route = route, RoutingRule = rule, IsRetriage = ticket.State == TicketState.Reopened,
                    RootCauseAnalysis = t.RootCauseAnalysis, ImpactScopeDescription = t.ImpactScopeDescription, PlannedCompletion = t.PlannedCompletion,
                };
                return t.Category == TicketCategory.Complaint
                    ? [triagedEvent, NegativeFeedback(ticket, route, command, now, options, "complaint")]
                    : [triagedEvent];
            }

            case RecordAnalysis a:
                return [new AnalysisRecorded { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, RootCauseAnalysis = a.RootCauseAnalysis, ImpactScopeDescription = a.ImpactScopeDescription, PlannedCompletion = a.PlannedCompletion }];
            case ExplainDelay d:
                return [new DelayExplained { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Target = d.Target, Reason = d.Reason, CustomerInformed = d.CustomerInformed }];
            case OverridePriority o:
                return [new PriorityOverridden { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, PreviousPriority = ticket.Priority!.Value, Priority = o.Priority, Reason = o.Reason }];
            case AssignTicket a:
                return [new TicketAssigned { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Assignee = a.Assignee }];
            case ReassignTicket r:
            {
                var department = ticket.Route?.Department ?? Departments.AfterSalesService;
                return [new TicketReassigned
                {
                    TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId,
                    PreviousAssignee = ticket.Assignee!, Assignee = r.Assignee,
                    PreviousDepartment = department, Department = r.Department ?? department, Reason = r.Reason,
                }];
            }

            case StartWork:
                return [new WorkStarted { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId }];
            case RecordResponse r:
                return [new ResponseRecorded { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Summary = r.Summary, IsFirstResponse = ticket.FirstResponseAt is null }];
            case AwaitCustomer w:
                return [new PendingCustomerStarted { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Reason = w.Reason }];
            case ResumeWork:
                return [new PendingCustomerEnded { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId }];
            case EscalateTicket x:
                return [new TicketEscalated { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Level = x.Level, Reason = x.Reason, EscalatedTo = x.EscalatedTo }];
            case ResolveTicket r:
                return [new TicketResolved { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Solution = r.Solution, ResourcesUsed = r.ResourcesUsed, Cycle = ticket.ResolutionCycle }];
            case RecordRevisitAttempt a:
                return [new RevisitAttemptFailed { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Method = a.Method, Attempt = ticket.RevisitAttempts + 1, Note = a.Note }];
            case RecordRevisit v:
            {
                var outcome = trigger switch
                {
                    TicketTrigger.RevisitUnreachable => RevisitOutcome.Unreachable,
                    TicketTrigger.RevisitUnsatisfied => RevisitOutcome.Unsatisfied,
                    _ => RevisitOutcome.Satisfied,
                };
                var recorded = new RevisitRecorded
                {
                    TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId,
                    RevisitNumber = RequireNumber(documentNumber), Method = v.Method, Outcome = outcome,
                    Resolved = v.Resolved, Score = v.Score, Suggestions = v.Suggestions,
                };
                if (outcome != RevisitOutcome.Unsatisfied)
                {
                    return [recorded];
                }

                var reason = v.Resolved == false
                    ? "The customer says the problem is not resolved."
                    : $"Satisfaction score {v.Score} is at or below the threshold {options.Revisit.UnsatisfiedScoreThreshold}.";
                return
                [
                    recorded,
                    new TicketReopened { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Reason = reason, ReopenCount = ticket.ReopenCount + 1 },
                    NegativeFeedback(ticket, ticket.Route, command, now, options, "unsatisfied-revisit"),
                ];
            }

            case RecordSurvey survey:
            {
                TicketEvent answered = new SurveyAnswered { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Answers = survey.Answers, Cycle = ticket.ResolutionCycle };
                if (trigger == TicketTrigger.SurveyDissatisfied)
                {
                    var reopened = new TicketReopened
                    {
                        TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, BySurvey = true, ReopenCount = ticket.ReopenCount + 1,
                        Reason = $"Survey satisfaction {survey.Answers.OverallSatisfaction} is at or below the threshold {options.NegativeFeedback.LowScoreThreshold}, within {options.NegativeFeedback.SurveyReopenWindow} of the resolution.",
                    };
                    return [answered, reopened, NegativeFeedback(ticket, ticket.Route, command, now, options, "low-survey-score")];
                }

                return survey.Answers.OverallSatisfaction <= options.NegativeFeedback.LowScoreThreshold
                    ? [answered, NegativeFeedback(ticket, ticket.Route, command, now, options, "low-survey-score")]
                    : [answered];
            }

            case EraseCustomerData erase:
                return [new PersonalDataErased { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Reason = erase.Reason }];
            case RecordSurveySent sent:
                return [new SurveySent { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Channel = sent.Channel, Cycle = ticket.ResolutionCycle }];
            case RecordInspection inspection:
                return [new QualityInspected { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Accurate = inspection.Accurate, Notes = inspection.Notes }];
            case CloseTicket close:
                return [new TicketClosed { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, ClosedBySource = close.ClosedBySource }];
            case CancelTicket c:
                return [new TicketCancelled { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, Reason = c.Reason }];
            case MarkDuplicate d:
                return [new TicketMarkedDuplicate { TicketId = id, OccurredAt = now, Actor = actor, CommandId = commandId, DuplicateOf = d.DuplicateOf, Reason = d.Reason }];
            default:
                throw new ArgumentException($"'{command.GetType().FullName}' is not a ticket command this version handles.", nameof(command));
        }
    }

    private static NegativeFeedbackRaised NegativeFeedback(Ticket ticket, Route? route, TicketCommand command, Instant now, TicketServiceOptions options, string reason) => new()
    {
        TicketId = ticket.Id, OccurredAt = now, Actor = command.Actor, CommandId = command.CommandId,
        Owner = route?.FirstResponsiblePerson ?? options.NegativeFeedback.Owner, Reason = reason,
    };

    private static string RequireNumber(string? number) =>
        number ?? throw new InvalidOperationException("A document number is required for this command; use TicketService.");

    private static TicketTrigger RefineTrigger(Ticket ticket, TicketCommand command, TicketServiceOptions options, Instant now) => command switch
    {
        RecordRevisit { Unreachable: true } => TicketTrigger.RevisitUnreachable,
        RecordRevisit v when v.Resolved == false || v.Score <= options.Revisit.UnsatisfiedScoreThreshold => TicketTrigger.RevisitUnsatisfied,
        RecordSurvey s when ReopensOnSurvey(ticket, s, options, now) => TicketTrigger.SurveyDissatisfied,
        _ => command.Trigger,
    };

    /// <summary>A dissatisfied survey after the revisit (revisited or closed), within the window from the latest resolution.</summary>
    private static bool ReopensOnSurvey(Ticket ticket, RecordSurvey survey, TicketServiceOptions options, Instant now) =>
        ticket.State is TicketState.Revisited or TicketState.Closed
        && survey.Answers?.OverallSatisfaction is { } score && score <= options.NegativeFeedback.LowScoreThreshold
        && options.NegativeFeedback.SurveyReopenWindow > TimeSpan.Zero
        && ticket.ResolvedAt is { } resolved && now - resolved <= Duration.FromTimeSpan(options.NegativeFeedback.SurveyReopenWindow);

    private static void CheckRules(Ticket ticket, TicketCommand command, TicketServiceOptions options)
    {
        var plannedCompletion = command switch
        {
            TriageTicket t => t.PlannedCompletion,
            RecordAnalysis a => a.PlannedCompletion,
            _ => null,
        };
        if (plannedCompletion is { } planned && ticket.Intake is { } intake && planned < intake.ReceivedAt.InZone(options.Numbering.TimeZone).Date)
        {
            var received = intake.ReceivedAt.InZone(options.Numbering.TimeZone).Date;
            throw new QualityValidationException(command.GetType().Name, [new ValidationError(nameof(RecordAnalysis.PlannedCompletion), $"{planned:uuuu-MM-dd} is before the day the ticket was received ({received:uuuu-MM-dd}).")]);
        }

        switch (command)
        {
            case OverridePriority o when o.Priority == ticket.Priority:
                throw new TicketRuleViolationException(ticket.Id, ticket.State, "priority-unchanged", $"The priority is already {o.Priority}; an override must change it.");
            case OverridePriority o when options.PriorityRules.FloorFor(ticket.Category!.Value).IsMoreUrgentThan(o.Priority):
                throw new TicketRuleViolationException(ticket.Id, ticket.State, "priority-floor", $"{ticket.Category} tickets may not be less urgent than {options.PriorityRules.FloorFor(ticket.Category!.Value)}; {o.Priority} was requested.");
            case ReassignTicket r when string.Equals(r.Assignee, ticket.Assignee, StringComparison.Ordinal) && (r.Department is null || r.Department == ticket.Route?.Department):
                throw new TicketRuleViolationException(ticket.Id, ticket.State, "same-assignee", $"The ticket is already assigned to {r.Assignee}.");
            case EscalateTicket x when x.Level <= ticket.EscalationLevel:
                throw new TicketRuleViolationException(ticket.Id, ticket.State, "escalation-level", $"The ticket is at support level {ticket.EscalationLevel}; an escalation must go higher, {x.Level} was requested.");
            case CloseTicket { ClosedBySource: not null } when !options.AllowClosureBySource:
                throw new TicketRuleViolationException(ticket.Id, ticket.State, "revisit-before-closure", "A ticket closes only after its revisit; CloseTicket.ClosedBySource is for imported history and needs TicketServiceOptions.AllowClosureBySource (the importers set it on their own service).");
            case RecordRevisit { Unreachable: true } when ticket.RevisitAttempts < options.Revisit.UnreachableAfterAttempts:
                throw new TicketRuleViolationException(ticket.Id, ticket.State, "revisit-attempts", $"The customer may be recorded as unreachable after {options.Revisit.UnreachableAfterAttempts} failed attempts; {ticket.RevisitAttempts} are recorded.");
        }
    }
}
