using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace Quickstart;

/// <summary>
/// Generates a realistic quarter of after-sales work through the public API: tickets arrive on
/// several channels for several products, are triaged, assigned to teams, answered, sometimes wait
/// on the customer, get escalated or transferred, are resolved, revisited (some customers are not
/// satisfied and the ticket goes round again), and closed. Seeded, so every run is the same.
/// </summary>
internal sealed class QuarterSimulation(TicketService service, SimulatedClock clock, DateTimeZone zone, int seed)
{
    /// <summary>What the desk's intake template writes before the product: the report's keywords leave it out.</summary>
    public const string DescriptionTemplate = "Customer reports a problem with";

    private static readonly string[] Products = ["Phone Pro", "Phone Lite", "Air Conditioner X2", "Washer W7", "Router R3"];
    private static readonly ServiceChannel[] Channels = [ServiceChannel.Phone, ServiceChannel.OnlineChat, ServiceChannel.Email, ServiceChannel.App, ServiceChannel.WebForm, ServiceChannel.SocialMedia];
    private static readonly string[] Agents = ["agent-li", "agent-wang", "agent-zhang", "agent-liu", "agent-chen", "agent-yang"];

    // What customers write back, in Chinese and English (a phone number too: the report redacts it).
    private static readonly string[] Praise = ["客服回复很快，态度很好", "Quick reply and a friendly engineer", "上门服务很准时", "Problem solved on the first call", "工程师很专业"];
    private static readonly string[] Complaints = ["等待时间太长，电话一直占线", "电池续航太短，充电很慢", "Waiting time was too long", "安装师傅没有穿工作服，也没有讲解使用方法", "The same fault came back after a week", "请打电话 13912345678 联系我，电池又坏了"];
    private readonly Random random = new(seed);

    public int Closed { get; private set; }

    public int Reopened { get; private set; }

    public int Escalated { get; private set; }

    public int Cancelled { get; private set; }

    public List<TicketId> Tickets { get; } = [];

    /// <summary>Complaints and unsatisfied revisits by product and month: the material of improvement plans.</summary>
    public Dictionary<(string Product, int Month), List<TicketId>> ProblemTickets { get; } = [];

    public async Task RunAsync(LocalDate firstDay, int days, int ticketsPerDay, IProgress<int> progress)
    {
        for (var day = 0; day < days; day++)
        {
            var date = firstDay.PlusDays(day);
            for (var n = 0; n < ticketsPerDay; n++)
            {
                var received = date.At(new LocalTime(8, 0)).PlusMinutes(random.Next(0, 12 * 60)).InZoneLeniently(zone).ToInstant();
                await HandleOneTicketAsync(received);
            }

            progress.Report(day + 1);
        }
    }

    private async Task HandleOneTicketAsync(Instant received)
    {
        clock.Now = received;
        var id = TicketId.New();
        Tickets.Add(id);
        var agent = Agents[random.Next(Agents.Length)];
        var product = Products[random.Next(Products.Length)];
        await Run(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = agent,
            Intake = new TicketIntake
            {
                CustomerName = $"Customer {random.Next(1, 5000)}",
                Contact = $"138{random.Next(10000000, 99999999)}",
                ProductModel = product,
                ProductLine = product.Split(' ')[0],
                PurchaseOrServiceDate = received.InZone(zone).Date.PlusDays(-random.Next(1, 400)),
                Channel = Channels[random.Next(Channels.Length)],
                ReceivedAt = received,
                Description = DescriptionTemplate + " " + product,
                Owner = agent,
                CustomerSegment = random.Next(10) == 0 ? "key-account" : "standard",
            },
        });

        if (random.Next(50) == 0)
        {
            await Run(new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = agent, Reason = "Customer withdrew the request" });
            Cancelled++;
            return;
        }

        for (var cycle = 0; ; cycle++)
        {
            Advance(5, 90);
            var category = PickCategory();
            await Run(new TriageTicket
            {
                TicketId = id, CommandId = Guid.NewGuid(), Actor = "triage-desk", Category = category,
                Assessment = new PriorityAssessment
                {
                    Severity = (Severity)Weighted(5, 35, 45, 15),
                    Urgency = (Urgency)Weighted(40, 40, 20),
                    ImpactScope = (ImpactScope)Weighted(85, 10, 5),
                    IsKeyAccount = random.Next(10) == 0,
                },
            });
            Advance(5, 240);
            await Run(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "team-lead", Assignee = Agents[random.Next(Agents.Length)] });
            Advance(1, 120);
            await Run(new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = agent, Summary = "Acknowledged" });
            await Run(new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = agent });
            if (random.Next(4) == 0)
            {
                Advance(30, 600);
                await Run(new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = agent, Reason = "Waiting for photos" });
                Advance(60, 2880);
                await Run(new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer" });
            }

            if (random.Next(8) == 0)
            {
                Advance(30, 240);
                await Run(new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = agent, Level = cycle + 1, Reason = "Needs second-line support" });
                Escalated++;
            }

            Advance(60, 4320);
            await Run(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = agent, Solution = "Diagnosed and fixed; part replaced where needed." });
            Advance(600, 2880);
            var satisfied = cycle > 0 || random.Next(12) != 0;
            if (!satisfied || category == TicketCategory.Complaint)
            {
                var key = (product, received.InZone(zone).Month);
                (ProblemTickets.TryGetValue(key, out var list) ? list : ProblemTickets[key] = []).Add(id);
            }

            await Run(new RecordRevisit
            {
                TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-team", Method = random.Next(3) == 0 ? RevisitMethod.Online : RevisitMethod.Phone,
                Resolved = satisfied, Score = satisfied ? random.Next(3, 6) : random.Next(1, 3),
                Suggestions = random.Next(3) == 0 ? (satisfied ? Praise[random.Next(Praise.Length)] : Complaints[random.Next(Complaints.Length)]) : null,
            });
            if (satisfied)
            {
                break;
            }

            Reopened++;
        }

        await Run(new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "revisit-team" });
        Closed++;
        if (random.Next(10) < 6)
        {
            // Six customers in ten answer the satisfaction survey.
            var satisfaction = 1 + Weighted(3, 4, 8, 35, 50);
            await Run(new RecordSurvey
            {
                TicketId = id, CommandId = Guid.NewGuid(), Actor = "customer",
                Answers = new AfterSales.Quality.Tickets.SurveyAnswers
                {
                    Satisfaction = satisfaction,
                    Suggestion = random.Next(2) == 0 ? (satisfaction >= 4 ? Praise[random.Next(Praise.Length)] : Complaints[random.Next(Complaints.Length)]) : null,
                    LikelihoodToRecommend = Weighted(2, 1, 1, 2, 2, 3, 4, 10, 15, 25, 35),
                    EffortScore = 1 + Weighted(30, 30, 20, 10, 5, 3, 2),
                },
            });
        }
    }

    private TicketCategory PickCategory() => Weighted(50, 27, 20, 3) switch
    {
        0 => TicketCategory.ProductFault,
        1 => TicketCategory.ServiceExperience,
        2 => TicketCategory.Suggestion,
        _ => TicketCategory.Complaint,
    };

    private int Weighted(params int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if ((roll -= weights[i]) < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private void Advance(int minMinutes, int maxMinutes) => clock.Now += Duration.FromMinutes(random.Next(minMinutes, maxMinutes));

    private Task<TicketCommandResult> Run(TicketCommand command) => service.ExecuteAsync(command);
}
