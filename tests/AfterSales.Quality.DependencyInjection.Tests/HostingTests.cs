using AfterSales.Quality.Diagnostics;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sqlite;
using AfterSales.Quality.Sqlite.DependencyInjection;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>In one collection with every test that registers tickets: the meter is process-wide, so they must not run in parallel.</summary>
[Collection("telemetry")]
public sealed class HostingTests
{
    private static readonly Instant Now = Instant.FromUtc(2024, 3, 1, 2, 30);

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        return builder;
    }

    [Fact]
    public async Task A_host_runs_a_ticket_through_the_lifecycle_with_options_from_configuration()
    {
        var builder = Builder(new()
        {
            ["AfterSalesQuality:TimeZone"] = "Asia/Shanghai",
            ["AfterSalesQuality:Numbering:Feedback:Prefix"] = "FB",
            ["AfterSalesQuality:Revisit:UnsatisfiedScoreThreshold"] = "3",
            ["AfterSalesQuality:Routing:Rules:0:Name"] = "everything-to-hotline",
            ["AfterSalesQuality:Routing:Rules:0:Route:Department"] = "hotline",
            ["AfterSalesQuality:PriorityRules:Rules:0:Name"] = "billing",
            ["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P0",
            ["AfterSalesQuality:PriorityRules:Rules:0:Categories:0"] = "billing",
        });
        var database = Path.Combine(Directory.CreateTempSubdirectory("aftersales-host-").FullName, "host.db");
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection(AfterSalesQualityOptions.SectionName))
            .UseSqlite(o =>
            {
                o.DataSource = database;
                o.Protector = new AfterSales.Quality.Privacy.AesGcmPersonalDataProtector("k", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            })
            .UseClock(new FakeClock(Now));
        using var host = builder.Build();
        using var metrics = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), QualityTelemetry.Name, QualityTelemetry.TicketsRegistered);
        await host.StartAsync();

        var service = host.Services.GetRequiredService<TicketService>();
        Assert.Equal(3, service.Options.Revisit.UnsatisfiedScoreThreshold);
        var id = TicketId.New();
        var registered = await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", ProductModel = "Phone Pro", ReceivedAt = Now, Description = "battery", Owner = "agent" },
        });
        Assert.Equal("FB20240301001", registered.Ticket.FeedbackNumber);
        var triaged = await service.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Category = new TicketCategory("billing"), Assessment = new PriorityAssessment() });
        Assert.Equal((Priority.P0, "billing", "hotline"), (triaged.Ticket.Priority!.Value, triaged.Ticket.PriorityRule, triaged.Ticket.Route!.Department));
        foreach (var command in new TicketCommand[]
        {
            new AssignTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "lead", Assignee = "agent" },
            new StartWork { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent" },
            new ResolveTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Solution = "refunded" },
            new RecordRevisit { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent", Method = RevisitMethod.Phone, Resolved = true, Score = 4 },
            new CloseTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent" },
        })
        {
            await service.ExecuteAsync(command);
        }

        Assert.Equal(TicketState.Closed, (await service.GetAsync(id)).State);
        Assert.IsType<AfterSales.Quality.Sqlite.SqliteTicketStore>(host.Services.GetRequiredService<ITicketStore>());

        // Improvement plans live in the same SQLite store, numbered with the configured zone.
        Assert.Same(host.Services.GetRequiredService<ITicketStore>(), host.Services.GetRequiredService<IImprovementPlanStore>());
        var plans = host.Services.GetRequiredService<AfterSales.Quality.FeedbackLoop.ImprovementPlanService>();
        var plan = await plans.CreateAsync(new AfterSales.Quality.FeedbackLoop.NewImprovementPlan
        {
            Title = "Refund flow", RootCause = "manual refunds", Target = "refund in a day", Department = "billing", Owner = "owner",
            Measures = [new AfterSales.Quality.FeedbackLoop.ImprovementMeasure(AfterSales.Quality.FeedbackLoop.MeasureKind.Process, "automate")],
            Tickets = [id], PlannedStart = new NodaTime.LocalDate(2024, 3, 2), PlannedFinish = new NodaTime.LocalDate(2024, 3, 10),
        }, "owner");
        Assert.Equal("IMP20240301001", plan.Number);
        Assert.NotNull(await host.Services.GetRequiredService<IImprovementPlanStore>().GetAsync(plan.Id));
        Assert.True(File.Exists(database));
        Assert.Equal(1, metrics.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal("phone", metrics.LastMeasurement!.Tags["channel"]);

        var logs = host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, l => l.Message.Contains("registered as FB20240301001", StringComparison.Ordinal));
        Assert.Equal(7, logs.Count(l => l.Message.Contains(" applied: ", StringComparison.Ordinal)));
        Assert.DoesNotContain(logs, l => l.Message.Contains("13812345678", StringComparison.Ordinal) || l.Message.Contains("Zhang", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task Bad_configuration_fails_at_start_with_every_key_named()
    {
        var builder = Builder(new()
        {
            ["AfterSalesQuality:Revisit:UnsatisfiedScoreThreshold"] = "9",
            ["AfterSalesQuality:Numbering:Revisit:SequenceDigits"] = "0",
            ["AfterSalesQuality:PriorityRules:Rules:0:Priority"] = "P1",
            ["AfterSalesQuality:ScanInterval"] = "00:00:00.1",
            ["AfterSalesQuality:Calendar:TimeZone"] = "Mars/Base",
            ["AfterSalesQuality:Calendar:WeeklyHours:Monday:0"] = "09:00-12:00",
            ["AfterSalesQuality:Calendar:WeeklyHours:Monday:1"] = "11:00-13:00",
        });
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection("AfterSalesQuality")).UseInMemory();
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("AfterSalesQuality:PriorityRules:Rules:0:Name: is required and must not be empty.", error.Failures);
        Assert.Equal(["AfterSalesQuality:Numbering:Revisit:SequenceDigits: must be between 1 and 9; it was 0."], error.Failures.Where(f => f.Contains(":Numbering:", StringComparison.Ordinal))); // once, under the core's own key
        Assert.Contains("AfterSalesQuality:Revisit:UnsatisfiedScoreThreshold: must be between 1 and 4; it was 9.", error.Failures);
        Assert.Contains("AfterSalesQuality:ScanInterval: must be between 00:00:01 and 01:00:00; it was 00:00:00.1000000.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("AfterSalesQuality:Calendar:TimeZone: 'Mars/Base' is not an IANA time zone id", StringComparison.Ordinal));
        Assert.Contains("AfterSalesQuality:Calendar:WeeklyHours:Monday:1: interval 11:00-13:00 overlaps 09:00-12:00 (WeeklyHours:Monday:0).", error.Failures);
    }

    [Fact]
    public async Task An_unknown_time_zone_and_a_missing_store_fail_at_start()
    {
        var builder = Builder(new() { ["AfterSalesQuality:TimeZone"] = "Mars/Olympus" });
        builder.Services.AddAfterSalesQuality(builder.Configuration.GetSection("AfterSalesQuality"));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(error.Failures, f => f.StartsWith("AfterSalesQuality:TimeZone: 'Mars/Olympus' is not an IANA time zone id", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("No ticket store is configured", StringComparison.Ordinal));
    }

    [Fact]
    public void Code_configuration_and_a_custom_store_are_honoured()
    {
        var services = new ServiceCollection();
        var store = new InMemoryTicketStore();
        services.AddAfterSalesQuality(o => o.NegativeFeedback = new NegativeFeedbackRules { Owner = "complaints-desk" })
            .UseStore(_ => store)
            .Configure(o => o.TimeZone = "Europe/Berlin");
        using var provider = services.BuildServiceProvider();
        Assert.Same(store, provider.GetRequiredService<ITicketStore>());
        Assert.Same(store, provider.GetRequiredService<ISequenceStore>());
        var options = provider.GetRequiredService<TicketService>().Options;
        Assert.Equal("complaints-desk", options.NegativeFeedback.Owner);
        Assert.Equal("Europe/Berlin", options.Numbering.TimeZone.Id);
        Assert.Same(PriorityRuleTable.Default, options.PriorityRules);
    }
}
