using AfterSales.Quality.Calendars;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>
/// <see cref="SlaPolicySet.Select"/> remembers its choice per (priority, category, channel, segment, kind) when the kind's
/// targets share one calendar: asked in any order, again and again, it answers exactly what choosing afresh answers —
/// with segments in any letter case, tickets not yet triaged, and sets whose targets use two calendars (then nothing is
/// remembered, since the choice depends on the receipt).
/// </summary>
public sealed class SlaSelectionCacheProperties
{
    private static readonly ServiceChannel[] Channels = [ServiceChannel.OnlineChat, ServiceChannel.Phone, ServiceChannel.Email];
    private static readonly TicketCategory[] Categories = [TicketCategory.Complaint, TicketCategory.ProductFault, TicketCategory.ServiceExperience];
    private static readonly string[] Segments = ["vip", "VIP", "Vip", "consumer", "enterprise"];

    public static Arbitrary<int> Seeds() => Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    [Property(MaxTest = 150, Arbitrary = [typeof(SlaSelectionCacheProperties)])]
    public void Remembered_choices_equal_fresh_ones(int seed)
    {
        var random = new Random(seed);
        var twoCalendars = random.Next(2) == 0;
        var office = BusinessCalendar.TwentyFourSeven(DateTimeZone.Utc, "office");
        var extra = Enumerable.Range(0, random.Next(0, 5)).Select(i => new SlaPolicy
        {
            Name = $"extra-{i}",
            Priorities = random.Next(2) == 0 ? [] : [(Priority)random.Next(4)],
            Channels = random.Next(2) == 0 ? [] : [Channels[random.Next(Channels.Length)]],
            Categories = random.Next(2) == 0 ? [] : [Categories[random.Next(Categories.Length)]],
            CustomerSegments = random.Next(2) == 0 ? [] : [Segments[random.Next(Segments.Length)]],
            Targets =
            [
                new SlaTarget
                {
                    Kind = (SlaTargetKind)random.Next(3),
                    Duration = Duration.FromMinutes(random.Next(1, 5000)),
                    Calendar = twoCalendars && random.Next(2) == 0 ? "office" : SlaPolicySet.DefaultCalendarName,
                },
            ],
        });
        var set = SlaPolicySet.Default with
        {
            Policies = [.. SlaPolicySet.Default.Policies, .. extra],
            Calendars = new Dictionary<string, BusinessCalendar>(StringComparer.Ordinal)
            {
                [SlaPolicySet.DefaultCalendarName] = BusinessCalendar.TwentyFourSeven(DateTimeZone.Utc),
                ["office"] = office,
            },
        };

        var tickets = Enumerable.Range(0, 40).Select(_ => RandomTicket(random)).ToArray();
        for (var round = 0; round < 3; round++)
        {
            foreach (var ticket in tickets.OrderBy(_ => random.Next()))
            {
                foreach (var kind in Enum.GetValues<SlaTargetKind>())
                {
                    Assert.Equal(set.SelectUncached(ticket, kind), set.Select(ticket, kind));
                }
            }
        }
    }

    private static Ticket RandomTicket(Random random)
    {
        var id = TicketId.New();
        var at = Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.Next(0, 500_000));
        var intake = TicketTestHost.Intake(at) with
        {
            Channel = Channels[random.Next(Channels.Length)],
            CustomerSegment = random.Next(4) == 0 ? null : Segments[random.Next(Segments.Length)],
        };
        var events = new List<TicketEvent> { new TicketRegistered { TicketId = id, OccurredAt = at, Actor = "a", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240101001", Intake = intake } };
        if (random.Next(4) != 0)
        {
            events.Add(new TicketTriaged
            {
                TicketId = id, OccurredAt = at, Actor = "a", CommandId = Guid.NewGuid(), Category = Categories[random.Next(Categories.Length)],
                Assessment = new PriorityAssessment(), Priority = (Priority)random.Next(4), PriorityRule = "test", Route = new Route(), RoutingRule = "test",
            });
        }

        return Ticket.Replay(id, events);
    }
}
