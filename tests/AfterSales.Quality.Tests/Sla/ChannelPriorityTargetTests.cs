using AfterSales.Quality.Calendars;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Calendars;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>
/// Channel targets and priority targets combine per target kind: every matching policy applies and the
/// strictest target (due first from receipt) binds — whatever the order of the policies.
/// </summary>
public sealed class ChannelPriorityTargetTests
{
    private static readonly ServiceChannel[] Channels = [ServiceChannel.Phone, ServiceChannel.OnlineChat, ServiceChannel.Email, ServiceChannel.App, ServiceChannel.WebForm];
    private static readonly TicketCategory[] Categories = [TicketCategory.ProductFault, TicketCategory.ServiceExperience, TicketCategory.Suggestion, TicketCategory.Complaint];

    private static Ticket Ticket(ServiceChannel channel, Priority? priority, TicketCategory category, Instant? receivedAt = null)
    {
        var id = TicketId.New();
        var at = receivedAt ?? TicketTestHost.At(2024, 3, 1, 14, 15);
        var intake = TicketTestHost.Intake(at) with { Channel = channel };
        var events = new List<TicketEvent> { new TicketRegistered { TicketId = id, OccurredAt = at, Actor = "a", CommandId = Guid.NewGuid(), FeedbackNumber = "F20240301002", Intake = intake } };
        if (priority is { } p)
        {
            events.Add(new TicketTriaged { TicketId = id, OccurredAt = at, Actor = "a", CommandId = Guid.NewGuid(), Category = category, Assessment = new PriorityAssessment(), Priority = p, PriorityRule = "test", Route = new Route(), RoutingRule = "test" });
        }

        return AfterSales.Quality.Tickets.Ticket.Replay(id, events);
    }

    [Fact]
    public void The_guides_chat_example_owes_the_30_second_answer_and_keeps_its_P2_resolution_and_revisit()
    {
        // F20240301002: air-conditioner installation, online chat, service experience, P2.
        var chat = Ticket(ServiceChannel.OnlineChat, Priority.P2, TicketCategory.ServiceExperience);
        var policies = SlaPolicySet.Default;
        Assert.Equal(("live-chat", Duration.FromSeconds(30)), Pick(policies, chat, SlaTargetKind.FirstResponse));
        Assert.Equal(("P2", Duration.FromDays(10)), Pick(policies, chat, SlaTargetKind.Resolution));
        Assert.Equal(("P2", Duration.FromHours(48)), Pick(policies, chat, SlaTargetKind.RevisitAfterResolution));
        Assert.Equal(("P2", Duration.FromHours(2)), Pick(policies, chat, SlaTargetKind.Escalation));

        // F20240301001: phone, product fault, P1: the priority's 48 h response and 24 h revisit.
        var phone = Ticket(ServiceChannel.Phone, Priority.P1, TicketCategory.ProductFault);
        Assert.Equal(("P1", Duration.FromHours(48)), Pick(policies, phone, SlaTargetKind.FirstResponse));
        Assert.Equal(("P1", Duration.FromHours(24)), Pick(policies, phone, SlaTargetKind.RevisitAfterResolution));

        // P3 sets no first response; a chat ticket still owes its 30 seconds, an untriaged one too.
        Assert.Equal(("live-chat", Duration.FromSeconds(30)), Pick(policies, Ticket(ServiceChannel.OnlineChat, Priority.P3, TicketCategory.Suggestion), SlaTargetKind.FirstResponse));
        Assert.Null(policies.Select(Ticket(ServiceChannel.Email, Priority.P3, TicketCategory.Suggestion), SlaTargetKind.FirstResponse));
        Assert.Equal(("live-chat", Duration.FromSeconds(30)), Pick(policies, Ticket(ServiceChannel.OnlineChat, null, TicketCategory.Suggestion), SlaTargetKind.FirstResponse));
    }

    [Fact]
    public void The_order_of_the_policies_no_longer_decides()
    {
        // Listed after the priority policies, the chat target used to be shadowed by P2's 72 h; it binds now.
        var reversed = SlaPolicySet.Default with { Policies = [.. SlaPolicySet.Default.Policies.Reverse()] };
        var chat = Ticket(ServiceChannel.OnlineChat, Priority.P2, TicketCategory.ServiceExperience);
        Assert.Equal(("live-chat", Duration.FromSeconds(30)), Pick(reversed, chat, SlaTargetKind.FirstResponse));

        // A narrow policy tightens a target and cannot loosen it: a 30-day key-account resolution leaves P0's 72 h.
        var loosened = SlaPolicySet.Default with
        {
            Policies = [new SlaPolicy { Name = "slow", Categories = [TicketCategory.ProductFault], Targets = [new SlaTarget { Kind = SlaTargetKind.Resolution, Duration = Duration.FromDays(30) }] }, .. SlaPolicySet.Default.Policies],
        };
        Assert.Equal(("P0", Duration.FromHours(72)), Pick(loosened, Ticket(ServiceChannel.Phone, Priority.P0, TicketCategory.ProductFault), SlaTargetKind.Resolution));
    }

    [Fact]
    public void Across_calendars_the_target_due_first_from_receipt_binds()
    {
        // Received Friday 17:30 in Shanghai: 4 working hours on the 09:00-18:00 calendar end Monday 12:30,
        // 24 wall-clock hours end Saturday 17:30 — the 24 h target is the stricter although it is longer.
        var received = TicketTestHost.At(2024, 3, 1, 17, 30);
        var business = new BusinessCalendarBuilder("desk", TicketTestHost.Shanghai).Weekdays(new WorkingInterval(new LocalTime(9, 0), new LocalTime(18, 0))).Build();
        var policies = new SlaPolicySet
        {
            Policies =
            [
                new SlaPolicy { Name = "business-4h", Targets = [new SlaTarget { Kind = SlaTargetKind.FirstResponse, Duration = Duration.FromHours(4), Calendar = "desk" }] },
                new SlaPolicy { Name = "wall-24h", Channels = [ServiceChannel.Phone], Targets = [new SlaTarget { Kind = SlaTargetKind.FirstResponse, Duration = Duration.FromHours(24) }] },
            ],
            Calendars = new Dictionary<string, BusinessCalendar> { ["default"] = BusinessCalendar.TwentyFourSeven(DateTimeZone.Utc), ["desk"] = business },
        };
        Assert.Equal(("wall-24h", Duration.FromHours(24)), Pick(policies, Ticket(ServiceChannel.Phone, Priority.P2, TicketCategory.ProductFault, received), SlaTargetKind.FirstResponse));
        Assert.Equal(("business-4h", Duration.FromHours(4)), Pick(policies, Ticket(ServiceChannel.Phone, Priority.P2, TicketCategory.ProductFault, TicketTestHost.At(2024, 3, 4, 9, 0)), SlaTargetKind.FirstResponse));
    }

    /// <summary>Over random priority × channel × category and random extra policies, the chosen target is the rule's.</summary>
    [Property(MaxTest = 500)]
    public void The_chosen_target_per_kind_is_the_strictest_of_the_matching_policies(byte priority, byte channel, byte category, byte[] extra, int seed)
    {
        var random = new Random(seed);
        var policies = SlaPolicySet.Default with
        {
            Policies = [.. SlaPolicySet.Default.Policies, .. extra.Take(6).Select((b, i) => new SlaPolicy
            {
                Name = $"extra-{i}",
                Priorities = b % 3 == 0 ? [(Priority)(b % 4)] : [],
                Channels = b % 5 == 0 ? [Channels[b % Channels.Length]] : [],
                Categories = b % 7 == 0 ? [Categories[b % Categories.Length]] : [],
                Targets = [new SlaTarget { Kind = (SlaTargetKind)(b % 6), Duration = Duration.FromMinutes(random.Next(1, 20_000)) }],
            })],
        };
        var ticket = Ticket(Channels[channel % Channels.Length], priority % 5 == 4 ? null : (Priority)(priority % 5), Categories[category % Categories.Length]);
        var shuffled = policies with { Policies = [.. policies.Policies.OrderBy(_ => random.Next())] };
        foreach (var kind in Enum.GetValues<SlaTargetKind>())
        {
            // The rule, written out: of every matching policy's target of the kind, the shortest (one calendar here).
            var applicable = policies.Policies.Where(p => p.Matches(ticket)).SelectMany(p => p.Targets.Where(t => t.Kind == kind)).ToArray();
            var chosen = policies.Select(ticket, kind);
            if (applicable.Length == 0)
            {
                Assert.Null(chosen);
                continue;
            }

            Assert.NotNull(chosen);
            Assert.Equal(applicable.Min(t => t.Duration), chosen.Value.Target.Duration);
            Assert.True(chosen.Value.Policy.Matches(ticket));

            // Independent of the order of the list.
            Assert.Equal(chosen.Value.Target.Duration, shuffled.Select(ticket, kind)!.Value.Target.Duration);
        }
    }

    [Fact]
    public async Task A_chat_ticket_answered_after_30_seconds_breaches_first_response_and_keeps_its_P2_clocks()
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 1, 14, 15));
        var id = await host.Register(TicketTestHost.Intake(host.Clock.GetCurrentInstant(), "AC installation") with { Channel = ServiceChannel.OnlineChat });
        host.Advance(Duration.FromSeconds(45));
        await host.Respond(id);
        await host.Triage(id, TicketCategory.ServiceExperience, new PriorityAssessment { Severity = Severity.Cosmetic });
        var sla = await host.Service.GetSlaAsync(id);
        var first = sla.Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal(("live-chat", SlaClockState.Breached), (first.Policy, first.State));
        Assert.Equal(("P2", Duration.FromDays(10)), (sla.Find(SlaTargetKind.Resolution)!.Policy, sla.Find(SlaTargetKind.Resolution)!.Target));
    }

    private static (string, Duration)? Pick(SlaPolicySet policies, Ticket ticket, SlaTargetKind kind) =>
        policies.Select(ticket, kind) is { } chosen ? (chosen.Policy.Name, chosen.Target.Duration) : null;
}
