using System.Diagnostics.Metrics;
using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>With DI the meter <c>AfterSales.Quality</c> comes from the host's <see cref="IMeterFactory"/>; without, from <see cref="QualityMetrics.Shared"/>.</summary>
public sealed class MeterFactoryTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    private static IHost Host()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAfterSalesQuality(o => o.ScanInterval = TimeSpan.FromSeconds(1)).UseInMemory().UseClock(new FakeClock(Now));
        return builder.Build();
    }

    private static RegisterTicket Register(ServiceChannel channel) => new()
    {
        TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = "a",
        Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", Channel = channel, ReceivedAt = Now, Description = "d", Owner = "a" },
    };

    [Fact]
    public async Task Instruments_are_created_through_the_hosts_meter_factory_and_a_second_host_does_not_see_them()
    {
        using var first = Host();
        using var second = Host();
        var factory = first.Services.GetRequiredService<IMeterFactory>();
        using var registered = new MetricCollector<long>(factory, QualityTelemetry.Name, QualityTelemetry.TicketsRegistered);
        using var commands = new MetricCollector<long>(factory, QualityTelemetry.Name, QualityTelemetry.Commands);
        using var lag = new MetricCollector<long>(factory, QualityTelemetry.Name, QualityTelemetry.ProjectionLag);
        using var otherHost = new MetricCollector<long>(second.Services.GetRequiredService<IMeterFactory>(), QualityTelemetry.Name, QualityTelemetry.TicketsRegistered);
        await first.StartAsync();

        var metrics = first.Services.GetRequiredService<QualityMetrics>();
        Assert.NotSame(QualityMetrics.Shared, metrics);
        Assert.Same(factory, metrics.Meter.Scope);
        Assert.Equal(QualityTelemetry.Name, metrics.Meter.Name);

        var tickets = first.Services.GetRequiredService<TicketService>();
        var register = Register(ServiceChannel.Email);
        await tickets.ExecuteAsync(register);
        await tickets.ExecuteAsync(register); // a retry: counted as a duplicate command, not a second registration

        var measurement = Assert.Single(registered.GetMeasurementSnapshot());
        Assert.Equal((1L, "email"), (measurement.Value, (string?)measurement.Tags["channel"]));
        Assert.Equal(["applied", "duplicate"], commands.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).Order());
        Assert.Empty(otherHost.GetMeasurementSnapshot());

        // The background scan records the SLA due index's lag on the same host-scoped meter.
        await lag.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        Assert.Equal("sla-due-index", lag.GetMeasurementSnapshot()[0].Tags["projection"]);
        await first.StopAsync();
    }

    [Fact]
    public async Task Without_DI_the_service_records_on_the_shared_meter_or_on_the_metrics_it_is_given()
    {
        var store = new InMemoryTicketStore();
        using var shared = new MetricCollector<long>(QualityMetrics.Shared.Meter, QualityTelemetry.TicketsRegistered);
        var channel = new ServiceChannel("metrics-" + Guid.NewGuid().ToString("N"));
        await new TicketService(store, store, new FakeClock(Now)).ExecuteAsync(Register(channel));
        Assert.Single(shared.GetMeasurementSnapshot(), m => (string?)m.Tags["channel"] == channel.Name);

        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        await using (services)
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            using var own = new MetricCollector<long>(factory, QualityTelemetry.Name, QualityTelemetry.TicketsRegistered);
            var mine = new ServiceChannel("metrics-" + Guid.NewGuid().ToString("N"));
            await new TicketService(store, store, new FakeClock(Now), metrics: new QualityMetrics(factory)).ExecuteAsync(Register(mine));
            Assert.Equal(mine.Name, Assert.Single(own.GetMeasurementSnapshot()).Tags["channel"]);
            Assert.DoesNotContain(shared.GetMeasurementSnapshot(), m => (string?)m.Tags["channel"] == mine.Name);
        }

        Assert.Equal("meterFactory", Assert.Throws<ArgumentNullException>(() => new QualityMetrics(null!)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => QualityMetrics.Shared.RecordProjectionLag("x", -1));
        Assert.Throws<ArgumentException>(() => QualityMetrics.Shared.RecordProjectionLag(" ", 1));
    }
}
