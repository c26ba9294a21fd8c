using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>
/// Through <c>IOptionsMonitor</c>, a configuration change to the rule tables and to <c>ScanInterval</c> applies without a
/// restart; an invalid change is refused and logged, and the rules in force stay.
/// </summary>
public sealed class OptionsReloadTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 2, 0, 0, TimeSpan.Zero);

    private static (IHost Host, IConfigurationRoot Configuration) Host(FakeTimeProvider time, Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddFakeLogging();
        var database = Path.Combine(Directory.CreateTempSubdirectory("aftersales-reload-").FullName, "reload.db");
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName))
            .UseSqlite(o => { o.DataSource = database; o.AllowPlaintextPersonalData = true; })
            .UseTimeProvider(time);
        return (builder.Build(), builder.Configuration);
    }

    private static async Task<Ticket> TriageBillingAsync(TicketService tickets, Instant at)
    {
        var id = TicketId.New();
        await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Intake = new TicketIntake { CustomerName = "C", Contact = "13900001111", ProductModel = "P", ReceivedAt = at, Description = "d", Owner = "a" } });
        return (await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = new TicketCategory("billing"), Assessment = new PriorityAssessment() })).Ticket;
    }

    [Fact]
    public async Task A_changed_rule_table_applies_to_the_next_command_and_an_invalid_change_is_refused_and_logged()
    {
        var time = new FakeTimeProvider(Start);
        var (host, configuration) = Host(time, new Dictionary<string, string?>
        {
            ["AfterSalesQuality:PriorityRules:Rules:0:Name"] = "billing",
            ["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P2",
            ["AfterSalesQuality:PriorityRules:Rules:0:Categories:0"] = "billing",
            ["AfterSalesQuality:Routing:Rules:0:Name"] = "billing",
            ["AfterSalesQuality:Routing:Rules:0:Categories:0"] = "billing",
            ["AfterSalesQuality:Routing:Rules:0:Route:Department"] = "finance",
        });
        using (host)
        {
            await host.StartAsync();
            var tickets = host.Services.GetRequiredService<TicketService>();
            var now = Instant.FromDateTimeOffset(Start);
            var before = await TriageBillingAsync(tickets, now);
            Assert.Equal((Priority.P2, "finance"), (before.Priority!.Value, before.Route!.Department));

            configuration["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P0";
            configuration["AfterSalesQuality:Routing:Rules:0:Route:Department"] = "billing-desk";
            configuration.Reload();
            var after = await TriageBillingAsync(tickets, now);
            Assert.Equal((Priority.P0, "billing-desk"), (after.Priority!.Value, after.Route!.Department));
            Assert.Equal(Priority.P0, tickets.Options.PriorityRules.Rules[0].Priority);
            Assert.Equal(Priority.P2, before.Priority!.Value); // a ticket triaged before keeps its priority

            // An invalid change (an unknown priority) is refused: the rules in force stay, and the refusal is logged with the key.
            // (The host's own IOptionsMonitor, kept by ValidateOnStart, throws its validation error into a direct Reload();
            // a file provider's reload runs on a background task. The library's reload refuses the change either way.)
            configuration["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P7";
            if (Record.Exception(configuration.Reload) is { } thrown)
            {
                Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(Assert.IsType<AggregateException>(thrown).InnerExceptions.Single());
            }
            var logs = host.Services.GetRequiredService<FakeLogCollector>();
            Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Id.Id == 3013 && r.Exception!.Message.Contains("PriorityRules:Rules:0:Priority", StringComparison.Ordinal));
            Assert.Equal(Priority.P0, (await TriageBillingAsync(tickets, now)).Priority!.Value);

            // A numbering change needs a restart: it is logged, and numbers keep their format.
            configuration["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P1";
            configuration["AfterSalesQuality:Numbering:Feedback:Prefix"] = "FB";
            configuration.Reload();
            var last = await TriageBillingAsync(tickets, now);
            Assert.Equal(Priority.P1, last.Priority!.Value);
            Assert.StartsWith("F2024", last.FeedbackNumber, StringComparison.Ordinal);
            Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Id.Id == 3014 && r.Message.Contains("Numbering", StringComparison.Ordinal));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_changed_scan_interval_applies_without_a_restart()
    {
        var time = new FakeTimeProvider(Start);
        var (host, configuration) = Host(time, new Dictionary<string, string?> { ["AfterSalesQuality:ScanInterval"] = "01:00:00" });
        using (host)
        {
            await host.StartAsync();
            var checkpoints = (ICheckpointStore)host.Services.GetRequiredService<ITicketStore>();
            async Task<Instant> LastScanAsync() => Instant.FromUnixTimeTicks(await checkpoints.GetCheckpointAsync("aftersales.sla-monitor.last-scan"));
            for (var i = 0; i < 400 && await checkpoints.GetCheckpointAsync("aftersales.sla-monitor.last-scan") == 0; i++)
            {
                await Task.Delay(25);
            }

            var first = Instant.FromDateTimeOffset(Start);
            Assert.Equal(first, await LastScanAsync());

            configuration["AfterSalesQuality:ScanInterval"] = "00:01:00";
            configuration.Reload();

            // Under the old interval no scan would run before an hour of (fake) time; under the new one each minute does.
            for (var minute = 1; minute <= 30 && await LastScanAsync() == first; minute++)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                for (var i = 0; i < 40 && await LastScanAsync() == first; i++)
                {
                    await Task.Delay(25);
                }
            }

            var moved = await LastScanAsync();
            Assert.True(moved > first && moved < first + Duration.FromMinutes(31), $"the scan did not follow the new interval: last scan {moved}");
            await host.StopAsync();
        }
    }
    [Fact]
    public async Task The_projection_health_check_judges_the_last_scan_by_the_scan_interval_in_force()
    {
        var time = new FakeTimeProvider(Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AfterSalesQuality:ScanInterval"] = "00:01:00" });
        builder.Logging.ClearProviders().AddFakeLogging();
        var database = Path.Combine(Directory.CreateTempSubdirectory("aftersales-reload-").FullName, "health.db");
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName))
            .UseSqlite(o => { o.DataSource = database; o.AllowPlaintextPersonalData = true; })
            .UseTimeProvider(time);
        builder.Services.AddHealthChecks().AddAfterSalesQuality(1_000, ["ready"]);
        using var host = builder.Build();
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        async Task<HealthReportEntry> ProjectionsAsync() => (await health.CheckHealthAsync(r => r.Name == "aftersales-quality-projections")).Entries["aftersales-quality-projections"];
        for (var i = 0; i < 400 && (await ProjectionsAsync()).Status != HealthStatus.Healthy; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(HealthStatus.Healthy, (await ProjectionsAsync()).Status);

        // Scans every hour from now on: ten minutes without a scan are more than three of the old intervals, not of the new one.
        builder.Configuration["AfterSalesQuality:ScanInterval"] = "01:00:00";
        ((IConfigurationRoot)builder.Configuration).Reload();
        var checkpoints = (ICheckpointStore)host.Services.GetRequiredService<ITicketStore>();
        var scanned = await checkpoints.GetCheckpointAsync("aftersales.sla-monitor.last-scan");
        await Task.Delay(500); // the change wakes the wait: let that scan finish at the current (fake) instant
        time.Advance(TimeSpan.FromMinutes(10));
        var entry = await ProjectionsAsync();
        Assert.True(entry.Status == HealthStatus.Healthy, $"{entry.Status}: {entry.Description}");
        Assert.NotEqual(0, scanned);
        await host.StopAsync();
    }
}
