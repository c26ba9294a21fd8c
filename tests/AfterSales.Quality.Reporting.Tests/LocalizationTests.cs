using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using AfterSales.Quality.Kpi;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>The report in zh-CN and English: every word from the resources, the guides' Chinese terms, culture formats, stable JSON keys.</summary>
public sealed class LocalizationTests
{
    private static readonly Lazy<Task<QualityReport>> Chinese = new(async () =>
    {
        var data = await ReportData.CreateAsync();
        return await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now,
            new QualityReportOptions { Culture = CultureInfo.GetCultureInfo("zh-CN"), TimeZone = ReportData.Shanghai, TableRows = 5 });
    });

    internal static Task<QualityReport> ChineseReport() => Chinese.Value;

    private static string ResourcePath(string file)
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "AfterSales.Quality.sln")))
        {
            directory = Path.GetDirectoryName(directory)!;
        }

        return Path.Combine(directory, "src", "AfterSales.Quality.Reporting", "Resources", file);
    }

    private static Dictionary<string, string> Resx(string file) =>
        XDocument.Load(ResourcePath(file)).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void Every_english_resource_has_a_chinese_one_and_chinese_names_every_kpi_of_the_guides()
    {
        var english = Resx("ReportStrings.resx");
        var chinese = Resx("ReportStrings.zh-CN.resx");
        Assert.Empty(english.Keys.Except(chinese.Keys));
        Assert.All(chinese.Keys.Except(english.Keys), key => Assert.Matches("^(Kpi|Source)\\.", key)); // English KPI words are the core's definitions
        foreach (var kpi in KpiDefinitions.All)
        {
            Assert.True(chinese.ContainsKey($"Kpi.{kpi.Name}.Title"), kpi.Name);
            Assert.True(chinese.ContainsKey($"Kpi.{kpi.Name}.Formula"), kpi.Name);
            Assert.True(chinese.ContainsKey("Source." + kpi.Source), kpi.Source);
        }

        // Headers have as many columns in both languages.
        Assert.All(english.Where(kv => kv.Key.EndsWith(".Headers", StringComparison.Ordinal)), kv => Assert.Equal(kv.Value.Split('|').Length, chinese[kv.Key].Split('|').Length));
    }

    [Fact]
    public async Task The_chinese_report_uses_the_guides_terms_and_chinese_formats_in_every_renderer()
    {
        var report = await ChineseReport();
        Assert.Equal("售后服务质量报告", report.Title);
        var tables = ReportTables.Of(report).ToDictionary(t => t.Id);
        Assert.Equal(["指标名称", "计算公式", "数据来源", "目标值", "实际值", "达标情况"], tables["kpi-measurement"].Headers);
        var names = tables["kpi-measurement"].Rows.Select(r => r[0]).ToArray();
        foreach (var term in new[] { "首次响应时间（FRT）", "首次解决率（FCR）", "客户满意度（CSAT）", "投诉率" })
        {
            Assert.Contains(term, names);
        }

        Assert.Contains(tables["kpi-measurement"].Rows, r => r[1] == "首次解决工单数 / 总工单数 × 100%" && r[2] == "工单系统" && r[3] == "≥ 85.0%");
        Assert.Contains(tables["kpi-measurement"].Rows, r => r[5] is "是" or "否");
        Assert.Equal(["2024年1月", "2024年2月", "2024年3月"], tables["monthly-trend"].Rows.Select(r => r[0]));
        Assert.All(tables["revisits"].Rows, r => Assert.Matches("^\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}$", r[2]));
        Assert.All(tables["revisits"].Rows, r => Assert.Contains(r[3], new[] { "电话", "在线", "上门" }));
        Assert.Contains(tables["comparison"].Rows, r => r[0] == "首次响应时间（FRT）" && r[4] == "60 秒"); // the guides' industry average as default benchmark
        Assert.Contains("指南中的行业平均值", tables["comparison"].Note, StringComparison.Ordinal);
        Assert.DoesNotContain(tables.Values.SelectMany(t => t.Rows).SelectMany(r => r), cell => cell is "n/a" or "yes" or "no");

        var html = ReportCharts.RenderHtml(report);
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("<h2>服务水平测量指标表</h2>", html, StringComparison.Ordinal);
        Assert.Contains("Noto Sans CJK SC", html, StringComparison.Ordinal);
        Assert.Contains("Microsoft YaHei", html, StringComparison.Ordinal);
        Assert.Contains("PingFang SC", html, StringComparison.Ordinal);
        foreach (var english in new[] { "KPI measurement table", "Monthly trend", "Team comparison", "Problem types", "No data", "Generated", "target" })
        {
            Assert.DoesNotContain(english, html, StringComparison.Ordinal);
        }

        // Charts are labelled in the report's language: the SVG text holds the KPI names and Chinese month ticks.
        var trend = System.Net.WebUtility.HtmlDecode(ReportCharts.MonthlyTrend(report)!); // SVG text holds character references
        Assert.Contains("首次解决率", trend, StringComparison.Ordinal);
        Assert.Contains("2024年3月", trend, StringComparison.Ordinal);
        Assert.Contains("目标", trend, StringComparison.Ordinal);
        Assert.Contains("团队对比", System.Net.WebUtility.HtmlDecode(ReportCharts.Teams(report)!), StringComparison.Ordinal);
        // The SVG holds the labels' own characters, not another character the CJK face draws with the same glyph
        // (Skia maps glyphs back through the font: 客户 came out as 客戶, U+6236 before U+6237).
        Assert.Contains("客户满意度", trend, StringComparison.Ordinal);
        foreach (var svg in new[] { ReportCharts.MonthlyTrend(report), ReportCharts.Teams(report), ReportCharts.SlaBreachTrend(report), ReportCharts.Backlog(report), ReportCharts.Arrivals(report) })
        {
            Assert.DoesNotContain("戶", System.Net.WebUtility.HtmlDecode(svg!), StringComparison.Ordinal);
        }

        var markdown = MarkdownReportRenderer.Render(report);
        Assert.StartsWith("# 售后服务质量报告", markdown, StringComparison.Ordinal);
        Assert.Contains("| 指标名称 | 计算公式 | 数据来源 | 目标值 | 实际值 | 达标情况 |", markdown, StringComparison.Ordinal);

        // The long revisit table shows TableRows rows and says how many more the CSV holds.
        Assert.True(tables["revisits"].Rows.Count > 5);
        Assert.Contains($"另有 {tables["revisits"].Rows.Count - 5} 行，完整列表见 CSV 文件 revisits.csv", html, StringComparison.Ordinal);
        var csvDirectory = Directory.CreateTempSubdirectory("report-zh-csv").FullName;
        CsvReportRenderer.WriteAll(report, csvDirectory);
        var csv = await File.ReadAllLinesAsync(Path.Combine(csvDirectory, "revisits.csv"));
        Assert.Equal("回访编号,关联反馈编号,回访时间,回访方式,问题是否解决,满意度评分,客户建议", csv[0]);
        Assert.Equal(tables["revisits"].Rows.Count + 1, csv.Count(l => l.StartsWith("HV", StringComparison.Ordinal)) + 1);
        Directory.Delete(csvDirectory, recursive: true);
    }

    [Fact]
    public async Task The_json_keeps_its_keys_and_adds_the_languages_display_names()
    {
        var chinese = JsonDocument.Parse(JsonReportRenderer.Render(await ChineseReport())).RootElement;
        var (_, englishReport) = await QualityReportTests.SharedReport();
        var english = JsonDocument.Parse(JsonReportRenderer.Render(englishReport)).RootElement;
        Assert.Equal(english.EnumerateObject().Select(p => p.Name), chinese.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("zh-CN", "en"), (chinese.GetProperty("language").GetString(), english.GetProperty("language").GetString()));
        Assert.Equal("FirstResponseTime", chinese.GetProperty("measurementTable")[0].GetProperty("metric").GetString());
        Assert.Equal("首次响应时间（FRT）", chinese.GetProperty("displayNames").GetProperty("kpis").GetProperty("FirstResponseTime").GetString());
        Assert.Equal("First response time (FRT)", english.GetProperty("displayNames").GetProperty("kpis").GetProperty("FirstResponseTime").GetString());
        Assert.Equal("客户回访满意度记录表", chinese.GetProperty("displayNames").GetProperty("tables").GetProperty("revisits").GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_default_language_is_the_current_ui_culture()
    {
        var data = await ReportData.CreateAsync();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            var report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, new QualityReportOptions { TimeZone = ReportData.Shanghai });
            Assert.Equal(("zh-CN", "售后服务质量报告"), (report.Language, report.Title));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
            report = await QualityReportBuilder.BuildAsync(data.Store, ReportData.Policies, data.Plans, data.Now, new QualityReportOptions { TimeZone = ReportData.Shanghai });
            Assert.Equal(("en-US", "After-sales quality report"), (report.Language, report.Title));
            Assert.Equal("KPI measurement table", ReportTables.Of(report)[0].Title);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}

public sealed class HistogramTests
{
    [Fact]
    public async Task The_histograms_count_every_measured_ticket_once_in_bins_that_tile_the_range()
    {
        var (data, report) = await QualityReportTests.SharedReport();
        var projection = new AfterSales.Quality.ReadModels.TicketFactProjection(data.Store, ReportData.Policies);
        await projection.RefreshAsync(data.Now);
        var responded = 0;
        var resolved = 0;
        foreach (var fact in projection.Facts.Facts)
        {
            responded += fact.FirstResponseSeconds is null ? 0 : 1;
            resolved += fact.ResolutionWorkingSeconds is null ? 0 : 1;
        }

        foreach (var (bins, count) in new[] { (report.FirstResponseHistogram, responded), (report.ResolutionHistogram, resolved) })
        {
            Assert.Equal(count, bins.Sum(b => b.Tickets));
            Assert.True(bins.Count <= 13);
            Assert.Equal(0, bins[0].FromHours);
            Assert.All(bins.Zip(bins.Skip(1)), p => Assert.Equal(p.First.ToHours, p.Second.FromHours));
            Assert.All(bins.SkipLast(1), b => Assert.NotNull(b.ToHours));
        }

        var svg = System.Net.WebUtility.HtmlDecode(ReportCharts.FirstResponseHistogram(report)!);
        Assert.Contains("target 2.0 h", svg, StringComparison.Ordinal);
    }
}
