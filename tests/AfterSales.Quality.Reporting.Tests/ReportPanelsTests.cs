using System.Globalization;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>The panels a service manager opens first (tiles, SLA-breach trend, backlog ageing, arrivals heatmap) and reports narrowed by a filter or split per group.</summary>
public sealed class ReportPanelsTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private static QualityReportOptions Options(QualityReportFilter? filter = null) => new() { Culture = English, TimeZone = ReportData.Shanghai, Filter = filter };

    /// <summary>Every ticket's registration (received instant, channel, product) and routing (team, priority), read from the feed independently of the report.</summary>
    private static async Task<Dictionary<TicketId, (Instant Received, ServiceChannel Channel, string Product, string? Team, Priority? Priority)>> TicketsOf(ReportData data)
    {
        var tickets = new Dictionary<TicketId, (Instant Received, ServiceChannel Channel, string Product, string? Team, Priority? Priority)>();
        await foreach (var recorded in data.Store.ReadFeedAsync(0))
        {
            switch (recorded.Event)
            {
                case TicketRegistered r:
                    tickets[r.TicketId] = (r.Intake.ReceivedAt, r.Intake.Channel, r.Intake.ProductModel, null, null);
                    break;
                case TicketTriaged t:
                    tickets[t.TicketId] = tickets[t.TicketId] with { Team = t.Route.Department, Priority = t.Priority };
                    break;
            }
        }

        return tickets;
    }

    [Fact]
    public async Task Tiles_show_each_kpi_of_the_measurement_table_with_its_month_by_month_values()
    {
        var (_, report) = await QualityReportTests.SharedReport();
        Assert.Equal(report.MeasurementTable.Select(r => (r.Name, r.Actual, r.Met)), report.Tiles.Select(t => (t.Name, t.Value, t.Met)));
        Assert.All(report.Tiles, tile => Assert.Equal(report.MonthlyTrend.Count, tile.Trend.Count));
        var fcr = report.Tiles.Single(t => t.Metric == KpiMetric.FirstContactResolution);
        Assert.Equal(report.MonthlyTrend.Select(m => m.FirstContactResolution), fcr.Trend);
        var sla = report.Tiles.Single(t => t.Metric == KpiMetric.ResolutionSlaAttainment);
        Assert.Equal(report.MonthlyTrend.Select(m => m.ResolutionSlaAttainment), sla.Trend);

        var html = ReportCharts.RenderHtml(report);
        var tiles = html[html.IndexOf("<section class=\"tiles\" id=\"kpi-tiles\"", StringComparison.Ordinal)..html.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Equal(report.Tiles.Count, tiles.Split("<div class=\"tile\"").Length - 1);
        Assert.Equal(report.Tiles.Count, tiles.Split("<svg class=\"sparkline\"").Length - 1); // three months: every tile has a line
        Assert.Contains("First contact resolution", tiles, StringComparison.Ordinal);
        Assert.True(html.IndexOf("kpi-tiles", StringComparison.Ordinal) < html.IndexOf("id=\"kpi-measurement\"", StringComparison.Ordinal), "the tiles come first");
    }

    [Fact]
    public void A_sparkline_breaks_at_months_without_a_value_and_needs_two_values()
    {
        var kpi = KpiDefinitions.FirstContactResolution;
        var target = new KpiTarget(kpi, 0.85);
        Assert.Null(ReportSvg.Sparkline(new KpiTile(kpi, target, 0.8, false, [0.8])));
        Assert.Null(ReportSvg.Sparkline(new KpiTile(kpi, target, 0.8, false, [null, 0.8, null])));
        var gapped = ReportSvg.Sparkline(new KpiTile(kpi, target, 0.8, false, [0.7, 0.75, null, 0.8, 0.9]))!;
        Assert.Equal(2, gapped.Split("<polyline").Length - 1); // two runs of months
        Assert.Contains("stroke-dasharray", gapped, StringComparison.Ordinal); // the target 85 % lies inside 70–90 %
        var flat = ReportSvg.Sparkline(new KpiTile(kpi, target, 0.5, false, [0.5, 0.5]))!;
        Assert.DoesNotContain("NaN", flat, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportSvg.Sparkline(new KpiTile(kpi, target, 0.5, false, [0.5, 0.6]), width: 10));
    }

    [Fact]
    public async Task The_sla_breach_trend_is_due_minus_met_of_each_month_and_agrees_with_the_attainment()
    {
        var (data, report) = await QualityReportTests.SharedReport();
        var projection = new TicketFactProjection(data.Store, ReportData.Policies, timeZone: ReportData.Shanghai);
        await projection.RefreshAsync(data.Now);
        var months = KpiEngine.Aggregate(projection.Facts, new KpiQuery { Period = KpiPeriod.Month }).ToDictionary(g => g.Key.PeriodStart!.Value, g => g.Aggregate);
        Assert.Equal(report.MonthlyTrend.Select(m => m.Month), report.SlaBreachTrend.Select(m => m.Month));
        foreach (var row in report.SlaBreachTrend)
        {
            var a = months[row.Month];
            Assert.Equal((a.FirstResponseSlaDue, a.FirstResponseSlaDue - a.FirstResponseSlaMet, a.ResolutionSlaDue, a.ResolutionSlaDue - a.ResolutionSlaMet),
                (row.FirstResponseDue, row.FirstResponseBreached, row.ResolutionDue, row.ResolutionBreached));
            var attainment = report.MonthlyTrend.Single(m => m.Month == row.Month).ResolutionSlaAttainment;
            Assert.Equal(attainment is null, row.ResolutionBreachRate is null);
            if (attainment is { } v)
            {
                Assert.Equal(1 - v, row.ResolutionBreachRate!.Value, 12);
            }
        }

        Assert.True(report.SlaBreachTrend.Sum(m => m.ResolutionBreached) > 0, "the data breaches some resolutions (2–200 h to resolve)");
        Assert.NotNull(ReportCharts.SlaBreachTrend(report));
        Assert.Contains(ReportTables.Of(report), t => t.Id == "sla-breaches" && t.Rows.Count == report.SlaBreachTrend.Count);
    }

    [Fact]
    public async Task The_backlog_ages_every_open_ticket_of_the_open_work_model()
    {
        var (data, report) = await QualityReportTests.SharedReport();
        var openWork = new OpenWorkProjection();
        await openWork.CatchUpAsync(data.Store);
        var open = openWork.Query(new OpenWorkQuery { Limit = 100_000 });
        Assert.True(open.Count > 10, $"the data leaves tickets open ({open.Count})");
        Assert.Equal(open.Count, report.Backlog.Sum(r => r.Open));
        Assert.All(report.Backlog, row => Assert.Equal(row.Open, row.ByAge.Sum()));
        foreach (var group in open.GroupBy(i => i.Priority))
        {
            var row = report.Backlog.Single(r => r.Priority == (group.Key?.ToString() ?? "(not triaged)"));
            var ages = group.Select(i => (data.Now - i.ReceivedAt).TotalDays).ToArray();
            Assert.Equal(ages.Max(), row.OldestDays, 9);
            Assert.Equal(ages.Count(a => a < 1), row.ByAge[0]);
            Assert.Equal(ages.Count(a => a >= 30), row.ByAge[^1]);
            Assert.Equal(ages.Count(a => a is >= 7 and < 30), row.ByAge[3]);
        }

        // Most urgent first.
        Assert.Equal(report.Backlog.Select(r => r.Priority).OrderBy(p => p == "(not triaged)" ? "" : p, StringComparer.Ordinal), report.Backlog.Select(r => r.Priority));
        Assert.NotNull(ReportCharts.Backlog(report));
    }

    [Fact]
    public async Task The_arrivals_heatmap_counts_each_ticket_at_its_local_weekday_and_hour()
    {
        var (data, report) = await QualityReportTests.SharedReport();
        var tickets = await TicketsOf(data);
        Assert.Equal(report.Tickets, report.Arrivals.Total);
        var expected = new long[7, 24];
        foreach (var (received, _, _, _, _) in tickets.Values)
        {
            var local = received.InZone(ReportData.Shanghai).LocalDateTime;
            expected[(int)local.DayOfWeek - 1, local.Hour]++;
        }

        for (var d = 0; d < 7; d++)
        {
            for (var h = 0; h < 24; h++)
            {
                Assert.Equal(expected[d, h], report.Arrivals.Counts[d][h]);
            }
        }

        Assert.Equal(0, report.Arrivals.Counts.Sum(day => day.Take(9).Sum())); // the data's desk opens at 09:00 Shanghai
        var table = ReportTables.Of(report).Single(t => t.Id == "arrivals");
        Assert.Equal(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], table.Rows.Select(r => r[0]));
        Assert.Equal(26, table.Headers.Count);
        var svg = ReportCharts.Arrivals(report)!;
        Assert.True(svg.Split("<path").Length > 168 || svg.Split("<rect").Length > 168, "one cell per hour of the week");
    }

    [Fact]
    public async Task A_filter_for_march_phone_p0_and_p1_holds_those_tickets_and_what_happened_to_them()
    {
        var data = await ReportData.CreateAsync();
        var tickets = await TicketsOf(data);
        var march = new DateInterval(new LocalDate(2024, 3, 1), new LocalDate(2024, 3, 31));
        var filter = new QualityReportFilter { Period = march, Channels = [ServiceChannel.Phone], Priorities = [Priority.P0, Priority.P1] };
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, Options(filter));

        var selected = tickets.Where(t => march.Contains(t.Value.Received.InZone(ReportData.Shanghai).Date) && t.Value.Channel == ServiceChannel.Phone && t.Value.Priority is Priority.P0 or Priority.P1)
            .Select(t => t.Key).ToHashSet();
        Assert.True(selected.Count is > 5 and < 100, $"{selected.Count} tickets match");
        Assert.Equal(selected.Count, report.Tickets);
        Assert.Equal([new LocalDate(2024, 3, 1)], report.MonthlyTrend.Select(m => m.Month));
        Assert.Equal("received 2024-03-01 to 2024-03-31 · channel: phone · priority: P0, P1", report.Scope);
        Assert.Contains("Covers: received 2024-03-01 to 2024-03-31", ReportCharts.RenderHtml(report), StringComparison.Ordinal);

        // The KPIs equal the engine's over the same tickets, filtered by the engine's own query.
        var projection = new TicketFactProjection(data.Store, ReportData.Policies, timeZone: ReportData.Shanghai);
        await projection.RefreshAsync(data.Now);
        var query = new KpiQuery
        {
            From = march.Start.AtStartOfDayInZone(ReportData.Shanghai).ToInstant(),
            To = march.End.PlusDays(1).AtStartOfDayInZone(ReportData.Shanghai).ToInstant(),
        }.WithFilter(FactDimension.Channel, projection.Dimensions, "phone").WithFilter(FactDimension.Priority, projection.Dimensions, "P0", "P1");
        var engine = KpiEngine.Aggregate(projection.Facts, query).Single().Values;
        Assert.Equal(engine.Tickets, report.Tickets);
        Assert.All(report.MeasurementTable, row => Assert.Equal(KpiMeasurementTable.ValueOf(engine, row.Metric!.Value), row.Actual));

        // Revisits and backlog belong to the selected tickets only.
        var feedbackNumbers = new Dictionary<string, TicketId>();
        await foreach (var recorded in data.Store.ReadFeedAsync(0))
        {
            if (recorded.Event is TicketRegistered r)
            {
                feedbackNumbers[r.FeedbackNumber] = r.TicketId;
            }
        }

        Assert.NotEmpty(report.Revisits);
        Assert.All(report.Revisits, r => Assert.Contains(feedbackNumbers[r.FeedbackNumber], selected));
        var openWork = new OpenWorkProjection();
        await openWork.CatchUpAsync(data.Store);
        Assert.Equal(openWork.Query(new OpenWorkQuery { Limit = 100_000 }).Count(i => selected.Contains(i.TicketId)), report.Backlog.Sum(b => b.Open));
    }

    [Fact]
    public async Task A_filter_naming_a_team_without_tickets_gives_an_empty_report_not_an_error()
    {
        var data = await ReportData.CreateAsync(ticketsPerDay: 1);
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, Options(new QualityReportFilter { Teams = ["no-such-team"] }));
        Assert.Equal(0, report.Tickets);
        Assert.Empty(report.Revisits);
        Assert.Empty(report.Backlog);
        Assert.Empty(report.ImprovementPlans);
        Assert.Contains("team: no-such-team", report.Scope, StringComparison.Ordinal);
        Assert.Contains("<h1>", ReportCharts.RenderHtml(report), StringComparison.Ordinal); // renders without data
    }

    [Theory]
    [InlineData(FactDimension.Team)]
    [InlineData(FactDimension.Channel)]
    [InlineData(FactDimension.Product)]
    [InlineData(FactDimension.Category)]
    [InlineData(FactDimension.Priority)]
    [InlineData(FactDimension.Agent)]
    [InlineData(FactDimension.Segment)]
    public async Task Reports_per_group_partition_the_tickets_revisits_and_backlog_of_the_whole_report(FactDimension groupBy)
    {
        var (data, whole) = await QualityReportTests.SharedReport();
        var sections = await QualityReportBuilder.BuildPerGroupAsync(data.Store, ReportData.Policies, data.Plans, data.Now, groupBy, Options());
        Assert.NotEmpty(sections);
        Assert.Equal(whole.Tickets, sections.Sum(s => s.Report.Tickets));
        Assert.Equal(whole.Revisits.Count, sections.Sum(s => s.Report.Revisits.Count));
        Assert.Equal(whole.Backlog.Sum(b => b.Open), sections.Sum(s => s.Report.Backlog.Sum(b => b.Open)));
        Assert.Equal(whole.Arrivals.Total, sections.Sum(s => s.Report.Arrivals.Total));
        Assert.All(sections, s => Assert.True(s.Report.Tickets > 0));
        var named = sections.Where(s => s.Name is not null).Select(s => s.Name!).ToArray();
        Assert.Equal(named.Order(StringComparer.Ordinal), named);
        Assert.True(sections.Take(sections.Count - 1).All(s => s.Name is not null), "the group without a value comes last");
        Assert.All(sections, s => Assert.EndsWith(s.Name ?? "none", s.Report.Scope, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Per_team_reports_equal_a_report_filtered_to_that_team()
    {
        var (data, _) = await QualityReportTests.SharedReport();
        var sections = await QualityReportBuilder.BuildPerGroupAsync(data.Store, ReportData.Policies, data.Plans, data.Now, FactDimension.Team, Options());
        var installation = sections.Single(s => s.Name == "installation").Report;
        var filtered = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, Options(new QualityReportFilter { Teams = ["installation"] }));
        Assert.Equal(JsonReportRenderer.Render(filtered with { Scope = null }), JsonReportRenderer.Render(installation with { Scope = null }));
        Assert.Contains(installation.ImprovementPlans, p => p.Department == "installation"); // the team's own plan
    }

    [Fact]
    public async Task Bad_filters_and_groupings_are_refused_naming_the_field()
    {
        var data = await ReportData.CreateAsync(ticketsPerDay: 1);
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
            Options(new QualityReportFilter { Teams = ["ok", " "], Priorities = [(Priority)9], Products = [""] })));
        Assert.Equal(["Filter.Priorities[0]", "Filter.Products[0]", "Filter.Teams[1]"], error.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        var grouping = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => QualityReportBuilder.BuildPerGroupAsync(data.Store, ReportData.Policies, data.Plans, data.Now, FactDimension.Team | FactDimension.Channel));
        Assert.Equal("groupBy", grouping.ParamName);
    }
}
