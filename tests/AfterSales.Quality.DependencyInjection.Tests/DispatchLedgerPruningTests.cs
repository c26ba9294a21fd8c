using System.Collections.Concurrent;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>The hosted service prunes the dispatch ledger behind its checkpoint, after the retention.</summary>
public sealed class DispatchLedgerPruningTests
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

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 400 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition(), $"the background service did not act: {what}");
    }

    [Fact]
    public async Task A_handled_alert_is_removed_from_the_ledger_once_the_checkpoint_is_a_retention_past_it()
    {
        var store = new InMemoryTicketStore();
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 1, 2, 0));
        var alerts = new Alerts();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAfterSalesQuality(o =>
        {
            o.ScanInterval = TimeSpan.FromSeconds(1);
            o.DispatchedRetention = TimeSpan.FromDays(1);
        }).UseStore(_ => store).UseClock(clock);
        builder.Services.AddSingleton<ISlaAlertHandler>(alerts);
        using var host = builder.Build();
        await host.StartAsync();
        await Eventually(async () => await store.GetCheckpointAsync("aftersales.sla-monitor.last-scan") > 0, "the first scan");

        var tickets = host.Services.GetRequiredService<TicketService>();
        var id = TicketId.New();
        await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = clock.GetCurrentInstant(), Description = "d", Owner = "a" } });
        await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });

        clock.Advance(Duration.FromHours(37)); // P1's first response: 75 % of 48 h reached
        await Eventually(() => Task.FromResult(alerts.Received.Any(a => a.TicketId == id && a.Share == 0.75)), "the 75 % warning");
        var warning = alerts.Received.First(a => a.TicketId == id && a.Share == 0.75);
        await Eventually(async () => await store.IsDispatchedAsync(warning.Id), "the warning recorded");

        clock.Advance(Duration.FromHours(2)); // a day and less than an hour after it was handled: kept
        var checkpoint = clock.GetCurrentInstant().ToUnixTimeTicks();
        await Eventually(async () => await store.GetCheckpointAsync("aftersales.sla-monitor.last-scan") >= checkpoint, "a scan");
        Assert.True(await store.IsDispatchedAsync(warning.Id));

        clock.Advance(Duration.FromHours(23)); // the checkpoint is now more than the retention past the record (and an hour past the last prune)
        await Eventually(async () => !await store.IsDispatchedAsync(warning.Id), "the record pruned");
        await host.StopAsync();

        Assert.Single(alerts.Received, a => a.Id == warning.Id); // and the warning is not raised again: it is behind the checkpoint
    }

    [Fact]
    public void A_retention_out_of_range_stops_the_start_with_its_key()
    {
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o => o.DispatchedRetention = TimeSpan.FromHours(2)).UseInMemory();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AfterSalesQualityOptions>>().Value);
        Assert.Contains("DispatchedRetention: must be between 1.00:00:00 and 3650.00:00:00", error.Message, StringComparison.Ordinal);
    }
}
