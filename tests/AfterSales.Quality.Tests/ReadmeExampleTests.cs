using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tests.Tickets;
using AfterSales.Quality.Tickets;
using NodaTime;
using NodaTime.Testing;

namespace AfterSales.Quality.Tests;

/// <summary>Keeps the README's embedding example true (with a fake clock instead of the system clock).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_embedding_example_runs_as_documented()
    {
        var clock = new FakeClock(Instant.FromUtc(2024, 11, 24, 2, 0));
        var store = new InMemoryTicketStore();
        var options = new TicketServiceOptions();
        options.Numbering.TimeZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var tickets = new TicketService(store, store, clock, options);

        var id = TicketId.New();
        await tickets.ExecuteAsync(new RegisterTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li",
            Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", ProductModel = "Phone Pro",
                Channel = ServiceChannel.Phone, ReceivedAt = clock.GetCurrentInstant(),
                Description = "Charging for 1 h only reaches 20 %", Owner = "agent-li" } });
        var triaged = await tickets.ExecuteAsync(new TriageTicket { TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent-li",
            Category = TicketCategory.ProductFault, Assessment = new PriorityAssessment { Severity = Severity.CoreFunction } });

        Assert.Equal("F20241124001: P1 → technical-support", $"{triaged.Ticket.FeedbackNumber}: {triaged.Ticket.Priority} → {triaged.Ticket.Route!.Department}");
    }

    [Fact]
    public async Task The_readme_KPI_example_runs_as_documented()
    {
        var shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var host = new TicketTestHost(Instant.FromUtc(2024, 3, 1, 2, 30));
        await host.Resolved();
        var store = host.Store;
        var clock = host.Clock;

        var projection = new TicketFactProjection(store, SlaPolicySet.Default);
        await projection.RefreshAsync(clock.GetCurrentInstant());
        var byTeamAndMonth = KpiEngine.Aggregate(projection.Facts, new KpiQuery
        {
            GroupBy = FactDimension.Team, Period = KpiPeriod.Month, TimeZone = shanghai, WithPercentiles = true,
        });
        var group = Assert.Single(byTeamAndMonth);
        Assert.Equal("technical-support", projection.Dimensions.NameOf(FactDimension.Team, group.Key.Team));
        Assert.Equal(new LocalDate(2024, 3, 1), group.Key.PeriodStart);
        Assert.Equal(1.0, group.Values.FirstContactResolutionRate);
        Assert.NotNull(group.Values.FirstResponseP90Seconds);
    }
}
