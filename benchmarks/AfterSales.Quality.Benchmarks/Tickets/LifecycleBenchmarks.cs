using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using BenchmarkDotNet.Attributes;
using NodaTime;
using Stateless;

namespace AfterSales.Quality.Benchmarks.Tickets;

/// <summary>
/// Lifecycle transitions per second: our shared immutable transition table and the full ticket
/// aggregate (validate, decide, apply) against the Stateless library modelling the same lifecycle
/// (every transition of <see cref="TicketLifecycle.Transitions"/>), both the usual way (a machine
/// configured per entity) and with one preconfigured machine reused.
/// Each invocation walks one ticket along the 8-step happy path; results are per transition.
/// </summary>
[MemoryDiagnoser]
public class LifecycleBenchmarks
{
    private const int Steps = 8;

    private static readonly TicketTrigger[] HappyPath =
    [
        TicketTrigger.Triage, TicketTrigger.Assign, TicketTrigger.StartWork, TicketTrigger.AwaitCustomer,
        TicketTrigger.ResumeWork, TicketTrigger.Resolve, TicketTrigger.RevisitSatisfied, TicketTrigger.Close,
    ];

    private StateMachine<TicketState, TicketTrigger> shared = null!;
    private TicketState sharedState;
    private Ticket registered = null!;
    private TicketCommand[] commands = null!;
    private TicketServiceOptions options = null!;
    private Instant now;

    [GlobalSetup]
    public void Setup()
    {
        shared = ConfigureStateless(() => sharedState, s => sharedState = s);
        options = new TicketServiceOptions();
        now = Instant.FromUtc(2024, 3, 1, 2, 30);
        var id = TicketId.New();
        registered = Ticket.Empty(id).Apply(new TicketRegistered
        {
            TicketId = id, OccurredAt = now, Actor = "agent", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240301001",
            Intake = new TicketIntake { CustomerName = "Zhang", Contact = "13812345678", ProductModel = "Phone Pro", ReceivedAt = now, Description = "battery", Owner = "agent" },
        });
        commands =
        [
            new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } },
            new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "tech" },
            new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech" },
            new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech", Reason = "serial number" },
            new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer" },
            new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech", Solution = "battery replaced" },
            new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit", Method = RevisitMethod.Phone, Resolved = true, Score = 5 },
            new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit" },
        ];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps, Description = "Stateless, machine per ticket")]
    public TicketState StatelessPerTicket()
    {
        var state = TicketState.Registered;
        var machine = ConfigureStateless(() => state, s => state = s);
        foreach (var trigger in HappyPath)
        {
            machine.Fire(trigger);
        }

        return state;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "Stateless, one preconfigured machine")]
    public TicketState StatelessShared()
    {
        sharedState = TicketState.Registered;
        foreach (var trigger in HappyPath)
        {
            shared.Fire(trigger);
        }

        return sharedState;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "TicketLifecycle table")]
    public TicketState LifecycleTable()
    {
        var state = TicketState.Registered;
        foreach (var trigger in HappyPath)
        {
            if (!TicketLifecycle.TryFire(state, trigger, out state))
            {
                throw new InvalidOperationException();
            }
        }

        return state;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "Ticket aggregate: validate + decide + apply")]
    public TicketState TicketAggregate()
    {
        var ticket = registered;
        foreach (var command in commands)
        {
            foreach (var e in TicketDecider.Decide(ticket, command, now, options, "HV20240301001"))
            {
                ticket = ticket.Apply(e);
            }
        }

        return ticket.State;
    }

    private static StateMachine<TicketState, TicketTrigger> ConfigureStateless(Func<TicketState> read, Action<TicketState> write)
    {
        var machine = new StateMachine<TicketState, TicketTrigger>(read, write);
        foreach (var (from, trigger, to) in TicketLifecycle.Transitions)
        {
            if (from == to)
            {
                machine.Configure(from).PermitReentry(trigger);
            }
            else
            {
                machine.Configure(from).Permit(trigger, to);
            }
        }

        return machine;
    }
}
