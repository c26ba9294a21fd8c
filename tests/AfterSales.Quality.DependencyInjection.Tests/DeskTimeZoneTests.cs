using AfterSales.Quality.Kpi;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.DependencyInjection.Tests;

/// <summary>The configured desk zone is the default of numbering, calendars, KPI periods and plans.</summary>
[Collection("telemetry")]
public sealed class DeskTimeZoneTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Fact]
    public async Task Kpi_periods_numbers_and_calendars_follow_the_configured_desk_zone()
    {
        // 2024-03-31 20:00 UTC is 2024-04-01 04:00 in Shanghai: the desk's April, UTC's March.
        var at = Instant.FromUtc(2024, 3, 31, 20, 0);
        var clock = new FakeClock(at);
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o => o.TimeZone = "Asia/Shanghai").UseInMemory().UseClock(clock);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value;
        var service = provider.GetRequiredService<TicketService>();
        var registered = await service.ExecuteAsync(new RegisterTicket
        {
            TicketId = TicketId.New(), CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", ProductModel = "Phone Pro", ReceivedAt = at, Description = "battery", Owner = "agent" },
        });
        Assert.Equal("F20240401001", registered.Ticket.FeedbackNumber);

        var projection = options.ToTicketFactProjection(provider.GetRequiredService<ITicketStore>());
        await projection.RefreshAsync(at);
        Assert.Equal(Shanghai, projection.Facts.TimeZone);
        var byMonth = KpiEngine.Aggregate(projection.Facts, new KpiQuery { Period = KpiPeriod.Month });
        Assert.Equal(new LocalDate(2024, 4, 1), byMonth.Single().Key.PeriodStart);
        var inUtc = KpiEngine.Aggregate(projection.Facts, new KpiQuery { Period = KpiPeriod.Month, TimeZone = DateTimeZone.Utc });
        Assert.Equal(new LocalDate(2024, 3, 1), inUtc.Single().Key.PeriodStart); // the caller's zone wins

        // With no calendar configured, SLA clocks and plan deadlines run 24×7 in the desk's zone, the same calendar.
        Assert.Equal(Shanghai, options.ToSlaPolicySet().Calendars[SlaPolicySet.DefaultCalendarName].Zone);
        Assert.Equal(Shanghai, options.ToImprovementPlanOptions().Calendar!.Zone);
        Assert.Equal(Shanghai, options.ToTicketServiceOptions().Numbering.TimeZone);
    }

    [Fact]
    public void Number_formats_bind_onto_the_cores_own_options_type()
    {
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o =>
        {
            o.TimeZone = "Europe/Berlin";
            o.Numbering.Improvement = new DocumentNumberFormat { Prefix = "PLAN" };
            o.Numbering.Revisit = o.Numbering.Revisit with { SequenceDigits = 5 };
        }).UseInMemory();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value;
        var numbering = options.ToTicketServiceOptions().Numbering;
        Assert.Equal(("F", "PLAN", 5, 3), (numbering.Feedback.Prefix, numbering.Improvement.Prefix, numbering.Revisit.SequenceDigits, numbering.Feedback.SequenceDigits));
        Assert.Equal("Europe/Berlin", numbering.TimeZone.Id);
        Assert.Same(numbering.Improvement, options.ToImprovementPlanOptions().Numbering.Improvement);
    }
}
