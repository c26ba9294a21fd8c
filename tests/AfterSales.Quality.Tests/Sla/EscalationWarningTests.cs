using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using FsCheck.Xunit;
using NodaTime;

namespace AfterSales.Quality.Tests.Sla;

/// <summary>
/// The guides escalate a complex issue within 2 h; an unescalated ticket warns a lead time (default 30 min of
/// working time) before that point, raised by the monitor like the other SLA alerts.
/// </summary>
public sealed class EscalationWarningTests
{
    private static readonly PriorityAssessment CoreFunction = new() { Severity = Severity.CoreFunction };

    private static async Task<List<SlaAlert>> ScanEvery(TicketTestHost host, SlaMonitor monitor, Duration step, int times)
    {
        var alerts = new List<SlaAlert>();
        for (var i = 0; i < times; i++)
        {
            host.Advance(step);
            alerts.AddRange(await monitor.ScanAsync());
        }

        return alerts;
    }

    [Fact]
    public async Task An_unescalated_ticket_warns_30_minutes_before_its_2_hour_escalation_point_once()
    {
        var host = new TicketTestHost();
        var index = new SlaDueIndex(SlaPolicySet.Default);
        var monitor = new SlaMonitor(index, host.Store, host.Clock);
        var raised = new List<SlaAlert>();
        monitor.AlertRaised += (_, alert) => raised.Add(alert);
        var id = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        var started = host.Clock.GetCurrentInstant();

        var alerts = await ScanEvery(host, monitor, Duration.FromMinutes(7), 30);
        var warning = Assert.Single(alerts, a => a.AlertKind == SlaAlertKind.EscalationWarning);
        Assert.Equal(new SlaAlert(id, SlaTargetKind.Escalation, 0, SlaAlertKind.EscalationWarning, 0.75, started + Duration.FromMinutes(90)), warning);
        Assert.Equal(alerts, raised);

        var point = (await host.Service.GetSlaAsync(id)).EscalationPoint!;
        Assert.Equal((started, started + Duration.FromHours(2), started + Duration.FromMinutes(90), (Instant?)null, "P1"), (point.StartedAt, point.Due, point.WarnAt, point.EndedAt, point.Policy));

        // The KPIs' escalation target still applies to escalated tickets only.
        Assert.Null((await host.Service.GetSlaAsync(id)).Find(SlaTargetKind.Escalation));
    }

    [Fact]
    public async Task No_warning_once_the_ticket_is_escalated_or_the_front_line_resolved_it()
    {
        var host = new TicketTestHost();
        var monitor = new SlaMonitor(new SlaDueIndex(SlaPolicySet.Default), host.Store, host.Clock);
        var escalated = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        var resolved = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        var late = await host.InProgress(TicketCategory.ProductFault, CoreFunction);
        host.Advance(Duration.FromMinutes(80));
        await host.Run(new EscalateTicket { TicketId = escalated, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Level = 1, Reason = "needs R&D" });
        await host.Respond(resolved);
        await host.Resolve(resolved);
        var alerts = await ScanEvery(host, monitor, Duration.FromMinutes(10), 20);
        Assert.Equal([late], alerts.Where(a => a.AlertKind == SlaAlertKind.EscalationWarning).Select(a => a.TicketId));

        // Escalated after its warning: the warning stands, nothing repeats.
        await host.Run(new EscalateTicket { TicketId = late, CommandId = Guid.NewGuid(), Actor = "tech-zhao", Level = 1, Reason = "needs R&D" });
        Assert.DoesNotContain(await ScanEvery(host, monitor, Duration.FromMinutes(10), 5), a => a.AlertKind == SlaAlertKind.EscalationWarning);
    }

    [Fact]
    public async Task On_a_business_calendar_the_lead_time_is_working_time()
    {
        // Work starts Friday 2024-03-01 17:00 in Shanghai (09:00-12:00, 13:00-18:00): 1 h 30 min of work is
        // Friday 17:00-18:00 plus Monday 09:00-09:30 — the warning is Monday 09:30, not Friday 18:30.
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 1, 16, 50));
        var id = await host.Register();
        await host.Triage(id, TicketCategory.ProductFault, CoreFunction);
        await host.Assign(id);
        host.Advance(Duration.FromMinutes(10));
        await host.Start(id);
        var sla = SlaClock.Evaluate([.. (await host.Service.GetHistoryAsync(id)).Select(e => e.Event)], SlaGoldenTests.China, host.Clock.GetCurrentInstant());
        Assert.Equal((TicketTestHost.At(2024, 3, 4, 9, 30), TicketTestHost.At(2024, 3, 4, 10, 0)), (sla.EscalationPoint!.WarnAt, sla.EscalationPoint.Due));

        var index = new SlaDueIndex(SlaGoldenTests.China);
        var monitor = new SlaMonitor(index, host.Store, host.Clock);
        host.Advance(Duration.FromHours(2)); // Friday 19:00: nothing yet
        Assert.Empty(await monitor.ScanAsync());
        host.Clock.Reset(TicketTestHost.At(2024, 3, 4, 9, 31));
        var warning = Assert.Single(await monitor.ScanAsync());
        Assert.Equal((SlaAlertKind.EscalationWarning, TicketTestHost.At(2024, 3, 4, 9, 30)), (warning.AlertKind, warning.At));
    }

    [Fact]
    public void The_lead_time_is_configurable_and_validated()
    {
        var history = EscalationHistory(out var started);
        var hour = SlaPolicySet.Default with { EscalationWarningLeadTime = Duration.FromHours(1) };
        Assert.Equal(started + Duration.FromHours(1), SlaClock.Evaluate(history, hour, started).EscalationPoint!.WarnAt);

        var zero = Assert.Throws<QualityValidationException>(() => (SlaPolicySet.Default with { EscalationWarningLeadTime = Duration.Zero }).Validate());
        Assert.Equal(("SlaPolicySet.EscalationWarningLeadTime", "must be positive; it was 0:00:00:00."), (zero.Errors[0].Field, zero.Errors[0].Message));
        var tooLong = Assert.Throws<QualityValidationException>(() => (SlaPolicySet.Default with { EscalationWarningLeadTime = Duration.FromHours(2) }).Validate());
        Assert.Equal("SlaPolicySet.EscalationWarningLeadTime", Assert.Single(tooLong.Errors).Field);
        Assert.Contains("must be shorter than every escalation target", tooLong.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("SlaPolicySet.Policies[1] ('P0') allows 0:02:00:00", tooLong.Errors[0].Message, StringComparison.Ordinal);
    }

    private static TicketEvent[] EscalationHistory(out Instant started)
    {
        var host = new TicketTestHost();
        var id = host.InProgress(TicketCategory.ProductFault, CoreFunction).GetAwaiter().GetResult();
        started = host.Clock.GetCurrentInstant();
        return [.. host.Service.GetHistoryAsync(id).GetAwaiter().GetResult().Select(e => e.Event)];
    }

    /// <summary>
    /// Over random scripts on both calendars: consecutive scans announce the escalation warning at most once, and
    /// exactly when the ticket was still unescalated and unresolved at the warning instant — the instant the lead
    /// time before the 2-hour point, computed here from the calendar directly.
    /// </summary>
    [Property(MaxTest = 200)]
    public void The_escalation_warning_is_raised_once_iff_the_ticket_was_still_unescalated_at_the_warning_instant(byte[] script, int seed, bool businessHours) =>
        CheckScript(script, seed, businessHours);

    [Fact]
    public void Seeded_scripts_both_raise_and_withhold_the_warning_so_the_property_is_not_vacuous()
    {
        var random = new Random(20240304);
        var outcomes = new HashSet<bool>();
        for (var i = 0; i < 60; i++)
        {
            var script = new byte[40];
            random.NextBytes(script);
            outcomes.Add(CheckScript(script, random.Next(), i % 2 == 0));
        }

        Assert.Equal([false, true], outcomes.Order());
    }

    /// <summary>Runs a script, checks the warning against the oracle, and says whether one was due.</summary>
    private static bool CheckScript(byte[] script, int seed, bool businessHours)
    {
        var policies = businessHours ? SlaGoldenTests.China : SlaPolicySet.Default;
        var host = new TicketTestHost(TicketTestHost.At(2024, 3, 4, 9, 0));
        var id = host.Register().GetAwaiter().GetResult();
        var random = new Random(seed);
        var start = host.Clock.GetCurrentInstant();
        foreach (var step in script)
        {
            host.Advance(Duration.FromMinutes(random.Next(1, 200)));
            SlaHistoryProperties.TryRun(host, SlaHistoryProperties.Command(id, step, random));
        }

        host.Advance(Duration.FromMinutes(random.Next(0, 600)));
        var now = host.Clock.GetCurrentInstant();
        var history = host.Service.GetHistoryAsync(id).GetAwaiter().GetResult().Select(e => e.Event).ToArray();
        var sla = SlaClock.Evaluate(history, policies, now);
        var cuts = new List<Instant> { start };
        while (cuts[^1] < now)
        {
            cuts.Add(Instant.Min(now, cuts[^1] + Duration.FromMinutes(random.Next(1, 300))));
        }

        var warnings = cuts.Zip(cuts.Skip(1)).SelectMany(w => sla.AlertsBetween(w.First, w.Second)).Where(a => a.AlertKind == SlaAlertKind.EscalationWarning).ToArray();

        // The oracle: the first start of work, unless an escalation came first; what ended the watch; the working-time instant.
        var work = history.OfType<WorkStarted>().FirstOrDefault();
        var escalatedBeforeWork = work is null || history.OfType<TicketEscalated>().Any(x => x.OccurredAt < work.OccurredAt);
        var expected = false;
        if (!escalatedBeforeWork)
        {
            var ended = history.SkipWhile(e => e != work).FirstOrDefault(e => e is TicketEscalated or TicketResolved or TicketClosed or TicketCancelled or TicketMarkedDuplicate)?.OccurredAt;
            var warnAt = policies.Calendars["default"].AddWorkingTime(work!.OccurredAt, Duration.FromMinutes(90));
            expected = warnAt <= now && (ended is null || warnAt <= ended);
            if (expected)
            {
                Assert.Equal(warnAt, Assert.Single(warnings).At);
            }
        }

        Assert.Equal(expected, warnings.Length == 1);
        Assert.True(warnings.Length <= 1);
        return expected;
    }
}
