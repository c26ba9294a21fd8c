using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Tickets;

/// <summary>
/// Random command scripts against the real service: whatever the order, the lifecycle invariants
/// of the guides hold, refused commands change nothing, and replay rebuilds the state.
/// </summary>
public sealed class TicketPropertyTests
{
    private static readonly string[] Agents = ["tech-zhao", "tech-qian", "rd-sun"];
    private static readonly string[] Texts = ["", " ", "Replaced the battery."];
    private static readonly TicketCategory[] Categories = [TicketCategory.ProductFault, TicketCategory.ServiceExperience, TicketCategory.Suggestion, TicketCategory.Complaint];

    [Property(MaxTest = 300)]
    public void Random_command_scripts_keep_the_lifecycle_invariants(byte[] script, int seed) => RunScript(script, seed);

    [Fact]
    public void Seeded_long_scripts_reach_every_outcome_so_the_property_is_not_vacuous()
    {
        var random = new Random(20240301);
        var reached = new HashSet<TicketState>();
        var reopened = 0;
        for (var i = 0; i < 200; i++)
        {
            var script = new byte[200];
            random.NextBytes(script);
            var ticket = RunScript(script, random.Next());
            reached.Add(ticket.State);
            reopened += ticket.ReopenCount > 0 ? 1 : 0;
        }

        Assert.Contains(TicketState.Closed, reached);
        Assert.Contains(TicketState.Cancelled, reached);
        Assert.Contains(TicketState.Duplicate, reached);
        Assert.True(reopened > 0, "no script reopened a ticket");
    }

    private static Ticket RunScript(byte[] script, int seed)
    {
        var host = new TicketTestHost();
        // The ticket a MarkDuplicate points at must exist (the service refuses an unknown number).
        var original = host.Service.GetAsync(host.Register().GetAwaiter().GetResult()).GetAwaiter().GetResult().FeedbackNumber;
        var id = host.Register().GetAwaiter().GetResult();
        var random = new Random(seed);
        var last = host.Service.GetAsync(id).GetAwaiter().GetResult();
        TicketCommand? previous = null;

        foreach (var step in script)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 600)));
            var command = step % 21 == 18 && previous is not null ? previous : NextCommand(id, step % 21, random, original);
            previous = command;
            try
            {
                var result = host.Run(command).GetAwaiter().GetResult();
                Assert.Equal(last.Version + result.NewEvents.Count, result.Ticket.Version);
                Assert.Equal(result.AlreadyApplied, result.NewEvents.Count == 0);
                last = result.Ticket;
            }
            catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
            {
                // Refused: nothing may have changed.
                Assert.Equal(last, host.Service.GetAsync(id).GetAwaiter().GetResult());
            }
        }

        var history = host.Service.GetHistoryAsync(id).GetAwaiter().GetResult();
        CheckHistory(id, history, last);
        return last;
    }

    private static void CheckHistory(TicketId id, IReadOnlyList<RecordedEvent> history, Ticket last)
    {
        // Versions count events: 1, 2, ..., n.
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(e => e.Version));
        Assert.Equal(history.Count, last.Version);

        // Replay rebuilds exactly the state the service returned.
        Assert.Equal(last, Ticket.Replay(id, history.Select(e => e.Event)));

        var ticket = Ticket.Empty(id);
        var revisitOutcomeSinceResolve = false;
        foreach (var recorded in history)
        {
            var next = ticket.Apply(recorded.Event);
            switch (recorded.Event)
            {
                case TicketResolved resolved:
                    Assert.False(string.IsNullOrWhiteSpace(resolved.Solution));
                    revisitOutcomeSinceResolve = false;
                    break;
                case RevisitRecorded { Outcome: not RevisitOutcome.Unsatisfied }:
                    revisitOutcomeSinceResolve = true;
                    break;
                case TicketClosed:
                    Assert.True(revisitOutcomeSinceResolve, "closed without a revisit outcome");
                    break;
            }

            if (next.State == TicketState.Resolved && ticket.State != TicketState.Resolved)
            {
                Assert.IsType<TicketResolved>(recorded.Event);
            }

            if (next.State == TicketState.Closed && ticket.State != TicketState.Closed)
            {
                Assert.Equal(TicketState.Revisited, ticket.State);
            }

            // A terminal ticket keeps its state; the one way out is a dissatisfied survey reopening a closed ticket to triage.
            Assert.True(TicketLifecycle.IsTerminal(ticket.State) is false || ticket.State == next.State
                || (ticket.State == TicketState.Closed && next.State == TicketState.Reopened && recorded.Event is TicketReopened { BySurvey: true }), "a terminal ticket changed");
            ticket = next;
        }

        // A ticket reopened k times is in its (k+1)th resolution cycle.
        Assert.Equal(history.Count(e => e.Event is TicketReopened), last.ReopenCount);
        Assert.Equal(last.ReopenCount + 1, last.ResolutionCycle);
        Assert.Equal(history.Count(e => e.Event is TicketResolved), last.ResolutionCount);
    }

    private static TicketCommand NextCommand(TicketId id, int choice, Random random, string duplicateOf)
    {
        var commandId = Guid.NewGuid();
        const string actor = "actor";
        return choice switch
        {
            0 or 1 => new TriageTicket
            {
                TicketId = id, CommandId = commandId, Actor = actor,
                Category = Categories[random.Next(Categories.Length)],
                Assessment = new PriorityAssessment
                {
                    ImpactScope = (ImpactScope)random.Next(3), Urgency = (Urgency)random.Next(3),
                    Severity = (Severity)random.Next(4), IsKeyAccount = random.Next(2) == 0,
                },
            },
            2 => new OverridePriority { TicketId = id, CommandId = commandId, Actor = actor, Priority = (Priority)random.Next(4), Reason = Texts[random.Next(Texts.Length)] },
            3 => new AssignTicket { TicketId = id, CommandId = commandId, Actor = actor, Assignee = Agents[random.Next(Agents.Length)] },
            4 => new ReassignTicket { TicketId = id, CommandId = commandId, Actor = actor, Assignee = Agents[random.Next(Agents.Length)], Reason = Texts[random.Next(Texts.Length)] },
            5 or 6 => new StartWork { TicketId = id, CommandId = commandId, Actor = actor },
            7 => new RecordResponse { TicketId = id, CommandId = commandId, Actor = actor },
            8 => new AwaitCustomer { TicketId = id, CommandId = commandId, Actor = actor, Reason = Texts[random.Next(Texts.Length)] },
            9 => new ResumeWork { TicketId = id, CommandId = commandId, Actor = actor },
            10 => new EscalateTicket { TicketId = id, CommandId = commandId, Actor = actor, Level = random.Next(0, 5), Reason = "needs expert" },
            11 or 12 => new ResolveTicket { TicketId = id, CommandId = commandId, Actor = actor, Solution = Texts[random.Next(Texts.Length)] },
            13 => new RecordRevisitAttempt { TicketId = id, CommandId = commandId, Actor = actor, Method = RevisitMethod.Phone },
            14 => random.Next(4) == 0
                ? new RecordRevisit { TicketId = id, CommandId = commandId, Actor = actor, Method = RevisitMethod.Phone, Unreachable = true }
                : new RecordRevisit { TicketId = id, CommandId = commandId, Actor = actor, Method = RevisitMethod.Online, Resolved = random.Next(4) != 0, Score = random.Next(0, 7) },
            15 => new CloseTicket { TicketId = id, CommandId = commandId, Actor = actor },
            16 => random.Next(8) == 0
                ? new CancelTicket { TicketId = id, CommandId = commandId, Actor = actor, Reason = Texts[random.Next(Texts.Length)] }
                : new CloseTicket { TicketId = id, CommandId = commandId, Actor = actor },
            19 => new RecordSurvey { TicketId = id, CommandId = commandId, Actor = actor, Answers = new() { Satisfaction = random.Next(0, 7), LikelihoodToRecommend = random.Next(0, 11) } },
            20 => new RecordInspection { TicketId = id, CommandId = commandId, Actor = actor, Accurate = random.Next(2) == 0 },
            _ => random.Next(8) == 0
                ? new MarkDuplicate { TicketId = id, CommandId = commandId, Actor = actor, DuplicateOf = duplicateOf, Reason = "same call" }
                : new RecordResponse { TicketId = id, CommandId = commandId, Actor = actor },
        };
    }
}
