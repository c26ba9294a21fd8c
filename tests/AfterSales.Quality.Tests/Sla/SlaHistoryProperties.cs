using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>
/// SLA history never changes: a stopped clock keeps its policy, target, due and outcome whatever is
/// appended after it, settled KPI outcomes stay settled, and one boundary rule decides Met vs
/// Breached for the state and for the alerts.
/// </summary>
public sealed class SlaHistoryProperties
{
    /// <summary>Random ticket commands (re-triage after a reopen, overrides to any priority, closes and cancels included).</summary>
    internal static TicketCommand Command(TicketId id, byte step, Random random) => (step % 13) switch
    {
        0 => new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = step % 3 == 0 ? TicketCategory.Complaint : TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = (Severity)random.Next(4) } },
        1 => new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "agent" },
        2 => new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
        3 => new AwaitCustomer { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "info" },
        4 => new ResumeWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
        5 or 10 => new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Solution = "fixed" },
        6 or 11 => new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Method = RevisitMethod.Phone, Resolved = random.Next(3) != 0, Score = random.Next(1, 6) },
        7 => new RecordResponse { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
        8 => new OverridePriority { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Priority = (Priority)random.Next(4), Reason = "r" },
        9 => new EscalateTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Level = random.Next(1, 4), Reason = "r" },
        _ => random.Next(8) == 0 ? new CancelTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Reason = "r" } : new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a" },
    };

    internal static void TryRun(TicketTestHost host, TicketCommand command)
    {
        try
        {
            host.Run(command).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is QualityValidationException or IllegalTicketCommandException or TicketRuleViolationException)
        {
        }
    }

    private static TicketEvent[] History(TicketTestHost host, TicketId id) =>
        [.. host.Service.GetHistoryAsync(id).GetAwaiter().GetResult().Select(e => e.Event)];

    private static object Fixed(SlaTargetStatus s) => (s.State, s.Policy, s.Target, s.Calendar, s.StartedAt, s.StoppedAt, s.Elapsed, s.Due, s.BreachAt, string.Join(",", s.WarningsReached));

    [Property(MaxTest = 200)]
    public void Events_after_a_clock_stops_never_change_it(byte[] script, int seed)
    {
        var host = new TicketTestHost();
        var id = host.Register().GetAwaiter().GetResult();
        var random = new Random(seed);
        var stopped = new Dictionary<(SlaTargetKind, int), object>();
        var settled = new Dictionary<string, SlaOutcome>();
        foreach (var step in script)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 3000)));
            TryRun(host, Command(id, step, random));
            var now = host.Clock.GetCurrentInstant();
            var history = History(host, id);
            foreach (var target in SlaClock.Evaluate(history, SlaPolicySet.Default, now).Targets.Where(t => t.StoppedAt is not null))
            {
                stopped.TryAdd((target.Kind, target.Cycle), Fixed(target));
            }

            var outcome = TicketOutcome.Measure(history, SlaPolicySet.Default, now);
            foreach (var (name, value) in Outcomes(outcome).Where(o => Stopped(history, now).Contains(ClockOf(o.Name))))
            {
                settled.TryAdd(name, value);
            }
        }

        host.Advance(Duration.FromMinutes(random.Next(0, 50_000)));
        var end = host.Clock.GetCurrentInstant();
        var final = SlaClock.Evaluate(History(host, id), SlaPolicySet.Default, end);
        foreach (var (key, status) in stopped)
        {
            var now = final.Find(key.Item1, key.Item2);
            Assert.NotNull(now);
            Assert.Equal(status, Fixed(now!));
        }

        var finalOutcomes = Outcomes(TicketOutcome.Measure(History(host, id), SlaPolicySet.Default, end)).ToDictionary(o => o.Name, o => o.Value);
        foreach (var (name, value) in settled)
        {
            Assert.Equal((name, value), (name, finalOutcomes[name]));
        }
    }

    private static HashSet<(SlaTargetKind, int)> Stopped(IReadOnlyList<TicketEvent> history, Instant now) =>
        [.. SlaClock.Evaluate(history, SlaPolicySet.Default, now).Targets.Where(t => t.StoppedAt is not null).Select(t => (t.Kind, t.Cycle))];

    /// <summary>The clock a KPI outcome reports.</summary>
    private static (SlaTargetKind, int) ClockOf(string outcome) => outcome switch
    {
        nameof(TicketOutcome.FirstResponseSla) => (SlaTargetKind.FirstResponse, 0),
        nameof(TicketOutcome.ResolutionSla) => (SlaTargetKind.Resolution, 1),
        nameof(TicketOutcome.EscalationSla) => (SlaTargetKind.Escalation, 0),
        nameof(TicketOutcome.NegativeFeedbackContactSla) => (SlaTargetKind.NegativeFeedbackContact, 0),
        _ => (SlaTargetKind.NegativeFeedbackResolution, 0),
    };

    private static IEnumerable<(string Name, SlaOutcome Value)> Outcomes(TicketOutcome o) =>
    [
        (nameof(o.FirstResponseSla), o.FirstResponseSla), (nameof(o.ResolutionSla), o.ResolutionSla), (nameof(o.EscalationSla), o.EscalationSla),
        (nameof(o.NegativeFeedbackContactSla), o.NegativeFeedbackContactSla), (nameof(o.NegativeFeedbackResolutionSla), o.NegativeFeedbackResolutionSla),
    ];

    [Property(MaxTest = 60)]
    public void A_KPI_over_a_closed_period_is_identical_before_and_after_later_events(byte[][] scripts, byte[] later, int seed)
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 1, 9, 0));
        var random = new Random(seed);
        var ids = new List<TicketId>();
        foreach (var script in scripts.Take(5))
        {
            var id = host.Register().GetAwaiter().GetResult();
            ids.Add(id);
            foreach (var step in script.Take(12))
            {
                host.Advance(Duration.FromMinutes(random.Next(1, 600)));
                TryRun(host, Command(id, step, random));
            }
        }

        // The period closes; what it reported is measured now, then later events arrive on the same tickets.
        if (ids.Count == 0)
        {
            return;
        }

        var cut = host.Clock.GetCurrentInstant();
        var before = ids.Select(id => TicketOutcome.Measure(History(host, id), SlaPolicySet.Default, cut)).ToArray();
        var stoppedAtCut = ids.Select(id => Stopped(History(host, id), cut)).ToArray();
        foreach (var step in later)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 3000)));
            TryRun(host, Command(ids[random.Next(ids.Count)], step, random));
        }

        var end = host.Clock.GetCurrentInstant() + Duration.FromDays(random.Next(0, 60));
        var after = ids.Select(id => TicketOutcome.Measure(History(host, id), SlaPolicySet.Default, end)).ToArray();

        // The period's SLA attainment counts the targets whose clocks had stopped by its close.
        KpiValues Kpi(IEnumerable<TicketOutcome> outcomes)
        {
            var dimensions = new FactDimensions();
            var facts = outcomes.Select((o, i) => dimensions.ToFact(o with
            {
                FirstResponseSla = stoppedAtCut[i].Contains(ClockOf(nameof(o.FirstResponseSla))) ? o.FirstResponseSla : SlaOutcome.Open,
                ResolutionSla = stoppedAtCut[i].Contains(ClockOf(nameof(o.ResolutionSla))) ? o.ResolutionSla : SlaOutcome.Open,
            }));
            var table = new FactTable();
            foreach (var fact in facts)
            {
                table.Add(fact);
            }

            return Assert.Single(KpiEngine.Aggregate(table, new KpiQuery())).Values;
        }

        var (a, b) = (Kpi(before), Kpi(after));
        Assert.Equal((a.FirstResponseSlaAttainment, a.ResolutionSlaAttainment), (b.FirstResponseSlaAttainment, b.ResolutionSlaAttainment));
    }

    [Property(MaxTest = 200)]
    public void A_breach_alert_is_raised_iff_the_clock_ends_breached_or_runs_on_past_due(byte[] script, int seed, bool businessHours)
    {
        var policies = businessHours ? SlaGoldenTests.China : SlaPolicySet.Default;
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var id = host.Register().GetAwaiter().GetResult();
        var random = new Random(seed);
        var start = host.Clock.GetCurrentInstant();
        foreach (var step in script)
        {
            // Steps that land on the boundaries too: whole working days and the end of the day.
            host.Advance(random.Next(3) switch { 0 => Duration.FromHours(random.Next(1, 30)), 1 => Duration.FromMinutes(random.Next(1, 3000)), _ => Duration.FromHours(24 * random.Next(1, 4)) });
            TryRun(host, Command(id, step, random));
        }

        host.Advance(Duration.FromMinutes(random.Next(0, 5000)));
        var now = host.Clock.GetCurrentInstant();
        var sla = SlaClock.Evaluate(History(host, id), policies, now);

        // Scans in consecutive windows announce what one window over the whole history does.
        var cuts = new List<Instant> { start };
        while (cuts[^1] < now)
        {
            cuts.Add(Instant.Min(now, cuts[^1] + Duration.FromMinutes(random.Next(1, 5000))));
        }

        var scanned = cuts.Zip(cuts.Skip(1)).SelectMany(w => sla.AlertsBetween(w.First, w.Second)).ToArray();
        var breaches = scanned.Where(a => a.AlertKind == SlaAlertKind.Breach).Select(a => (a.Kind, a.Cycle)).ToArray();
        Assert.Equal(breaches.Distinct().Count(), breaches.Length);
        var ticketLevelResolutionDue = sla.Find(SlaTargetKind.Resolution)?.Due;
        foreach (var target in sla.Targets)
        {
            var late = target.State is SlaClockState.Breached or SlaClockState.Overdue
                || (target.State == SlaClockState.Cancelled && target.Elapsed > target.Target);

            // A first cycle that never reopened is the ticket-level resolution clock: its breach is announced once, as cycle 0.
            var sameClockAsTicketLevel = target.Kind == SlaTargetKind.Resolution && target.Cycle > 0 && target.Due is not null && target.Due == ticketLevelResolutionDue;
            Assert.Equal(late && !sameClockAsTicketLevel, breaches.Contains((target.Kind, target.Cycle)));
            if (late && sameClockAsTicketLevel)
            {
                Assert.Contains((SlaTargetKind.Resolution, 0), breaches);
            }

            Assert.Equal(target.Elapsed > target.Target, target.IsBreached || target.State == SlaClockState.Cancelled && target.Elapsed > target.Target);
        }
    }

    [Fact]
    public async Task A_cycle_met_as_P2_stays_met_after_a_reopen_and_a_P0_re_triage()
    {
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 1, 9, 0));
        var id = await host.InProgress(TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.SecondaryFunction }); // P2
        await host.Respond(id);
        host.Advance(Duration.FromDays(4));
        await host.Resolve(id); // 4 days: inside P2's 10 days, outside P0's 72 h
        var month = await Evaluate(host, id);
        var first = month.Find(SlaTargetKind.Resolution, 1)!;
        Assert.Equal(("P2", SlaClockState.Met), (first.Policy, first.State));
        var reported = TicketOutcome.Measure(History(host, id), SlaPolicySet.Default, host.Clock.GetCurrentInstant());
        Assert.Equal(SlaOutcome.Met, reported.ResolutionSla);

        host.Advance(Duration.FromDays(30));
        await host.Revisit(id, resolved: false, score: 1); // reopened
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.SafetyRisk }); // P0
        host.Advance(Duration.FromDays(5));

        var later = await Evaluate(host, id);
        Assert.Equal(Fixed(first), Fixed(later.Find(SlaTargetKind.Resolution, 1)!));
        Assert.Equal(Fixed(month.Find(SlaTargetKind.FirstResponse)!), Fixed(later.Find(SlaTargetKind.FirstResponse)!));
        Assert.Equal(("P0", SlaClockState.Overdue), (later.Find(SlaTargetKind.Resolution, 2)!.Policy, later.Find(SlaTargetKind.Resolution, 2)!.State));
        Assert.Equal("P0", later.Find(SlaTargetKind.Resolution, 0)!.Policy); // the ticket-level clock is open again: re-targeted
        Assert.Equal(SlaOutcome.Met, TicketOutcome.Measure(History(host, id), SlaPolicySet.Default, host.Clock.GetCurrentInstant()).ResolutionSla);
    }

    [Fact]
    public async Task A_target_due_at_the_end_of_the_day_and_met_the_next_morning_is_met_and_never_alerted()
    {
        // P1 first response: 48 working hours = 6 working days of 8 h; received Monday 09:00, due the next Monday 18:00.
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        var received = TicketTestHost.At(2024, 3, 4, 9, 0);
        host.Clock.Reset(TicketTestHost.At(2024, 3, 12, 8, 30)); // Tuesday morning, before work starts
        await host.Respond(id);
        var sla = await SlaGoldenTests.Evaluate(host, id);
        var frt = sla.Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal(TicketTestHost.At(2024, 3, 11, 18, 0), frt.Due);
        Assert.Equal(TicketTestHost.At(2024, 3, 12, 9, 0), frt.BreachAt);
        Assert.Equal((SlaClockState.Met, Duration.FromHours(48)), (frt.State, frt.Elapsed));
        Assert.DoesNotContain(sla.AlertsBetween(received, host.Clock.GetCurrentInstant()), a => a.AlertKind == SlaAlertKind.Breach);
        Assert.Contains(sla.AlertsBetween(received, host.Clock.GetCurrentInstant()), a => a is { Kind: SlaTargetKind.FirstResponse, Share: 0.9 });

        // One minute into Tuesday's hours it would have been breached, and alerted once.
        var late = new TicketTestHost(received);
        var lateId = await late.Register();
        await late.Triage(lateId, TicketCategory.ProductFault, new PriorityAssessment { Severity = Severity.CoreFunction });
        late.Clock.Reset(TicketTestHost.At(2024, 3, 12, 9, 1));
        var open = await SlaGoldenTests.Evaluate(late, lateId);
        Assert.Equal(SlaClockState.Overdue, open.Find(SlaTargetKind.FirstResponse)!.State);
        Assert.DoesNotContain(open.AlertsBetween(received, TicketTestHost.At(2024, 3, 12, 9, 0)), a => a.AlertKind == SlaAlertKind.Breach);
        var breach = Assert.Single(open.AlertsBetween(TicketTestHost.At(2024, 3, 12, 9, 0), late.Clock.GetCurrentInstant()), a => a.AlertKind == SlaAlertKind.Breach);
        Assert.Equal(TicketTestHost.At(2024, 3, 11, 18, 0), breach.At);
    }

    private static async Task<TicketSla> Evaluate(TicketTestHost host, TicketId id) =>
        SlaClock.Evaluate((await host.Service.GetHistoryAsync(id)).Select(e => e.Event).ToArray(), SlaPolicySet.Default, host.Clock.GetCurrentInstant());
}
