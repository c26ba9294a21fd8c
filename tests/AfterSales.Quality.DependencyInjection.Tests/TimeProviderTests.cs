using System.Collections.Concurrent;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>A BCL <see cref="TimeProvider"/> (here <see cref="FakeTimeProvider"/>) is the library's clock and drives the background scan.</summary>
public sealed class TimeProviderTests
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

    private static readonly DateTimeOffset Start = new(2024, 3, 1, 2, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Advances fake time by one scan interval at a time until the condition holds: the interval's timer runs on the
    /// fake provider, so each step lets the next scan run (the first step may come before the service waits).
    /// </summary>
    private static async Task AdvanceUntil(FakeTimeProvider time, TimeSpan step, Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            time.Advance(step);
            await Task.Delay(25);
        }

        Assert.True(condition(), "the background service did not scan when fake time moved");
    }

    private static async Task<TicketId> RegisterP1Async(TicketService tickets, Instant receivedAt)
    {
        var id = TicketId.New();
        await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = receivedAt, Description = "d", Owner = "a" } });
        await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });
        return id;
    }

    [Fact]
    public async Task UseTimeProvider_makes_a_FakeTimeProvider_the_clock_and_the_scan_timer_so_advancing_it_raises_the_SLA_breach()
    {
        var time = new FakeTimeProvider(Start);
        var alerts = new Alerts();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAfterSalesQuality(o =>
        {
            // A real-time scan period (min(ScanInterval, LeaseDuration / 3)) of a minute: far longer than the test waits,
            // so only the fake provider's timers can run the scans that raise the breach.
            o.ScanInterval = TimeSpan.FromMinutes(1);
            o.LeaseDuration = TimeSpan.FromMinutes(10);
        }).UseInMemory().UseTimeProvider(time);
        builder.Services.AddSingleton<ISlaAlertHandler>(alerts);
        using var host = builder.Build();
        await host.StartAsync();

        // The monitor announces what is reached after its first scan: wait for that scan (it records the checkpoint) before time moves.
        var checkpoints = (ICheckpointStore)host.Services.GetRequiredService<ITicketStore>();
        for (var i = 0; i < 400 && await checkpoints.GetCheckpointAsync("aftersales.sla-monitor.last-scan") == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(Instant.FromDateTimeOffset(Start).ToUnixTimeTicks(), await checkpoints.GetCheckpointAsync("aftersales.sla-monitor.last-scan"));
        Assert.Equal(Instant.FromDateTimeOffset(Start), host.Services.GetRequiredService<IClock>().GetCurrentInstant());
        var tickets = host.Services.GetRequiredService<TicketService>();
        var id = await RegisterP1Async(tickets, Instant.FromDateTimeOffset(Start));
        var assigned = await tickets.ExecuteAsync(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "b" });
        Assert.Equal(Instant.FromDateTimeOffset(Start), assigned.NewEvents[^1].Event.OccurredAt); // the service's clock is the fake provider

        // P1's first response is due 48 h after the receipt (24x7): no real time passes, only fake time.
        time.Advance(TimeSpan.FromHours(48));
        await AdvanceUntil(time, TimeSpan.FromMinutes(1), () => alerts.Received.Any(a => a.TicketId == id && a.Kind == SlaTargetKind.FirstResponse && a.AlertKind == SlaAlertKind.Breach));
        await host.StopAsync();

        var breach = alerts.Received.Single(a => a.TicketId == id && a.Kind == SlaTargetKind.FirstResponse && a.AlertKind == SlaAlertKind.Breach);
        Assert.Equal(Instant.FromDateTimeOffset(Start) + Duration.FromHours(48), breach.At);
        Assert.Contains(alerts.Received, a => a.TicketId == id && a.Kind == SlaTargetKind.FirstResponse && a.Share == 0.75);
    }

    [Fact]
    public async Task A_TimeProvider_registered_in_the_services_is_the_clock_unless_UseClock_replaces_it()
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAfterSalesQuality().UseInMemory();
        await using (var provider = services.BuildServiceProvider())
        {
            var clock = provider.GetRequiredService<IClock>();
            Assert.Equal(Instant.FromDateTimeOffset(Start), clock.GetCurrentInstant());
            time.Advance(TimeSpan.FromMinutes(7));
            Assert.Equal(Instant.FromDateTimeOffset(Start) + Duration.FromMinutes(7), clock.GetCurrentInstant());
            var tickets = provider.GetRequiredService<TicketService>();
            var id = await RegisterP1Async(tickets, clock.GetCurrentInstant());
            Assert.Equal(clock.GetCurrentInstant(), (await tickets.ExecuteAsync(new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Assignee = "b" })).NewEvents[^1].Event.OccurredAt);
        }

        var fixedClock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2030, 1, 1, 0, 0));
        services.AddAfterSalesQuality().UseClock(fixedClock);
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Same(fixedClock, provider.GetRequiredService<IClock>());
        }
    }

    [Fact]
    public void ToClock_reads_the_time_provider_and_refuses_null()
    {
        var time = new FakeTimeProvider(Start);
        var clock = time.ToClock();
        time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(Instant.FromDateTimeOffset(Start.AddSeconds(90)), clock.GetCurrentInstant());
        Assert.Same(time, Assert.IsType<TimeProviderClock>(clock).TimeProvider);
        Assert.Equal("timeProvider", Assert.Throws<ArgumentNullException>(() => new TimeProviderClock(null!)).ParamName);
    }
}
