using AfterSales.Quality.Kpi;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Service;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using Microsoft.Extensions.Configuration;
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

    private static Calendars.BusinessCalendarOptions MondayToFriday(string? zone = null)
    {
        var calendar = new Calendars.BusinessCalendarOptions { Name = "desk" };
        foreach (var day in new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" })
        {
            calendar.WeeklyHours[day] = ["09:00-18:00"];
        }

        if (zone is not null)
        {
            calendar.TimeZone = zone;
        }

        return calendar;
    }

    [Fact]
    public async Task One_desk_zone_dates_numbers_runs_the_sla_calendar_and_the_plans_and_a_sunday_delay_request_is_late()
    {
        // Sunday 2024-03-10 10:00 in Shanghai; the calendar names no zone of its own.
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 10, 2, 0));
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o => { o.TimeZone = "Asia/Shanghai"; o.Calendar = MondayToFriday(); }).UseInMemory().UseClock(clock);
        using var provider = services.BuildServiceProvider();
        var tickets = provider.GetRequiredService<TicketService>();
        var plans = provider.GetRequiredService<AfterSales.Quality.FeedbackLoop.ImprovementPlanService>();
        Assert.Equal((Shanghai, Shanghai, Shanghai), (tickets.Options.Numbering.TimeZone, tickets.SlaPolicies.Calendars[SlaPolicySet.DefaultCalendarName].Zone, plans.Calendar.Zone));
        Assert.Equal(("desk", "desk"), (plans.Calendar.Name, tickets.SlaPolicies.Calendars[SlaPolicySet.DefaultCalendarName].Name));
        Assert.False(plans.Calendar.IsWorkingDay(new LocalDate(2024, 3, 10)));

        var id = TicketId.New();
        await tickets.ExecuteAsync(new RegisterTicket
        {
            TicketId = id, CommandId = Guid.NewGuid(), Actor = "agent",
            Intake = new TicketIntake { CustomerName = "Zhang San", Contact = "13812345678", ProductModel = "Phone Pro", ReceivedAt = clock.GetCurrentInstant(), Description = "battery", Owner = "agent" },
        });
        var plan = await plans.CreateAsync(new AfterSales.Quality.FeedbackLoop.NewImprovementPlan
        {
            Title = "t", RootCause = "r", Target = "x", Measures = [new(AfterSales.Quality.FeedbackLoop.MeasureKind.Process, "m")], Department = "d", Owner = "o",
            Tickets = [id], PlannedStart = new LocalDate(2024, 3, 4), PlannedFinish = new LocalDate(2024, 3, 11),
        }, "qm");
        Assert.Equal("IMP20240310001", plan.Number);
        var late = await Assert.ThrowsAsync<AfterSales.Quality.FeedbackLoop.ImprovementPlanRuleException>(() => plans.RequestDelayAsync(plan.Id, "parts", new LocalDate(2024, 3, 15), null, "o"));
        Assert.Contains("by 2024-03-08; it is 2024-03-10", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_zone_other_than_the_desks_fails_at_start_and_the_revisit_dating_binds()
    {
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(o => { o.TimeZone = "Asia/Shanghai"; o.Calendar = MondayToFriday("Europe/Berlin"); }).UseInMemory();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value);
        Assert.Equal(["AfterSalesQuality:Calendar:TimeZone: 'Europe/Berlin' differs from the desk's TimeZone 'Asia/Shanghai'; the desk has one zone: leave Calendar:TimeZone out or set it to 'Asia/Shanghai'."], error.Failures);

        var same = new AfterSalesQualityOptions { TimeZone = "Asia/Shanghai", Calendar = MondayToFriday("Asia/Shanghai") };
        Assert.Equal(Shanghai, same.ToSlaPolicySet().Calendars[SlaPolicySet.DefaultCalendarName].Zone);
        var byRevisit = new AfterSalesQualityOptions { Numbering = new DocumentNumberingOptions { RevisitDatedBy = RevisitNumberDate.RevisitDate } };
        Assert.Equal((RevisitNumberDate.RevisitDate, RevisitNumberDate.FeedbackDate), (byRevisit.ToTicketServiceOptions().Numbering.RevisitDatedBy, new AfterSalesQualityOptions().ToTicketServiceOptions().Numbering.RevisitDatedBy));
    }

    [Fact]
    public void The_plans_lead_and_notice_bind_from_configuration_and_bad_values_fail_with_their_keys()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AfterSalesQuality:TimeZone"] = "Asia/Shanghai",
            ["AfterSalesQuality:Numbering:RevisitDatedBy"] = "RevisitDate",
            ["AfterSalesQuality:ImprovementPlans:AfterSalesLead"] = "lead-chen",
            ["AfterSalesQuality:ImprovementPlans:DelayRequestLeadWorkingDays"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddAfterSalesQuality(configuration.GetSection("AfterSalesQuality")).UseInMemory();
        using var provider = services.BuildServiceProvider();
        var plans = provider.GetRequiredService<AfterSales.Quality.FeedbackLoop.ImprovementPlanService>();
        Assert.Equal(("lead-chen", 2, Shanghai), (plans.Options.AfterSalesLead, plans.Options.DelayRequestLeadWorkingDays, plans.Calendar.Zone));
        Assert.Equal(RevisitNumberDate.RevisitDate, provider.GetRequiredService<TicketService>().Options.Numbering.RevisitDatedBy);

        var bad = new ServiceCollection();
        bad.AddAfterSalesQuality(o => { o.ImprovementPlans.AfterSalesLead = " "; o.ImprovementPlans.DelayRequestLeadWorkingDays = 31; }).UseInMemory();
        using var badProvider = bad.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<AfterSalesQualityOptions>>().Value);
        Assert.Equal(
            ["AfterSalesQuality:ImprovementPlans:AfterSalesLead: is required and must not be empty.", "AfterSalesQuality:ImprovementPlans:DelayRequestLeadWorkingDays: must be between 0 and 30; it was 31."],
            error.Failures);
    }
}
