using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Import;

/// <summary>
/// Turns one case's mapped rows into ticket commands by running them against a scratch in-memory
/// ticket, adding the steps the lifecycle requires. The plan depends only on the rows, so a re-run
/// produces the same commands with the same ids, which the real store then recognises as applied.
/// </summary>
internal sealed class CasePlanner
{
    private const string Importer = "import";
    private readonly EventLogMapping mapping;
    private readonly string caseId;
    private readonly TicketId ticketId;
    private readonly TicketService scratch;
    private readonly ImportClock clock = new();
    private readonly List<(Instant, TicketCommand)> plan = [];
    private readonly List<ImportProblem> problems;
    private Ticket ticket;
    private int step;
    private int line;

    private CasePlanner(EventLogMapping mapping, string caseId, TicketServiceOptions options, List<ImportProblem> problems)
    {
        this.mapping = mapping;
        this.caseId = caseId;
        this.problems = problems;
        ticketId = ImportIds.Ticket(mapping.Source, caseId);
        var store = new InMemoryTicketStore();
        scratch = new TicketService(store, store, clock, options);
        ticket = Ticket.Empty(ticketId);
    }

    public static async Task<IReadOnlyList<(Instant At, TicketCommand Command)>> PlanAsync(EventLogMapping mapping, string caseId, IReadOnlyList<CaseStep> steps, TicketServiceOptions options, List<ImportProblem> problems)
    {
        var planner = new CasePlanner(mapping, caseId, options, problems);
        foreach (var row in steps)
        {
            planner.clock.Now = row.At;
            planner.line = row.Line;
            await planner.ApplyAsync(row, steps[0]).ConfigureAwait(false);
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
            return;
        }

        if (row.Level is { } level && level > ticket.EscalationLevel && (IsWorkPhase || ticket.State is TicketState.Registered or TicketState.Reopened))
        {
            await EnsureTriagedAsync(row).ConfigureAwait(false);
            await RunAsync(new EscalateTicket { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer, Level = level, Reason = $"support level {level} (line {row.Line})" }).ConfigureAwait(false);
        }

        if (row.Team is { Length: > 0 } team && ticket.Route is { } route && !string.Equals(route.Department, team, StringComparison.Ordinal)
            && ticket.State is TicketState.Assigned or TicketState.InProgress or TicketState.PendingCustomer)
        {
            await ResumeIfPendingAsync().ConfigureAwait(false);
            await RunAsync(new ReassignTicket { TicketId = ticketId, CommandId = NextId(), Actor = Importer, Assignee = row.Agent ?? ticket.Assignee!, Department = team, Reason = $"transferred to {team} (line {row.Line})" }).ConfigureAwait(false);
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
                    await RunAsync(new RecordResponse { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer, Summary = "taken in charge" }).ConfigureAwait(false);
                }

                break;
            case ImportAction.StartWork:
                await EnsureInProgressAsync(row).ConfigureAwait(false);
                break;
            case ImportAction.AwaitCustomer:
                if (ticket.State is not (TicketState.Revisited or TicketState.PendingCustomer))
                {
                    await EnsureInProgressAsync(row).ConfigureAwait(false);
                    await RunAsync(new AwaitCustomer { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer, Reason = $"waiting on the customer (line {row.Line})" }).ConfigureAwait(false);
                }

                break;
            case ImportAction.Escalate:
                if (IsWorkPhase || ticket.State is TicketState.Registered or TicketState.Reopened)
                {
                    await EnsureTriagedAsync(row).ConfigureAwait(false);
                    await RunAsync(new EscalateTicket { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer, Level = Math.Min(9, ticket.EscalationLevel + 1), Reason = $"upgrade required (line {row.Line})" }).ConfigureAwait(false);
                }

                break;
            case ImportAction.Resolve or ImportAction.Close:
                if (ticket.State is not (TicketState.Resolved or TicketState.Revisited))
                {
                    await EnsureInProgressAsync(row).ConfigureAwait(false);
                    await RunAsync(new ResolveTicket { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer, Solution = $"Resolved in {mapping.Source} (line {row.Line})." }).ConfigureAwait(false);
                }

                break;
            case ImportAction.Cancel:
                if (ticket.State is not (TicketState.Resolved or TicketState.Revisited))
                {
                    await RunAsync(new CancelTicket { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer, Reason = $"Cancelled in {mapping.Source} (line {row.Line})." }).ConfigureAwait(false);
                }

                break;
        }
    }

    private bool IsWorkPhase => ticket.State is TicketState.Triaged or TicketState.Assigned or TicketState.InProgress or TicketState.PendingCustomer;

    private async Task RegisterAsync(CaseStep first)
    {
        var intake = new TicketIntake
        {
            CustomerName = string.IsNullOrWhiteSpace(first.Customer) ? "(anonymised)" : first.Customer,
            Contact = "anonymous@import.invalid",
            ProductModel = string.IsNullOrWhiteSpace(first.Product) ? "(unknown)" : first.Product,
            Channel = mapping.Channel,
            ReceivedAt = first.At,
            Description = $"Imported from {mapping.Source}, case {caseId}.",
            ServiceTicketNumber = caseId.Length <= 64 ? caseId : caseId[..64],
            Owner = Importer,
        };
        await RunAsync(new RegisterTicket { TicketId = ticketId, CommandId = NextId(), Actor = Importer, Intake = intake }).ConfigureAwait(false);
    }

    private async Task EnsureTriagedAsync(CaseStep row)
    {
        if (ticket.State is TicketState.Registered or TicketState.Reopened)
        {
            var assessment = row.Impact is { } impact && mapping.Impacts.TryGetValue(impact, out var a) ? a : new PriorityAssessment();
            await RunAsync(new TriageTicket
            {
                TicketId = ticketId, CommandId = NextId(), Actor = Importer, Category = mapping.Category, Assessment = assessment,
                Department = string.IsNullOrWhiteSpace(row.Team) ? null : row.Team,
            }).ConfigureAwait(false);
        }
    }

    private async Task EnsureAssignedAsync(CaseStep row)
    {
        if (ticket.State == TicketState.Resolved)
        {
            // Work restarts after a resolution: the customer was not satisfied. The source has no revisit, so it is recorded as one answered "not resolved".
            await RunAsync(new RecordRevisit { TicketId = ticketId, CommandId = NextId(), Actor = Importer, Method = RevisitMethod.Online, Resolved = false, Suggestions = $"Reopened in {mapping.Source} (line {row.Line})." }).ConfigureAwait(false);
        }

        await EnsureTriagedAsync(row).ConfigureAwait(false);
        var agent = string.IsNullOrWhiteSpace(row.Agent) ? null : row.Agent;
        if (ticket.State == TicketState.Triaged)
        {
            await RunAsync(new AssignTicket { TicketId = ticketId, CommandId = NextId(), Actor = Importer, Assignee = agent ?? "unassigned" }).ConfigureAwait(false);
        }
        else if (agent is not null && !string.Equals(agent, ticket.Assignee, StringComparison.Ordinal) && ticket.State is TicketState.Assigned or TicketState.InProgress or TicketState.PendingCustomer)
        {
            await ResumeIfPendingAsync().ConfigureAwait(false);
            await RunAsync(new ReassignTicket { TicketId = ticketId, CommandId = NextId(), Actor = Importer, Assignee = agent, Reason = $"taken over by {agent} (line {row.Line})" }).ConfigureAwait(false);
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
            await RunAsync(new StartWork { TicketId = ticketId, CommandId = NextId(), Actor = row.Agent ?? Importer }).ConfigureAwait(false);
        }
    }

    private async Task ResumeIfPendingAsync()
    {
        if (ticket.State == TicketState.PendingCustomer)
        {
            await RunAsync(new ResumeWork { TicketId = ticketId, CommandId = NextId(), Actor = Importer }).ConfigureAwait(false);
        }
    }

    private Guid NextId() => ImportIds.Command(mapping.Source, caseId, step++);

    private async Task RunAsync(TicketCommand command)
    {
        try
        {
            ticket = (await scratch.ExecuteAsync(command).ConfigureAwait(false)).Ticket;
            plan.Add((clock.Now, command));
        }
        catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
        {
            problems.Add(new ImportProblem(line, caseId, $"{command.GetType().Name} could not be applied: {ex.Message}"));
        }
    }
}
