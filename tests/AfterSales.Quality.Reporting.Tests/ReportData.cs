using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>Three months of tickets driven through the real service, with revisits, surveys, feedback text and improvement plans.</summary>
internal sealed class ReportData
{
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public const string SecretName = "Wang Xiaoming";
    public const string SecretPhone = "13912345678";

    private static readonly string[] Suggestions =
    [
        "电池续航太短，充电很慢",
        "Battery drains fast and charging is slow",
        "安装师傅没有穿工作服，也没有讲解使用方法",
        "客服回复很快，态度很好",
        "Quick reply, friendly support",
        $"请打电话 {SecretPhone} 联系我，电池又坏了",
        "等待时间太长",
    ];

    private ReportData(InMemoryTicketStore store, IReadOnlyList<ImprovementPlan> plans, Instant now, int tickets)
    {
        Store = store;
        Plans = plans;
        Now = now;
        Tickets = tickets;
    }

    public InMemoryTicketStore Store { get; }

    public IReadOnlyList<ImprovementPlan> Plans { get; }

    public Instant Now { get; }

    public int Tickets { get; }

    public static SlaPolicySet Policies => SlaPolicySet.Default;

    public static async Task<ReportData> CreateAsync(int ticketsPerDay = 2)
    {
        var random = new Random(7);
        var clock = new FakeClock(At(2024, 1, 2, 9, 0));
        var store = new InMemoryTicketStore();
        var options = new TicketServiceOptions();
        options.Numbering.TimeZone = Shanghai;
        var service = new TicketService(store, store, clock, options);
        var complaints = new List<TicketId>();
        var count = 0;
        for (var day = new LocalDate(2024, 1, 2); day < new LocalDate(2024, 4, 1); day = day.PlusDays(1))
        {
            for (var n = 0; n < ticketsPerDay; n++)
            {
                var received = day.At(new LocalTime(9, 0)).PlusMinutes(random.Next(0, 8 * 60)).InZoneStrictly(Shanghai).ToInstant();
                clock.Reset(received);
                var id = TicketId.New();
                count++;
                var product = random.Next(3) switch { 0 => "Phone Pro", 1 => "Air Conditioner X2", _ => "Washer W7" };
                await Run(new RegisterTicket
                {
                    TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li",
                    Intake = new TicketIntake
                    {
                        CustomerName = SecretName, Contact = SecretPhone, ProductModel = product, ProductLine = product.Split(' ')[0],
                        PurchaseOrServiceDate = day.PlusDays(-30), Channel = random.Next(2) == 0 ? ServiceChannel.Phone : ServiceChannel.OnlineChat,
                        ReceivedAt = received, Description = $"{product}: 电池充电很慢 battery charging slow, call {SecretPhone}", Owner = "agent-li",
                    },
                });
                var category = random.Next(10) switch { < 5 => TicketCategory.ProductFault, < 8 => TicketCategory.ServiceExperience, < 9 => TicketCategory.Suggestion, _ => TicketCategory.Complaint };
                var team = category == TicketCategory.ProductFault ? "technical-support" : category == TicketCategory.ServiceExperience ? "installation" : "customer-care";
                clock.Advance(Duration.FromMinutes(random.Next(5, 60)));
                await Run(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage", Category = category, Department = team, Assessment = new PriorityAssessment { Severity = (Severity)random.Next(0, 3) } });
                if (category == TicketCategory.Complaint)
                {
                    complaints.Add(id);
                }

                if (random.Next(12) == 0)
                {
                    continue; // left open: its clocks keep running
                }

                clock.Advance(Duration.FromMinutes(random.Next(5, 120)));
                await Run(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = random.Next(2) == 0 ? "tech-zhao" : "tech-qian" });
                await Run(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech" });
                clock.Advance(Duration.FromMinutes(random.Next(1, 180)));
                await Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech", Summary = "On it." });
                clock.Advance(Duration.FromHours(random.Next(2, 200)));
                await Run(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "tech", Solution = "Fixed." });
                clock.Advance(Duration.FromHours(random.Next(2, 40)));
                var satisfied = random.Next(6) != 0;
                await Run(new RecordRevisit
                {
                    TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit", Method = random.Next(2) == 0 ? RevisitMethod.Phone : RevisitMethod.Online,
                    Resolved = satisfied, Score = satisfied ? random.Next(4, 6) : random.Next(1, 3), Suggestions = Suggestions[random.Next(Suggestions.Length)],
                });
                if (!satisfied)
                {
                    continue; // reopened, back in triage
                }

                await Run(new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit" });
                if (random.Next(3) != 0)
                {
                    await Run(new RecordSurvey
                    {
                        TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer",
                        Answers = new SurveyAnswers { Satisfaction = random.Next(2, 6), LikelihoodToRecommend = random.Next(4, 11), EffortScore = random.Next(1, 5), Suggestion = Suggestions[random.Next(Suggestions.Length)] },
                    });
                }
            }
        }

        var now = At(2024, 4, 1, 9, 0);
        clock.Reset(now);
        var plans = new InMemoryImprovementPlanStore();
        var planService = new ImprovementPlanService(plans, store, store, clock, new ImprovementPlanOptions());
        var done = await planService.CreateAsync(new NewImprovementPlan
        {
            Title = "Battery batch defect", RootCause = $"Supplier batch B-17; reported by {SecretPhone}", Target = "No battery complaints", Department = "quality", Owner = "owner-he",
            Measures = [new ImprovementMeasure(MeasureKind.Technical, "Replace the batch")], Tickets = complaints.Take(2).ToArray(),
            PlannedStart = new LocalDate(2024, 3, 2), PlannedFinish = new LocalDate(2024, 3, 10),
        }, "owner-he");
        await planService.StartAsync(done.Id, "owner-he");
        await planService.CompleteAsync(done.Id, new LocalDate(2024, 3, 9), "owner-he");
        await planService.CreateAsync(new NewImprovementPlan
        {
            Title = "Installer standard", RootCause = "No briefing checklist", Target = "Every installer briefs the customer", Department = "installation", Owner = "owner-ma",
            Measures = [new ImprovementMeasure(MeasureKind.Process, "Checklist")], Tickets = complaints.Skip(2).Take(1).ToArray(),
            PlannedStart = new LocalDate(2024, 3, 3), PlannedFinish = new LocalDate(2024, 3, 20),
        }, "owner-ma");
        var list = new List<ImprovementPlan>();
        await foreach (var plan in plans.ListAsync())
        {
            list.Add(plan);
        }

        return new ReportData(store, list, now, count);

        Task<TicketCommandResult> Run(TicketCommand command) => service.ExecuteAsync(command);
    }

    public static Instant At(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(Shanghai).ToInstant();
}
