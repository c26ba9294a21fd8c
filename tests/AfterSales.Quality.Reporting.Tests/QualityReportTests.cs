using System.Globalization;
using System.Text.Json;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Kpi.Analysis;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using CsvHelper;
using NodaTime;

namespace AfterSales.Quality.Reporting.Tests;

public sealed class QualityReportTests
{
    private static readonly Lazy<Task<(ReportData Data, QualityReport Report)>> Shared = new(async () =>
    {
        var data = await ReportData.CreateAsync();
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
            new QualityReportOptions
            {
                Title = "Q1 2024 after-sales quality", Culture = CultureInfo.GetCultureInfo("en"), TimeZone = ReportData.Shanghai,
                Benchmarks = new Dictionary<KpiMetric, double> { [KpiMetric.FirstContactResolution] = 0.75 }, TextAccess = data.TextAccess(),
            });
        return (data, report);
    });

    internal static Task<(ReportData Data, QualityReport Report)> SharedReport() => Shared.Value;

    [Fact]
    public async Task A_kpi_the_host_defines_appears_in_the_reports_measurement_table()
    {
        var data = await ReportData.CreateAsync();
        var escalationRate = new KpiDefinition("EscalationRate", "Escalation rate", "escalated tickets / tickets × 100 %",
            TargetDirection.AtMost, KpiUnit.Fraction, a => a.Escalated, a => a.Tickets);
        var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
            new QualityReportOptions { Culture = CultureInfo.InvariantCulture, TimeZone = ReportData.Shanghai, Targets = [.. KpiDefinitions.DefaultTargets, new KpiTarget(escalationRate, 0.2)] });

        var projection = new TicketFactProjection(data.Store, ReportData.Policies);
        await projection.RefreshAsync(data.Now);
        var overall = KpiEngine.Aggregate(projection.Facts, new KpiQuery()).Single().Aggregate;
        var row = report.MeasurementTable[^1];
        Assert.Equal(("EscalationRate", (double)overall.Escalated / overall.Tickets), (row.Name, row.Actual!.Value));
        Assert.Contains($"| Escalation rate | escalated tickets / tickets × 100 % | ticket system | ≤ 20.0 % | {ReportFormat.Percent(row.Actual)} |", MarkdownReportRenderer.Render(report));
        Assert.DoesNotContain(report.Comparison, c => c.Metric.ToString() == "EscalationRate"); // comparisons cover the guides' KPIs
    }

    [Fact]
    public async Task The_report_holds_the_guides_tables_computed_from_the_store()
    {
        var (data, report) = await SharedReport();
        Assert.Equal(data.Tickets, report.Tickets);
        Assert.Equal("Asia/Shanghai", report.TimeZone);
        Assert.Equal((new LocalDate(2024, 1, 1), new LocalDate(2024, 3, 1)), (report.FirstMonth, report.AnalysedMonth));

        // The measurement table equals the engine's values over the same facts.
        var projection = new TicketFactProjection(data.Store, ReportData.Policies);
        await projection.RefreshAsync(data.Now);
        var overall = KpiEngine.Aggregate(projection.Facts, new KpiQuery()).Single().Values;
        Assert.Equal(QualityReportOptions.DefaultTargets.Count, report.MeasurementTable.Count);
        Assert.All(report.MeasurementTable, row => Assert.Equal(KpiMeasurementTable.ValueOf(overall, row.Metric!.Value), row.Actual));

        Assert.Equal([new LocalDate(2024, 1, 1), new LocalDate(2024, 2, 1), new LocalDate(2024, 3, 1)], report.MonthlyTrend.Select(m => m.Month));
        Assert.Equal(data.Tickets, report.MonthlyTrend.Sum(m => m.Tickets));
        Assert.Equal(["customer-care", "installation", "technical-support"], report.Teams.Select(t => t.Team));
        Assert.Equal(data.Tickets, report.Teams.Sum(t => t.Tickets));
        Assert.Equal(1, report.ProblemTypes.Sum(p => p.Share), 9);
        Assert.Equal("product-fault", report.ProblemTypes[0].Name);
        Assert.InRange(report.TopProblems.Count, 1, 5);
        Assert.Contains(report.TopProblems, p => p.Persistent && p.ConsecutivePeriods == 3); // some problem led all three months
        Assert.All(report.HandlingByPriority.Where(h => h.Priority != "(not triaged)"), h => Assert.NotNull(h.ResolutionTargetHours));
        Assert.Equal(2, report.Correlations.Count);
        Assert.All(report.Correlations, c => Assert.InRange(c.Coefficient!.Value, -1, 1));
        Assert.Equal(KpiAnalysis.Describe(projection.Facts, FactMeasure.FirstResponseSeconds).Mean!.Value / 60, report.Statistics[0].Statistics.Mean!.Value, 9);
        var resolutionWorking = report.Statistics.Single(s => s.Measure == "resolution, working time (h)").Statistics;
        Assert.Equal(KpiAnalysis.Describe(projection.Facts, FactMeasure.ResolutionWorkingSeconds).Median!.Value / 3600, resolutionWorking.Median!.Value, 9);
        Assert.True(resolutionWorking.Count > 0);

        var comparison = report.Comparison.Single(c => c.Metric == KpiMetric.FirstContactResolution);
        Assert.Equal(0.75, comparison.Benchmark);
        Assert.NotNull(comparison.Previous);

        Assert.Equal(["IMP20240401001", "IMP20240401002"], report.ImprovementPlans.Select(p => p.Number));
        Assert.Equal((ImprovementPlanStatus.Done, true), (report.ImprovementPlans[0].Status, report.ImprovementPlans[0].DoneOnTime));
        Assert.Equal(ImprovementPlanStatus.Delayed, report.ImprovementPlans[1].Status); // planned to finish 03-20, not done by 04-01
        Assert.Equal((2, 1), (report.ImprovementCompletion.Due, report.ImprovementCompletion.DoneOnTime));

        Assert.NotEmpty(report.Revisits);
        Assert.True(report.Revisits.Zip(report.Revisits.Skip(1)).All(p => p.First.RevisitedAt >= p.Second.RevisitedAt));
        Assert.All(report.Revisits, r => Assert.StartsWith("F2024", r.FeedbackNumber));
        Assert.Contains(report.Keywords, k => k.Keyword == "电池");
        Assert.Contains(report.Keywords, k => k.Keyword == "battery");
    }

    [Fact]
    public async Task No_output_format_leaks_the_customers_name_or_phone_number()
    {
        var (_, report) = await SharedReport();
        var csvDirectory = Directory.CreateTempSubdirectory("report-csv").FullName;
        var outputs = new List<string> { MarkdownReportRenderer.Render(report), JsonReportRenderer.Render(report), ReportCharts.RenderHtml(report) };
        outputs.AddRange(CsvReportRenderer.WriteAll(report, csvDirectory).Select(File.ReadAllText));
        Assert.All(outputs, text =>
        {
            Assert.DoesNotContain(ReportData.SecretPhone, text);
            Assert.DoesNotContain(ReportData.SecretName, text);
        });
        Assert.Contains(report.Revisits, r => r.Suggestions?.Contains(TextRedaction.Placeholder, StringComparison.Ordinal) == true);
        Directory.Delete(csvDirectory, recursive: true);
    }

    [Fact]
    public async Task Markdown_CSV_and_JSON_carry_the_same_tables()
    {
        var (_, report) = await SharedReport();
        var tables = ReportTables.Of(report);
        var markdown = MarkdownReportRenderer.Render(report);
        Assert.StartsWith("# Q1 2024 after-sales quality", markdown, StringComparison.Ordinal);
        Assert.Contains("| metric | formula | source | target | actual | met |", markdown, StringComparison.Ordinal);
        Assert.All(tables, t => Assert.Contains("## " + t.Title, markdown, StringComparison.Ordinal));

        var directory = Directory.CreateTempSubdirectory("report-csv").FullName;
        var files = CsvReportRenderer.WriteAll(report, directory);
        Assert.Equal(tables.Select(t => t.Id + ".csv"), files.Select(Path.GetFileName));
        foreach (var (table, file) in tables.Zip(files))
        {
            using var reader = new CsvReader(new StreamReader(file), CultureInfo.InvariantCulture);
            var rows = new List<string[]>();
            while (reader.Read())
            {
                rows.Add(Enumerable.Range(0, reader.Parser.Count).Select(i => reader.GetField(i)!).ToArray());
            }

            Assert.Equal(table.Headers, rows[0]);
            Assert.Equal(table.Rows.Count, rows.Count - 1);
            foreach (var (expected, actual) in table.Rows.Zip(rows.Skip(1)))
            {
                Assert.Equal(expected, actual);
            }
        }

        Directory.Delete(directory, recursive: true);

        using var json = JsonDocument.Parse(JsonReportRenderer.Render(report));
        var root = json.RootElement;
        Assert.Equal(report.Tickets, root.GetProperty("tickets").GetInt64());
        Assert.Equal("2024-03-01", root.GetProperty("analysedMonth").GetString());
        Assert.Equal(report.MeasurementTable.Count, root.GetProperty("measurementTable").GetArrayLength());
        Assert.Equal("FirstResponseTime", root.GetProperty("measurementTable")[0].GetProperty("metric").GetString());
        Assert.Equal(report.MeasurementTable[0].Actual!.Value, root.GetProperty("measurementTable")[0].GetProperty("actual").GetDouble(), 9);
        Assert.Equal("Done", root.GetProperty("improvementPlans")[0].GetProperty("status").GetString());

        // NodaTime values as the ISO text NodaTime.Serialization.SystemTextJson wrote: instants, dates, local date-times.
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Format(report.GeneratedAt), root.GetProperty("generatedAt").GetString());
        Assert.Equal(NodaTime.Text.LocalDatePattern.Iso.Format(report.ImprovementPlans[0].PlannedFinish), root.GetProperty("improvementPlans")[0].GetProperty("plannedFinish").GetString());
        Assert.NotEmpty(report.Revisits);
        Assert.Equal(NodaTime.Text.LocalDateTimePattern.ExtendedIso.Format(report.Revisits[0].RevisitedAt), root.GetProperty("revisits")[0].GetProperty("revisitedAt").GetString());
    }

    [Fact]
    public async Task The_HTML_report_is_self_contained_with_three_inline_charts()
    {
        var (_, report) = await SharedReport();
        var html = ReportCharts.RenderHtml(report);
        foreach (var id in new[] { "chart-monthly-trend", "chart-teams", "chart-problem-types", "chart-first-response-histogram", "chart-resolution-histogram" })
        {
            var start = html.IndexOf($"<figure id=\"{id}\"", StringComparison.Ordinal);
            Assert.True(start >= 0, id);
            var end = html.IndexOf("</figure>", start, StringComparison.Ordinal);
            Assert.Matches("<svg [^>]*viewBox=\"0 0 760 380\"", html[start..end]);
        }

        // No external resource: the only URLs are the SVG and XLink namespace names.
        var urls = System.Text.RegularExpressions.Regex.Matches(html, "https?://[^\"' )]+").Select(m => m.Value).Distinct().ToArray();
        Assert.All(urls, u => Assert.Contains(u, new[] { "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink" }));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<?xml", html, StringComparison.Ordinal);
        // Ids are unique across the inlined charts.
        var ids = System.Text.RegularExpressions.Regex.Matches(html, "\\bid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Contains("id=\"keyword-cloud\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_dates_in_the_desks_zone_unless_its_options_name_one()
    {
        var data = await ReportData.CreateAsync();
        var desk = ReportData.Policies.WithCalendar(SlaPolicySet.DefaultCalendarName, AfterSales.Quality.Calendars.BusinessCalendar.TwentyFourSeven(ReportData.Shanghai));
        var byDesk = await QualityReportBuilder.BuildAsync(data.Store, desk, data.Plans, data.Now);
        var named = await QualityReportBuilder.BuildAsync(data.Store, desk, data.Plans, data.Now, new QualityReportOptions { TimeZone = ReportData.Shanghai });
        Assert.Equal("Asia/Shanghai", byDesk.TimeZone);
        Assert.Equal(JsonReportRenderer.Render(named), JsonReportRenderer.Render(byDesk));

        var projection = new TicketFactProjection(data.Store, ReportData.Policies, timeZone: DateTimeZoneProviders.Tzdb["America/New_York"]);
        Assert.Equal("America/New_York", (await QualityReportBuilder.BuildAsync(data.Store, desk, data.Plans, data.Now, projection: projection)).TimeZone);
        Assert.Equal("UTC", (await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now)).TimeZone);
        Assert.Equal("Europe/Berlin", (await QualityReportBuilder.BuildAsync(data.Store, desk, data.Plans, data.Now, new QualityReportOptions { TimeZone = DateTimeZoneProviders.Tzdb["Europe/Berlin"] }, projection)).TimeZone);
    }

    [Fact]
    public async Task An_empty_store_gives_an_empty_report_without_NaN()
    {
        var store = new InMemoryTicketStore();
        var report = await QualityReportBuilder.BuildAsync(store, ReportData.Policies, [], ReportData.At(2024, 4, 1, 9, 0));
        Assert.Equal(0, report.Tickets);
        Assert.Null(report.AnalysedMonth);
        Assert.Empty(report.MonthlyTrend);
        Assert.Empty(report.Comparison);
        Assert.All(report.MeasurementTable, r => Assert.Null(r.Actual));
        Assert.All(report.Correlations, c => Assert.Null(c.Coefficient));
        Assert.Null(report.ImprovementCompletion.Rate);
        foreach (var text in new[] { MarkdownReportRenderer.Render(report), ReportCharts.RenderHtml(report), JsonReportRenderer.Render(report) })
        {
            Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", text, StringComparison.Ordinal);
        }

        Assert.Null(ReportCharts.MonthlyTrend(report));
        Assert.Contains("No data.", ReportCharts.RenderHtml(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_chart_renderer_the_HTML_has_tiles_and_tables_and_no_chart_section()
    {
        var (_, report) = await SharedReport();
        var html = HtmlReportRenderer.Render(report);
        Assert.DoesNotContain("<figure", html, StringComparison.Ordinal);
        Assert.Contains("id=\"kpi-tiles\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"sparkline\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"kpi-measurement\"", html, StringComparison.Ordinal);

        // Everything outside the chart section is the same page the charts package renders.
        var charted = ReportCharts.RenderHtml(report);
        var start = charted.IndexOf("<h2>Charts</h2>", StringComparison.Ordinal);
        var end = charted.IndexOf("</div>", charted.LastIndexOf("</figure>", StringComparison.Ordinal), StringComparison.Ordinal) + "</div>".Length + Environment.NewLine.Length;
        Assert.True(start > 0 && end > start);
        Assert.Equal(html, charted[..start] + charted[end..]);

        // The tables-only package draws with no native code: neither ScottPlot nor SkiaSharp is a reference of it.
        var references = typeof(HtmlReportRenderer).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain(references, name => name!.StartsWith("ScottPlot", StringComparison.Ordinal) || name.StartsWith("SkiaSharp", StringComparison.Ordinal) || name.StartsWith("HarfBuzz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_custom_chart_renderer_draws_every_chart_in_page_order_with_its_id()
    {
        var (_, report) = await SharedReport();
        var asked = new List<ReportChart>();
        var html = HtmlReportRenderer.Render(report, new RecordingRenderer(asked));
        Assert.Equal(ReportChartIds.All, asked);
        var positions = ReportChartIds.All.Select(c => html.IndexOf($"<figure id=\"{ReportChartIds.Of(c)}\"", StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("id=\"chart-teams-dot\"", html, StringComparison.Ordinal); // ids inside a chart are prefixed with its figure's id
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportChartIds.Of((ReportChart)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportCharts.Draw((ReportChart)99, report));
    }

    private sealed class RecordingRenderer(List<ReportChart> asked) : IReportChartRenderer
    {
        public string? Render(ReportChart chart, QualityReport report)
        {
            asked.Add(chart);
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle id=\"dot\" r=\"1\"/></svg>";
        }
    }

    [Fact]
    public async Task Bad_options_and_arguments_are_refused_by_name()
    {
        var store = new InMemoryTicketStore();
        var error = await Assert.ThrowsAsync<QualityValidationException>(() => QualityReportBuilder.BuildAsync(store, ReportData.Policies, [], ReportData.At(2024, 4, 1, 9, 0),
            new QualityReportOptions { Title = " ", TopProblems = 0, ConsecutiveMonths = 99, Keywords = -1, Benchmarks = new Dictionary<KpiMetric, double> { [KpiMetric.CsatMean] = double.NaN } }));
        Assert.Equal(["Title", "Benchmarks", "TopProblems", "ConsecutiveMonths", "Keywords"], error.Errors.Select(e => e.Field));
        Assert.Equal("store", (await Assert.ThrowsAsync<ArgumentNullException>(() => QualityReportBuilder.BuildAsync(null!, ReportData.Policies, [], Instant.MinValue))).ParamName);
        Assert.Equal("plans", (await Assert.ThrowsAsync<ArgumentException>(() => QualityReportBuilder.BuildAsync(store, ReportData.Policies, [null!], Instant.MinValue))).ParamName);
        Assert.Equal("prefix", Assert.Throws<ArgumentException>(() => ReportSvg.Inline("<svg/>", "1bad\"")).ParamName);
    }
}
