using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Tests.Tickets;

/// <summary>A ticket service over the in-memory store with a fake clock, plus command builders.</summary>
internal sealed class TicketTestHost
{
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public TicketTestHost(Instant? start = null, TicketServiceOptions? options = null)
    {
        Clock = new FakeClock(start ?? At(2024, 3, 1, 10, 30));
        Store = new InMemoryTicketStore();
        options ??= new TicketServiceOptions();
        options.Numbering.TimeZone = Shanghai;
        Service = new TicketService(Store, Store, Clock, options);
    }

    public FakeClock Clock { get; }

    public InMemoryTicketStore Store { get; }

    public TicketService Service { get; }

    /// <summary>An instant from a Shanghai local date and time.</summary>
    public static Instant At(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(Shanghai).ToInstant();

    public static TicketIntake Intake(Instant receivedAt, string product = "Phone Pro") => new()
    {
        CustomerName = "Zhang San",
        Contact = "13812345678",
        ProductModel = product,
        ProductLine = "phones",
        PurchaseOrServiceDate = receivedAt.InZone(Shanghai).Date.PlusDays(-15),
        Channel = ServiceChannel.Phone,
        ReceivedAt = receivedAt,
        Description = "Charging for 1 h only reaches 20 %; suspects the battery.",
        AlreadyTried = "Restarted, changed charger - no effect.",
        ServiceTicketNumber = "CS20240301001",
        Owner = "agent-li",
    };

    public Task<TicketCommandResult> Run(TicketCommand command) => Service.ExecuteAsync(command);

    public async Task<TicketId> Register(TicketIntake? intake = null)
    {
        var id = TicketId.New();
        await Run(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li", Intake = intake ?? Intake(Clock.GetCurrentInstant()) });
        return id;
    }

    public Task<TicketCommandResult> Triage(TicketId id, TicketCategory category, PriorityAssessment assessment, string? department = null) =>
        Run(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-wang", Category = category, Assessment = assessment, Department = department });

    public Task<TicketCommandResult> Assign(TicketId id, string agent = "tech-zhao") =>
        Run(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead-chen", Assignee = agent });

    public Task<TicketCommandResult> Start(TicketId id) => Run(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao" });

    public Task<TicketCommandResult> Respond(TicketId id) => Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Summary = "We are on it." });

    public Task<TicketCommandResult> Resolve(TicketId id, string solution = "Battery replaced free of charge.") =>
        Run(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Solution = solution });

    public Task<TicketCommandResult> Revisit(TicketId id, bool resolved, int score, RevisitMethod method = RevisitMethod.Phone) =>
        Run(new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-sun", Method = method, Resolved = resolved, Score = score });

    public Task<TicketCommandResult> Close(TicketId id) => Run(new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-sun" });

    /// <summary>Registers, triages, assigns and starts work: a ticket in progress.</summary>
    public async Task<TicketId> InProgress(TicketCategory category, PriorityAssessment assessment)
    {
        var id = await Register();
        await Triage(id, category, assessment);
        await Assign(id);
        await Start(id);
        return id;
    }

    /// <summary>Registers, triages (P1 product fault), assigns, starts, responds and resolves.</summary>
    public async Task<TicketId> Resolved()
    {
        var id = await InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        await Respond(id);
        await Resolve(id);
        return id;
    }

    public void Advance(Duration by) => Clock.Advance(by);
}
