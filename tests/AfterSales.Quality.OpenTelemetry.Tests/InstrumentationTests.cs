using System.Diagnostics;
using AfterSales.Quality.DependencyInjection;
using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AfterSales.Quality.OpenTelemetry.Tests;

/// <summary>A real host with the OpenTelemetry SDK and the in-memory exporter collects the library's metrics and traces.</summary>
public sealed class InstrumentationTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    private static IHost Host(List<Metric> metrics, List<Activity> activities, bool instrumented)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAfterSalesQuality(o => o.ScanInterval = TimeSpan.FromSeconds(1)).UseInMemory().UseClock(new FakeClock(Now));
        builder.Services.AddOpenTelemetry()
            .WithMetrics(m => (instrumented ? m.AddAfterSalesQualityInstrumentation() : m).AddInMemoryExporter(metrics))
            .WithTracing(t => (instrumented ? t.AddAfterSalesQualityInstrumentation() : t).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(activities));
        return builder.Build();
    }

    private static async Task<TicketId> RunAsync(IHost host)
    {
        var tickets = host.Services.GetRequiredService<TicketService>();
        var id = TicketId.New();
        var register = new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "a",
            Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", Channel = ServiceChannel.OnlineChat, ReceivedAt = Now, Description = "d", Owner = "a" },
        };
        await tickets.ExecuteAsync(register);
        await tickets.ExecuteAsync(register); // a retry: a duplicate
        await Assert.ThrowsAsync<IllegalTicketCommandException>(() => tickets.ExecuteAsync(new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Solution = "s" }));
        return id;
    }

    [Fact]
    public async Task The_meter_and_the_activity_source_reach_the_in_memory_exporters()
    {
        var metrics = new List<Metric>();
        var activities = new List<Activity>();
        using var host = Host(metrics, activities, instrumented: true);
        await host.StartAsync();
        var id = await RunAsync(host);
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        await host.StopAsync();

        var registered = Assert.Single(metrics, m => m.Name == QualityTelemetry.TicketsRegistered && m.MeterName == QualityTelemetry.Name);
        var points = new List<(long Value, string? Channel)>();
        foreach (ref readonly var point in registered.GetMetricPoints())
        {
            string? channel = null;
            foreach (var tag in point.Tags)
            {
                channel = tag.Key == "channel" ? (string?)tag.Value : channel;
            }

            points.Add((point.GetSumLong(), channel));
        }

        Assert.Equal([(1L, "online-chat")], points);
        var commands = Assert.Single(metrics, m => m.Name == QualityTelemetry.Commands);
        var outcomes = new List<(string, long)>();
        foreach (ref readonly var point in commands.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "outcome")
                {
                    outcomes.Add(((string)tag.Value!, point.GetSumLong()));
                }
            }
        }

        Assert.Equal([("applied", 1L), ("duplicate", 1L), ("rejected", 1L)], outcomes.Order());

        var mine = activities.Where(a => a.Source.Name == QualityTelemetry.Name && (string?)a.GetTagItem("aftersales.ticket.id") == id.ToString()).ToArray();
        Assert.Equal(["ticket RegisterTicket", "ticket RegisterTicket", "ticket ResolveTicket"], mine.Select(a => a.DisplayName).Order());
        Assert.Equal(["applied", "duplicate"], mine.Where(a => a.DisplayName == "ticket RegisterTicket").Select(a => (string)a.GetTagItem("aftersales.outcome")!).Order());
        Assert.Equal(ActivityStatusCode.Error, mine.Single(a => a.DisplayName == "ticket ResolveTicket").Status);
    }

    [Fact]
    public async Task Without_the_instrumentation_the_provider_collects_nothing_of_the_library()
    {
        var metrics = new List<Metric>();
        var activities = new List<Activity>();
        using var host = Host(metrics, activities, instrumented: false);
        await host.StartAsync();
        await RunAsync(host);
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        await host.StopAsync();

        Assert.DoesNotContain(metrics, m => m.MeterName == QualityTelemetry.Name);
        Assert.DoesNotContain(activities, a => a.Source.Name == QualityTelemetry.Name);
    }

    [Fact]
    public void The_extensions_refuse_a_null_builder()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((MeterProviderBuilder)null!).AddAfterSalesQualityInstrumentation()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((TracerProviderBuilder)null!).AddAfterSalesQualityInstrumentation()).ParamName);
    }
}
