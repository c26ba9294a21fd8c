using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>
/// Turns one case's mapped rows into ticket commands by running them through a ticket service (the
/// stage), adding the steps the lifecycle requires. The plan depends only on the rows, so a re-run
/// produces the same commands with the same ids, which the real store then recognises as applied.
/// The stage is either a scratch (numbers that do not count), whose plan is then applied to the store's
/// ticket, or, for a case new to a batch store, the staged service itself: then every command is decided
/// once, and its events are already the ones the batch writes.
/// </summary>
internal sealed class CasePlanner
{
    private const string Importer = "import";
    private readonly EventLogMapping mapping;
    private readonly string caseId;
    private readonly TicketId ticketId;
    private readonly TicketService service;
    private readonly ImportClock clock;
    private readonly List<PlannedCommand> plan = [];
    private readonly Dictionary<string, int> kinds = new(StringComparer.Ordinal);
    private readonly List<ImportProblem> problems;
    private readonly List<ImportProblem> notices;
    private readonly TicketServiceOptions options;
    private readonly IReadOnlyDictionary<string, PriorityAssessment> assessments;
    private readonly IReadOnlyDictionary<string, ServiceChannel> channels;
    private string? assessed;
    private Instant floor;
    private CaseStep? closeRow;
    private Ticket ticket;
    private int line;
    private string identity = "";

    private CasePlanner(EventLogMapping mapping, string caseId, TicketServiceOptions options, List<ImportProblem> problems, List<ImportProblem> notices, CaseStage stage, PlanLookups lookups)
    {
        service = stage.Service;
        clock = stage.Clock;
        this.options = options;
        assessments = lookups.Assessments;
        channels = lookups.Channels;
        this.notices = notices;
        this.mapping = mapping;
        this.caseId = caseId;
        this.problems = problems;
        ticketId = ImportIds.Ticket(mapping.Source, caseId);
        ticket = Ticket.Empty(ticketId);
    }

    /// <summary>Plans a case on a stage whose store holds the case's ticket as new; null when the case cannot even be registered (reported, with the reason).</summary>
    public static async Task<IReadOnlyList<PlannedCommand>?> PlanAsync(EventLogMapping mapping, string caseId, IReadOnlyList<CaseStep> steps, TicketServiceOptions options, List<ImportProblem> problems, List<ImportProblem> notices, CaseStage stage, PlanLookups lookups)
    {
        var planner = new CasePlanner(mapping, caseId, options, problems, notices, stage, lookups);
        var opened = steps[0].OpenedAt is { } o && o < steps[0].At ? o : steps[0].At;
        planner.clock.Now = opened;
        planner.identity = steps[0].Identity;
        planner.line = steps[0].Line;
        await planner.RegisterAsync(steps[0]).ConfigureAwait(false);
        foreach (var row in steps)
        {
            // Rows ordered by an ordering column may carry an earlier time than the row before: time never runs back.
            planner.clock.Now = row.At > planner.floor ? row.At : planner.floor;
            planner.line = row.Line;
            if (planner.identity != row.Identity)
            {
                planner.identity = row.Identity;
                planner.kinds.Clear();
            }

            if (row.Action == ImportAction.Close)
            {
                planner.closeRow = row;
            }
            else if (row.Action != ImportAction.Ignore)
            {
                planner.closeRow = null; // worked on after the source closed it: the closure was not its last word
            }

            await planner.ApplyAsync(row, steps[0]).ConfigureAwait(false);
            if (planner.ticket.State == TicketState.None)
            {
                problems.Add(new ImportProblem(steps[0].Line, caseId, $"the case is not imported: it cannot be registered ({string.Join(" ", problems.Where(p => p.CaseId == caseId).Select(p => p.Reason))})."));
                return null;
            }
        }

        if (planner.closeRow is { } closed && mapping.CloseBySource && planner.ticket.State == TicketState.Resolved)
        {
            // The source closed the case and nothing followed: closed by its source, with the reason recorded, not a made-up revisit.
            planner.identity = closed.Identity;
            planner.line = closed.Line;
            planner.clock.Now = closed.ClosedAt is { } at && at > planner.floor ? at : planner.floor;
            await planner.RunAsync(new CloseTicket { TicketId = planner.ticketId, CommandId = Guid.Empty, Actor = Importer, ClosedBySource = $"closed in {mapping.Source} without a revisit (line {closed.Line})" }).ConfigureAwait(false);
        }

        return planner.plan;
    }

    private async Task ApplyAsync(CaseStep row, CaseStep first)
    {
        if (ticket.State == TicketState.None)
        {
            await RegisterAsync(first).ConfigureAwait(false);
        }

        if (TicketLifecycle.IsTerminal(ticket.State))
        {
            if (row.Action != ImportAction.Ignore)
            {
                notices.Add(new ImportProblem(row.Line, caseId, $"the row ({row.Action}) is not applied: the ticket is already {ticket.State}."));
            }

            return;
        }

        if (row.Assessment is { } key && assessed is not null && !string.Equals(key, assessed, StringComparison.OrdinalIgnoreCase))
        {
            await RejudgeAsync(row, key).ConfigureAwait(false);
        }

        if (row.Level is { } level && level > ticket.EscalationLevel && (IsWorkPhase || ticket.State is TicketState.Registered or TicketState.Reopened))
        {
            await EnsureTriagedAsync(row).ConfigureAwait(false);
            await RunAsync(new EscalateTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer, Level = level, Reason = $"support level {level} (line {row.Line})" }).ConfigureAwait(false);
        }
        else if (row.Level is { } notApplied && notApplied > ticket.EscalationLevel)
        {
            notices.Add(new ImportProblem(row.Line, caseId, $"the rise to support level {notApplied} is not applied: the lifecycle escalates only before the resolution, and the ticket is {ticket.State}."));
        }

        if (row.Team is { Length: > 0 } team && ticket.Route is { } route && !string.Equals(route.Department, team, StringComparison.Ordinal)
            && ticket.State is TicketState.Assigned or TicketState.InProgress or TicketState.PendingCustomer)
        {
            await ResumeIfPendingAsync().ConfigureAwait(false);
            await RunAsync(new ReassignTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Assignee = row.Agent ?? ticket.Assignee!, Department = team, Reason = $"transferred to {team} (line {row.Line})" }).ConfigureAwait(false);
        }
        else if (row.Team is { } otherTeam && ticket.Route is { } current && !string.Equals(current.Department, otherTeam, StringComparison.Ordinal)
            && ticket.State is not (TicketState.Registered or TicketState.Reopened))
        {
            notices.Add(new ImportProblem(row.Line, caseId, $"the transfer to '{otherTeam}' is not applied: the lifecycle transfers a ticket only while it is assigned or in progress, and it is {ticket.State}."));
        }

        switch (row.Action)
        {
            case ImportAction.Register or ImportAction.Ignore:
                break;
            case ImportAction.Triage:
                await EnsureTriagedAsync(row).ConfigureAwait(false);
                break;
            case ImportAction.Assign:
                if (IsWorkPhase || ticket.State is TicketState.Registered or TicketState.Reopened or TicketState.Resolved)
                {
                    await EnsureAssignedAsync(row).ConfigureAwait(false);
                }

                break;
            case ImportAction.TakeInCharge:
                await EnsureInProgressAsync(row).ConfigureAwait(false);
                if (ticket.FirstResponseAt is null)
                {
                    await RunAsync(new RecordResponse { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer, Summary = "taken in charge" }).ConfigureAwait(false);
                }

                break;
            case ImportAction.StartWork:
                await EnsureInProgressAsync(row).ConfigureAwait(false);
                break;
            case ImportAction.AwaitCustomer:
                if (ticket.State is not (TicketState.Revisited or TicketState.PendingCustomer))
                {
                    await EnsureInProgressAsync(row).ConfigureAwait(false);
                    await RunAsync(new AwaitCustomer { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer, Reason = $"waiting on the customer (line {row.Line})" }).ConfigureAwait(false);
                }

                break;
            case ImportAction.Escalate:
                if (IsWorkPhase || ticket.State is TicketState.Registered or TicketState.Reopened)
                {
                    await EnsureTriagedAsync(row).ConfigureAwait(false);
                    await RunAsync(new EscalateTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer, Level = Math.Min(9, ticket.EscalationLevel + 1), Reason = $"upgrade required (line {row.Line})" }).ConfigureAwait(false);
                }
                else
                {
                    notices.Add(new ImportProblem(row.Line, caseId, $"the escalation is not applied: the lifecycle escalates only before the resolution, and the ticket is {ticket.State}."));
                }

                break;
            case ImportAction.Resolve or ImportAction.Close:
                if (ticket.State is not (TicketState.Resolved or TicketState.Revisited))
                {
                    await EnsureInProgressAsync(row).ConfigureAwait(false);

                    // The source's own resolution (or closure) instant is authoritative; it never runs time back.
                    var authoritative = row.Action == ImportAction.Close ? row.ResolvedAt ?? row.ClosedAt : row.ResolvedAt;
                    if (authoritative is { } at)
                    {
                        clock.Now = at > floor ? at : floor;
                    }

                    await RunAsync(new ResolveTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer, Solution = $"Resolved in {mapping.Source} (line {row.Line})." }).ConfigureAwait(false);
                }

                break;
            case ImportAction.Cancel:
                if (ticket.State is not (TicketState.Resolved or TicketState.Revisited))
                {
                    await RunAsync(new CancelTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer, Reason = $"Cancelled in {mapping.Source} (line {row.Line})." }).ConfigureAwait(false);
                }
                else
                {
                    notices.Add(new ImportProblem(row.Line, caseId, $"the cancellation is not applied: a {ticket.State} ticket cannot be cancelled, it keeps its resolution."));
                }

                break;
        }
    }

    private bool IsWorkPhase => ticket.State is TicketState.Triaged or TicketState.Assigned or TicketState.InProgress or TicketState.PendingCustomer;

    private async Task RegisterAsync(CaseStep first)
    {
        var channel = mapping.Channel;
        if (first.Channel is { } channelText)
        {
            if (channels.TryGetValue(channelText, out var mapped))
            {
                channel = mapped;
            }
            else
            {
                try
                {
                    channel = new ServiceChannel(channelText.ToLowerInvariant().Replace(' ', '-'));
                }
                catch (ArgumentException ex)
                {
                    notices.Add(new ImportProblem(first.Line, caseId, $"channel '{channelText}' is not a channel name ({ex.Message}); the case has channel {mapping.Channel}."));
                }
            }
        }

        var intake = new TicketIntake
        {
            CustomerName = string.IsNullOrWhiteSpace(first.Customer) ? "(anonymised)" : first.Customer,
            Contact = "anonymous@import.invalid",
            ProductModel = string.IsNullOrWhiteSpace(first.Product) ? "(unknown)" : first.Product,
            Channel = channel,
            ReceivedAt = clock.Now,
            Description = $"Imported from {mapping.Source}, case {caseId}.",
            ServiceTicketNumber = caseId.Length <= 64 ? caseId : caseId[..64],
            Owner = Importer,
        };
        await RunAsync(new RegisterTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Intake = intake }).ConfigureAwait(false);
    }

    private async Task RejudgeAsync(CaseStep row, string key)
    {
        assessed = key;
        if (!assessments.TryGetValue(key, out var assessment) || ticket.Priority is not { } current)
        {
            return;
        }

        var judged = options.PriorityRules.Decide(ticket.Category ?? mapping.Category, assessment).Priority;
        if (judged == current)
        {
            return;
        }

        if (IsWorkPhase)
        {
            await RunAsync(new OverridePriority { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Priority = judged, Reason = $"re-judged: the assessment changed to {key} in {mapping.Source} (line {row.Line})" }).ConfigureAwait(false);
        }
        else
        {
            notices.Add(new ImportProblem(row.Line, caseId, $"the assessment changed to {key} (priority {judged}) while the ticket is {ticket.State}; the lifecycle changes a priority only during work, so it stays {current}."));
        }
    }

    private async Task EnsureTriagedAsync(CaseStep row)
    {
        if (ticket.State is TicketState.Registered or TicketState.Reopened)
        {
            var key = row.Assessment ?? assessed;
            var assessment = key is not null && assessments.TryGetValue(key, out var a) ? a : new PriorityAssessment();
            assessed = key;
            await RunAsync(new TriageTicket
            {
                TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Category = mapping.Category, Assessment = assessment,
                Department = string.IsNullOrWhiteSpace(row.Team) ? null : row.Team,
            }).ConfigureAwait(false);
        }
    }

    private async Task EnsureAssignedAsync(CaseStep row)
    {
        if (ticket.State == TicketState.Resolved)
        {
            // Work restarts after a resolution: the customer was not satisfied. The source has no revisit, so it is recorded as one answered "not resolved".
            await RunAsync(new RecordRevisit { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Method = RevisitMethod.Online, Resolved = false, Suggestions = $"Reopened in {mapping.Source} (line {row.Line})." }).ConfigureAwait(false);
        }

        await EnsureTriagedAsync(row).ConfigureAwait(false);
        var agent = string.IsNullOrWhiteSpace(row.Agent) ? null : row.Agent;
        if (ticket.State == TicketState.Triaged)
        {
            await RunAsync(new AssignTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Assignee = agent ?? "unassigned" }).ConfigureAwait(false);
        }
        else if (agent is not null && !string.Equals(agent, ticket.Assignee, StringComparison.Ordinal) && ticket.State is TicketState.Assigned or TicketState.InProgress or TicketState.PendingCustomer)
        {
            await ResumeIfPendingAsync().ConfigureAwait(false);
            await RunAsync(new ReassignTicket { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer, Assignee = agent, Reason = $"taken over by {agent} (line {row.Line})" }).ConfigureAwait(false);
        }
    }

    private async Task EnsureInProgressAsync(CaseStep row)
    {
        if (ticket.State == TicketState.PendingCustomer)
        {
            await ResumeIfPendingAsync().ConfigureAwait(false);
        }

        await EnsureAssignedAsync(row).ConfigureAwait(false);
        if (ticket.State == TicketState.PendingCustomer)
        {
            await ResumeIfPendingAsync().ConfigureAwait(false);
        }

        if (ticket.State == TicketState.Assigned)
        {
            await RunAsync(new StartWork { TicketId = ticketId, CommandId = Guid.Empty, Actor = row.Agent ?? Importer }).ConfigureAwait(false);
        }
    }

    private async Task ResumeIfPendingAsync()
    {
        if (ticket.State == TicketState.PendingCustomer)
        {
            await RunAsync(new ResumeWork { TicketId = ticketId, CommandId = Guid.Empty, Actor = Importer }).ConfigureAwait(false);
        }
    }


    private async Task RunAsync(TicketCommand command)
    {
        // The id names the source row and what it asked for, not a step number: a late row elsewhere in the case leaves it unchanged.
        var kind = command.GetType().Name;
        var occurrence = kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        command = command with { CommandId = ImportIds.Command(mapping.Source, caseId, $"{identity}|{kind}|{occurrence}") };
        try
        {
            ticket = (await service.ExecuteAsync(command).ConfigureAwait(false)).Ticket;
            plan.Add(new PlannedCommand(clock.Now, line, command));
            floor = clock.Now;
        }
        catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
        {
            problems.Add(new ImportProblem(line, caseId, $"{command.GetType().Name} could not be applied: {ex.Message}"));
        }
    }
}

/// <summary>Where a case is planned: a ticket service, the staged store it writes to (reset to the case's new ticket first) and its clock.</summary>
internal sealed record CaseStage(TicketService Service, StagingStore Store, ImportClock Clock)
{
    /// <summary>A scratch stage: the plan only, its numbers do not count (every number drawn is the first).</summary>
    public static CaseStage Scratch(TicketServiceOptions options)
    {
        var store = new StagingStore();
        var clock = new ImportClock();
        return new CaseStage(new TicketService(store, new ScratchSequences(), clock, options), store, clock);
    }

    private sealed class ScratchSequences : ISequenceStore
    {
        public ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(1L);
    }
}

/// <summary>The mapping's lookups, built once per import rather than once per case (the mapping does not change during an import).</summary>
internal sealed record PlanLookups(IReadOnlyDictionary<string, PriorityAssessment> Assessments, IReadOnlyDictionary<string, ServiceChannel> Channels)
{
    /// <summary>The lookups of a mapping: its effective assessments and its channels, both case-insensitive.</summary>
    public static PlanLookups For(EventLogMapping mapping) =>
        new(mapping.EffectiveAssessments().Lookup, new Dictionary<string, ServiceChannel>(mapping.Channels, StringComparer.OrdinalIgnoreCase));
}

/// <summary>A command of a case's plan: the source instant it happened at and the line it came from.</summary>
internal sealed record PlannedCommand(Instant At, int Line, TicketCommand Command);
