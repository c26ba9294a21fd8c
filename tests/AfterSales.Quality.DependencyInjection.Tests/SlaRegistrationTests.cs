using AfterSales.Quality.Calendars;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>The SLA policy set is registered on the configured calendar, and the service answers a ticket's SLA in one call.</summary>
[Collection("telemetry")]
public sealed class SlaRegistrationTests
{
    private static BusinessCalendarOptions Desk() => new()
    {
        Name = "desk",
        TimeZone = "Asia/Shanghai",
        WeeklyHours = new(StringComparer.OrdinalIgnoreCase) { ["Monday"] = ["09:00-18:00"], ["Tuesday"] = ["09:00-18:00"], ["Wednesday"] = ["09:00-18:00"], ["Thursday"] = ["09:00-18:00"], ["Friday"] = ["09:00-18:00"] },
    };

    [Fact]
    public async Task The_policy_set_runs_on_the_configured_business_calendar_and_GetSlaAsync_uses_it()
    {
        var at = Instant.FromUtc(2024, 3, 4, 1, 0); // Monday 09:00 in Shanghai
        var clock = new FakeClock(at);
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o => { o.TimeZone = "Asia/Shanghai"; o.Calendar = Desk(); }).UseInMemory().UseClock(clock);
        using var provider = services.BuildServiceProvider();
        var policies = provider.GetRequiredService<SlaPolicySet>();
        Assert.Equal(("desk", false), (policies.Calendars[SlaPolicySet.DefaultCalendarName].Name, policies.Calendars[SlaPolicySet.DefaultCalendarName].IsTwentyFourSeven));
        var service = provider.GetRequiredService<TicketService>();
        Assert.Same(policies, service.SlaPolicies);

        var id = TicketId.New();
        await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", ProductModel = "Phone Pro", ReceivedAt = at, Description = "battery", Owner = "agent" },
        });
        await service.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "a", Category = Prioritization.TicketCategory.ProductFault, Assessment = new Prioritization.PriorityAssessment { Severity = Prioritization.Severity.CoreFunction } });
        clock.Advance(Duration.FromHours(24)); // Tuesday 09:00: 9 working hours passed on the desk calendar, not 24
        var frt = (await service.GetSlaAsync(id)).Find(SlaTargetKind.FirstResponse)!;
        Assert.Equal(("desk", Duration.FromHours(9)), (policies.Calendars[frt.Calendar].Name, frt.Elapsed));
    }

    [Fact]
    public async Task A_24x7_policy_set_beside_a_configured_business_calendar_is_logged_at_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(SlaPolicySet.Default); // a host's own set, still on 24x7 UTC
        builder.Services.AddAfterSalesQuality(o => { o.TimeZone = "Asia/Shanghai"; o.Calendar = Desk(); }).UseInMemory().UseClock(new FakeClock(Instant.FromUtc(2024, 3, 4, 1, 0)));
        using var host = builder.Build();
        await host.StartAsync();
        var logs = host.Services.GetRequiredService<FakeLogCollector>();
        for (var i = 0; i < 200 && !logs.GetSnapshot().Any(l => l.Id.Id == 3002); i++)
        {
            await Task.Delay(50);
        }

        var warning = Assert.Single(logs.GetSnapshot(), l => l.Id.Id == 3002);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("24x7 calendar(s) default although the business calendar 'desk' is configured", warning.Message, StringComparison.Ordinal);
        await host.StopAsync();
    }
}
