using System.Collections.Concurrent;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

[Collection("telemetry")]
public sealed class BackgroundServiceTests
{
    private sealed class Alerts : ISlaAlertHandler
    {
        public ConcurrentQueue<SlaAlert> Received { get; } = new();

        public Task HandleAsync(SlaAlert alert, CancellationToken cancellationToken)
        {
            Received.Enqueue(alert);
            return Task.CompletedTask;
        }
    }

    private sealed class Surveys(TicketService tickets) : ISurveyDueHandler
    {
        public ConcurrentQueue<SurveyDue> Received { get; } = new();

        public async Task HandleAsync(SurveyDue survey, CancellationToken cancellationToken)
        {
            Received.Enqueue(survey);
            await tickets.ExecuteAsync(new RecordSurveySent { TicketId = survey.TicketId, CommandId = Guid.NewGuid(), Actor = "survey-bot", Channel = "sms" }, cancellationToken);
        }
    }

    private static async Task Eventually(Func<bool> condition, [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), $"the background service did not act within 10 s (line {line})");
    }

    private static IHost Host(InMemoryTicketStore store, FakeClock clock, Alerts alerts)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.Services.AddAfterSalesQuality(o => o.ScanInterval = TimeSpan.FromSeconds(1)).UseStore(_ => store).UseClock(clock);
        builder.Services.AddSingleton<ISlaAlertHandler>(alerts);
        builder.Services.AddSingleton<Surveys>();
        builder.Services.AddSingleton<ISurveyDueHandler>(sp => sp.GetRequiredService<Surveys>());
        return builder.Build();
    }

    [Fact]
    public async Task Sla_alerts_and_due_surveys_are_handed_to_the_host_once_even_across_a_restart()
    {
        var store = new InMemoryTicketStore();
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 1, 2, 0));
        var alerts = new Alerts();
        using (var host = Host(store, clock, alerts))
        {
            await host.StartAsync();

            // Without a checkpoint the monitor starts from its first scan: wait for it before time moves.
            await Eventually(() => store.GetCheckpointAsync("aftersales.sla-monitor.last-scan").AsTask().Result > 0);
            var tickets = host.Services.GetRequiredService<TicketService>();
            var slow = TicketId.New();
            await tickets.ExecuteAsync(new RegisterTicket { TicketId = slow, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "a" } });
            await tickets.ExecuteAsync(new TriageTicket { TicketId = slow, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });
            var quick = TicketId.New();
            await tickets.ExecuteAsync(new RegisterTicket { TicketId = quick, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "a" } });
            await tickets.ExecuteAsync(new TriageTicket { TicketId = quick, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.Suggestion, Assessment = new PriorityAssessment() });
            await tickets.ExecuteAsync(new AssignTicket { TicketId = quick, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "b" });
            await tickets.ExecuteAsync(new StartWork { TicketId = quick, CommandId = Guid.NewGuid(), Actor = "b" });
            await tickets.ExecuteAsync(new ResolveTicket { TicketId = quick, CommandId = Guid.NewGuid(), Actor = "b", Solution = "answered" });

            clock.Advance(Duration.FromHours(40)); // P1 first response: 75 % of 48 h reached
            await Eventually(() => alerts.Received.Any(a => a.TicketId == slow && a.Kind == SlaTargetKind.FirstResponse));
            var surveys = host.Services.GetRequiredService<Surveys>();
            await Eventually(() => surveys.Received.Any(s => s.TicketId == quick));
            await host.StopAsync();
        }

        Assert.True(alerts.Received.Count(a => a.Kind == SlaTargetKind.FirstResponse) == 1, string.Join("; ", alerts.Received));
        Assert.True(await store.GetCheckpointAsync("aftersales.sla-monitor.last-scan") > 0);

        // A restarted host resumes from the checkpoint: the warning is not raised again; the breach is.
        var again = new Alerts();
        using (var host = Host(store, clock, again))
        {
            await host.StartAsync();
            clock.Advance(Duration.FromHours(10));
            await Eventually(() => again.Received.Any(a => a.Kind == SlaTargetKind.FirstResponse && a.AlertKind == SlaAlertKind.Breach));
            await host.StopAsync();
        }

        Assert.DoesNotContain(again.Received, a => a.Kind == SlaTargetKind.FirstResponse && a.Share == 0.75);
    }

    [Fact]
    public async Task The_SLA_due_index_is_snapshotted_in_the_background_and_a_corrupt_snapshot_is_rebuilt_at_the_next_start()
    {
        var store = new InMemoryTicketStore();
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 1, 2, 0));
        var slow = TicketId.New();
        using (var host = Host(store, clock, new Alerts()))
        {
            await host.StartAsync();
            var tickets = host.Services.GetRequiredService<TicketService>();
            await tickets.ExecuteAsync(new RegisterTicket { TicketId = slow, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "a" } });
            await tickets.ExecuteAsync(new TriageTicket { TicketId = slow, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });
            clock.Advance(Duration.FromMinutes(5)); // the snapshot interval
            await Eventually(() => Restore(store).Position == store.Count);
            await host.StopAsync();
        }

        var restored = new SlaDueIndex(HostPolicies());
        Assert.True((await AfterSales.Quality.ReadModels.Snapshots.ReadModelSnapshots.RestoreSnapshotAsync(restored, store, store)).IsRestored);
        Assert.Equal(1, restored.OpenTickets);

        // Damaged on disk: the next start does not trust it, rebuilds from the events and still raises the breach.
        var bytes = (await store.ReadSnapshotAsync(AfterSales.Quality.ReadModels.Snapshots.ReadModelSnapshots.SlaDueIndexName))!;
        bytes[^1] ^= 0xFF;
        await store.WriteSnapshotAsync(AfterSales.Quality.ReadModels.Snapshots.ReadModelSnapshots.SlaDueIndexName, bytes);
        var again = new Alerts();
        using (var host = Host(store, clock, again))
        {
            await host.StartAsync();
            clock.Advance(Duration.FromHours(49));
            await Eventually(() => again.Received.Any(a => a.TicketId == slow && a.Kind == SlaTargetKind.FirstResponse && a.AlertKind == SlaAlertKind.Breach));
            await Eventually(() => Restore(store).Position == store.Count); // and written anew
            await host.StopAsync();
        }

        static SlaDueIndex Restore(InMemoryTicketStore store)
        {
            var index = new SlaDueIndex(HostPolicies());
            AfterSales.Quality.ReadModels.Snapshots.ReadModelSnapshots.RestoreSnapshotAsync(index, store, store).GetAwaiter().GetResult();
            return index;
        }

        static SlaPolicySet HostPolicies() => new AfterSalesQualityOptions().ToSlaPolicySet();
    }

    [Fact]
    public void The_snapshot_interval_is_validated_with_its_key()
    {
        var validator = new AfterSalesQualityOptionsValidator();
        Assert.True(validator.Validate(null, new AfterSalesQualityOptions { SnapshotInterval = TimeSpan.Zero }).Succeeded);
        var failure = validator.Validate(null, new AfterSalesQualityOptions { SnapshotInterval = TimeSpan.FromMilliseconds(10) });
        Assert.True(failure.Failed);
        Assert.Contains("SnapshotInterval: must be 00:00:00 (off) or between 00:00:01 and 1.00:00:00; it was 00:00:00.0100000.", failure.FailureMessage, StringComparison.Ordinal);
    }
}
