using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>Laws of the SLA clocks over random ticket histories (24×7; calendar laws are tested with the calendars).</summary>
public sealed class SlaPropertyTests
{
    [Property(MaxTest = 200)]
    public void Clocks_obey_their_laws_over_random_histories(byte[] script, int seed)
    {
        var host = new TicketTestHost();
        var id = host.Register().GetAwaiter().GetResult();
        var random = new Random(seed);
        foreach (var step in script)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 3000)));
            TicketCommand command = (step % 10) switch
            {
                0 => new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = step % 3 == 0 ? TicketCategory.Complaint : TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = (Severity)random.Next(4) } },
                1 => new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "agent" },
                2 => new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
                3 => new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "info" },
                4 => new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
                5 => new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Solution = "fixed" },
                6 => new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Method = RevisitMethod.Phone, Resolved = random.Next(3) != 0, Score = random.Next(1, 6) },
                7 => new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
                8 => new OverridePriority { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Priority = (Priority)random.Next(2), Reason = "r" },
                _ => new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Level = random.Next(1, 4), Reason = "r" },
            };
            try
            {
                host.Run(command).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
            {
            }
        }

        host.Advance(Duration.FromMinutes(random.Next(0, 5000)));
        var history = host.Service.GetHistoryAsync(id).GetAwaiter().GetResult().Select(e => e.Event).ToArray();
        var now = host.Clock.GetCurrentInstant();
        var sla = SlaClock.Evaluate(history, SlaPolicySet.Default, now);
        var ticket = Ticket.Replay(id, history);

        // The ticket-level resolution clock is the sum of its cycles.
        if (sla.Find(SlaTargetKind.Resolution, 0) is { } total)
        {
            var cycles = sla.Targets.Where(t => t.Kind == SlaTargetKind.Resolution && t.Cycle > 0).ToArray();
            Assert.Equal(ticket.ResolutionCycle, cycles.Length);
            Assert.Equal(total.Elapsed, cycles.Aggregate(Duration.Zero, (sum, c) => sum + c.Elapsed));
        }

        // One revisit clock per resolution.
        Assert.Equal(ticket.ResolutionCount, sla.Targets.Count(t => t.Kind == SlaTargetKind.RevisitAfterResolution));

        foreach (var target in sla.Targets)
        {
            // Elapsed never exceeds wall-clock time since the start, and never goes negative.
            Assert.InRange(target.Elapsed, Duration.Zero, (target.StoppedAt ?? now) - target.StartedAt);
            Assert.Equal(target.Elapsed > target.Target && target.State != SlaClockState.Cancelled, target.IsBreached);
            Assert.Equal(target.Milestones.Select(m => m.Share), target.Milestones.Select(m => m.Share).Order());
        }

        // Elapsed time does not depend on the targets: doubling every target leaves every clock's elapsed unchanged.
        var doubled = SlaPolicySet.Default with
        {
            Policies = SlaPolicySet.Default.Policies.Select(p => p with { Targets = p.Targets.Select(t => t with { Duration = t.Duration * 2 }).ToArray() }).ToArray(),
        };
        var again = SlaClock.Evaluate(history, doubled, now);
        Assert.Equal(sla.Targets.Select(t => (t.Kind, t.Cycle, t.Elapsed)), again.Targets.Select(t => (t.Kind, t.Cycle, t.Elapsed)));
    }
}
