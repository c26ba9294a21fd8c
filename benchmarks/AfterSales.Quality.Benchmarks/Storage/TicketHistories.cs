using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Benchmarks.Storage;

/// <summary>
/// Ticket histories built directly as events (no service, no validation), as the stores would
/// hold them: the 10-event happy path with one wait on the customer for the append benchmarks,
/// and a seeded year of varied histories (about 8 events on average) for the KPI rebuild.
/// </summary>
internal static class TicketHistories
{
    /// <summary>The length of <see cref="HappyPath"/>.</summary>
    public const int HappyPathLength = 10;

    private static readonly Instant YearStart = Instant.FromUtc(2023, 12, 31, 16, 0); // 2024-01-01 00:00 Asia/Shanghai

    private static readonly ServiceChannel[] Channels =
        [ServiceChannel.Phone, ServiceChannel.OnlineChat, ServiceChannel.Email, ServiceChannel.App, ServiceChannel.WebForm, ServiceChannel.SocialMedia];

    private static readonly TicketCategory[] Categories =
        [TicketCategory.ProductFault, TicketCategory.ProductFault, TicketCategory.ProductFault, TicketCategory.ServiceExperience, TicketCategory.Suggestion, TicketCategory.Complaint];

    private static readonly string[] Departments =
        ["after-sales-east", "after-sales-west", "after-sales-north", "after-sales-south", "technical-support", "key-accounts", "service-supervisor", "product-manager"];

    private static readonly string[] ProductLines = ["phones", "tablets", "laptops", "wearables", "audio"];

    /// <summary>The instant the rebuild measures at: after every generated ticket was received.</summary>
    public static Instant MeasuredAt { get; } = Instant.FromUtc(2025, 1, 15, 2, 0);

    /// <summary>
    /// Registered, triaged, assigned, started, first response, waiting on the customer and back,
    /// resolved, revisited (satisfied), closed: 10 events, all of one ticket.
    /// </summary>
    /// <param name="id">The ticket.</param>
    /// <param name="n">A number that varies the content (customer, received instant).</param>
    /// <returns>The events, oldest first.</returns>
    public static TicketEvent[] HappyPath(TicketId id, int n)
    {
        var at = YearStart + Duration.FromMinutes(n % (360 * 24 * 60));
        return
        [
            Registered(id, n, at, ServiceChannel.Phone),
            Triaged(id, at + Duration.FromMinutes(10), TicketCategory.ProductFault, Priority.P2, Departments[n % Departments.Length]),
            new TicketAssigned { TicketId = id, OccurredAt = at + Duration.FromMinutes(15), Actor = "dispatcher", CommandId = Guid.NewGuid(), Assignee = Agent(n) },
            new WorkStarted { TicketId = id, OccurredAt = at + Duration.FromMinutes(40), Actor = Agent(n), CommandId = Guid.NewGuid() },
            new ResponseRecorded { TicketId = id, OccurredAt = at + Duration.FromMinutes(55), Actor = Agent(n), CommandId = Guid.NewGuid(), IsFirstResponse = true, Summary = "Asked for the serial number and a photo of the label." },
            new PendingCustomerStarted { TicketId = id, OccurredAt = at + Duration.FromMinutes(56), Actor = Agent(n), CommandId = Guid.NewGuid(), Reason = "serial number" },
            new PendingCustomerEnded { TicketId = id, OccurredAt = at + Duration.FromHours(3), Actor = "customer", CommandId = Guid.NewGuid() },
            new TicketResolved { TicketId = id, OccurredAt = at + Duration.FromHours(20), Actor = Agent(n), CommandId = Guid.NewGuid(), Solution = "Battery replaced under warranty at the service point.", Cycle = 1 },
            Revisit(id, n, at + Duration.FromHours(44), RevisitOutcome.Satisfied, 5),
            new TicketClosed { TicketId = id, OccurredAt = at + Duration.FromHours(45), Actor = "revisit-team", CommandId = Guid.NewGuid() },
        ];
    }

    /// <summary>
    /// The seeded history of ticket number <paramref name="n"/> of the rebuild's year (2024, Asia/Shanghai):
    /// about 85 % closed after a revisit (a quarter of them with a survey, some waiting on the
    /// customer, escalated or transferred on the way), 6 % still open, 4 % cancelled, 5 % unsatisfied
    /// at the revisit and reopened, resolved again and closed.
    /// </summary>
    /// <param name="n">The ticket's number (0, 1, ...); the same number gives the same content.</param>
    /// <returns>The ticket's id and its events, oldest first.</returns>
    public static (TicketId Id, List<TicketEvent> Events) Year2024(int n)
    {
        var random = new Random(unchecked(n * 7919 + 17));
        var id = new TicketId(Guid.NewGuid());
        var at = YearStart + Duration.FromSeconds(random.NextInt64(0, 366L * 24 * 3600));
        var events = new List<TicketEvent>(10);
        var channel = Channels[random.Next(Channels.Length)];
        events.Add(Registered(id, n, at, channel));
        var category = Categories[random.Next(Categories.Length)];
        var priority = category == TicketCategory.Complaint ? Priority.P1 : (Priority)random.Next(1, 4);
        var department = Departments[random.Next(Departments.Length)];
        at += Duration.FromMinutes(random.Next(2, 90));
        events.Add(Triaged(id, at, category, priority, department));
        var roll = random.Next(100);
        if (roll < 4)
        {
            at += Duration.FromMinutes(random.Next(5, 600));
            events.Add(new TicketCancelled { TicketId = id, OccurredAt = at, Actor = "agent-000", CommandId = Guid.NewGuid(), Reason = "Customer withdrew the request." });
            return (id, events);
        }

        var agent = Agent(random.Next(400));
        at += Duration.FromMinutes(random.Next(1, 60));
        events.Add(new TicketAssigned { TicketId = id, OccurredAt = at, Actor = "dispatcher", CommandId = Guid.NewGuid(), Assignee = agent });
        at += Duration.FromMinutes(random.Next(5, 240));
        events.Add(new WorkStarted { TicketId = id, OccurredAt = at, Actor = agent, CommandId = Guid.NewGuid() });
        at += Duration.FromMinutes(random.Next(1, 180));
        events.Add(new ResponseRecorded { TicketId = id, OccurredAt = at, Actor = agent, CommandId = Guid.NewGuid(), IsFirstResponse = true });
        if (roll < 10)
        {
            return (id, events); // still open at the end of the year
        }

        if (random.Next(10) == 0)
        {
            at += Duration.FromMinutes(random.Next(5, 120));
            events.Add(new PendingCustomerStarted { TicketId = id, OccurredAt = at, Actor = agent, CommandId = Guid.NewGuid(), Reason = "serial number" });
            at += Duration.FromMinutes(random.Next(30, 3000));
            events.Add(new PendingCustomerEnded { TicketId = id, OccurredAt = at, Actor = "customer", CommandId = Guid.NewGuid() });
        }

        if (random.Next(20) == 0)
        {
            at += Duration.FromMinutes(random.Next(30, 600));
            events.Add(new TicketEscalated { TicketId = id, OccurredAt = at, Actor = agent, CommandId = Guid.NewGuid(), Level = 1, Reason = "needs a field engineer" });
        }

        at = Resolve(events, id, agent, at, random, cycle: 1);
        if (roll < 15)
        {
            at += Duration.FromHours(random.Next(4, 48));
            events.Add(Revisit(id, n, at, RevisitOutcome.Unsatisfied, 2));
            at += Duration.FromMinutes(5);
            events.Add(new TicketReopened { TicketId = id, OccurredAt = at, Actor = "revisit-team", CommandId = Guid.NewGuid(), Reason = "unsatisfied revisit", ReopenCount = 1 });
            at += Duration.FromMinutes(random.Next(5, 60));
            events.Add(Triaged(id, at, category, priority, department) with { IsRetriage = true });
            at += Duration.FromMinutes(random.Next(5, 60));
            events.Add(new TicketAssigned { TicketId = id, OccurredAt = at, Actor = "dispatcher", CommandId = Guid.NewGuid(), Assignee = agent });
            at += Duration.FromMinutes(random.Next(5, 120));
            events.Add(new WorkStarted { TicketId = id, OccurredAt = at, Actor = agent, CommandId = Guid.NewGuid() });
            at = Resolve(events, id, agent, at, random, cycle: 2);
        }

        at += Duration.FromHours(random.Next(4, 60));
        events.Add(Revisit(id, n, at, RevisitOutcome.Satisfied, random.Next(3, 6)));
        at += Duration.FromMinutes(random.Next(1, 120));
        events.Add(new TicketClosed { TicketId = id, OccurredAt = at, Actor = "revisit-team", CommandId = Guid.NewGuid() });
        if (random.Next(4) == 0)
        {
            at += Duration.FromMinutes(random.Next(1, 1440));
            events.Add(new SurveyAnswered
            {
                TicketId = id,
                OccurredAt = at,
                Actor = "customer",
                CommandId = Guid.NewGuid(),
                Cycle = roll < 15 ? 2 : 1,
                Answers = new SurveyAnswers
                {
                    Satisfaction = random.Next(1, 6),
                    ResponseSpeed = random.Next(1, 6),
                    Accuracy = random.Next(1, 6),
                    Attitude = random.Next(1, 6),
                    ResolutionEffect = random.Next(1, 6),
                    LikelihoodToRecommend = random.Next(0, 11),
                },
            });
        }

        return (id, events);
    }

    private static Instant Resolve(List<TicketEvent> events, TicketId id, string agent, Instant at, Random random, int cycle)
    {
        at += Duration.FromMinutes(random.Next(30, 4 * 24 * 60));
        events.Add(new TicketResolved { TicketId = id, OccurredAt = at, Actor = agent, CommandId = Guid.NewGuid(), Solution = "Replaced the faulty part and confirmed it works.", Cycle = cycle });
        return at;
    }

    private static string Agent(int n) => $"agent-{n % 400:000}";

    private static TicketRegistered Registered(TicketId id, int n, Instant at, ServiceChannel channel) => new()
    {
        TicketId = id,
        OccurredAt = at,
        Actor = "intake",
        CommandId = Guid.NewGuid(),
        FeedbackNumber = $"F{at.InUtc().Date:yyyyMMdd}{n % 100_000:00000}",
        Intake = new TicketIntake
        {
            CustomerName = $"Customer {n}",
            CustomerKind = n % 7 == 0 ? CustomerKind.Company : CustomerKind.Person,
            Contact = $"138{n % 100_000_000:00000000}",
            CustomerSegment = n % 7 == 0 ? "enterprise" : "consumer",
            ProductModel = $"Model {(char)('A' + (n % 12))}{n % 5}",
            ProductLine = ProductLines[n % ProductLines.Length],
            PurchaseOrServiceDate = at.InUtc().Date.PlusDays(-(n % 300)),
            Channel = channel,
            ReceivedAt = at,
            Description = "The device does not charge any more; the indicator stays off with the original charger.",
            CustomerExpectation = "repair or replacement",
            Owner = "intake",
        },
    };

    private static TicketTriaged Triaged(TicketId id, Instant at, TicketCategory category, Priority priority, string department) => new()
    {
        TicketId = id,
        OccurredAt = at,
        Actor = "triage",
        CommandId = Guid.NewGuid(),
        Category = category,
        Assessment = new PriorityAssessment { ImpactScope = ImpactScope.SingleCustomer, Urgency = Urgency.UseDegraded, Severity = Severity.CoreFunction },
        Priority = priority,
        PriorityRule = "core-function-single-customer",
        Route = new Route { Department = department, Queue = department + "-queue" },
        RoutingRule = "by-category",
    };

    private static RevisitRecorded Revisit(TicketId id, int n, Instant at, RevisitOutcome outcome, int score) => new()
    {
        TicketId = id,
        OccurredAt = at,
        Actor = "revisit-team",
        CommandId = Guid.NewGuid(),
        RevisitNumber = $"HV{at.InUtc().Date:yyyyMMdd}{n % 100_000:00000}",
        Method = RevisitMethod.Phone,
        Outcome = outcome,
        Resolved = outcome == RevisitOutcome.Satisfied,
        Score = score,
    };
}
