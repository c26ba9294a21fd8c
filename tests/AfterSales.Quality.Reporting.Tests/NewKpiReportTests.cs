using System.Globalization;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Reporting;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>The reply, resolution and transfer KPIs reach the report's measurement table as any KPI does: through a target.</summary>
public sealed class NewKpiReportTests
{
    [Fact]
    public async Task Targets_on_the_new_kpis_give_measurement_rows_with_the_engines_values_in_both_languages()
    {
        var data = await ReportData.CreateAsync();
        KpiMetric[] added = [KpiMetric.AverageReplyTime, KpiMetric.MeanTimeToResolution, KpiMetric.ResolutionWorkingTime, KpiMetric.TransferRate];
        var targets = KpiDefinitions.DefaultTargets.Concat(added.Select(m => new KpiTarget(KpiDefinitions.Of(m), m == KpiMetric.TransferRate ? 0.2 : 86_400))).ToArray();
        foreach (var culture in new[] { "en", "zh-CN" })
        {
            var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
                new QualityReportOptions { Culture = CultureInfo.GetCultureInfo(culture), TimeZone = ReportData.Shanghai, Targets = targets });
            var rows = report.MeasurementTable.Where(r => r.Metric is { } m && added.Contains(m)).ToArray();
            Assert.Equal(added, rows.Select(r => r.Metric!.Value));
            Assert.All(rows, r => Assert.NotNull(r.Actual));
            var markdown = MarkdownReportRenderer.Render(report);
            Assert.Contains(culture == "en" ? "Mean time to resolution (MTTR)" : "平均解决时长", markdown, StringComparison.Ordinal);
            Assert.Contains(culture == "en" ? "Transfer rate" : "转派率", markdown, StringComparison.Ordinal);
        }
    }
}
