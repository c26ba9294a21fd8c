using System.Diagnostics;
using SkiaSharp;
using Xunit.Abstractions;

namespace AfterSales.Quality.Reporting.Tests;

/// <summary>
/// Opens the HTML report in a real browser: headless Chromium (Debian's chromium package, installed
/// by .ci/prepare) renders it to a screenshot and dumps its DOM, and the test checks the charts are
/// there. It fails, never skips, when Chromium is missing.
/// </summary>
public sealed class BrowserRenderingTests(ITestOutputHelper output)
{
    private static string Chromium()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/chromium-headless-shell" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Chromium is missing: run the tests with `bash .ci/test` (the README's test command installs Debian's chromium package) or set CHROMIUM_PATH.");
    }

    private static async Task<(int ExitCode, string Output)> RunChromiumAsync(string profile, params string[] arguments)
    {
        var start = new ProcessStartInfo(Chromium()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions",
            "--disable-sync", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio", $"--user-data-dir={profile}",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not finish within 2 minutes.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task Chromium_renders_the_report_with_its_three_charts(string language)
    {
        var report = language == "en" ? (await QualityReportTests.SharedReport()).Report : await LocalizationTests.ChineseReport();
        var directory = Directory.CreateTempSubdirectory("report-browser").FullName;
        var page = Path.Combine(directory, "report.html");
        await File.WriteAllTextAsync(page, ReportCharts.RenderHtml(report));
        var screenshot = Path.Combine(directory, "report.png");
        var profile = Path.Combine(directory, "profile");

        // The DOM as the browser parsed it: every chart figure holds an SVG with drawn paths.
        var (domExit, dom) = await RunChromiumAsync(profile, "--dump-dom", new Uri(page).AbsoluteUri);
        Assert.True(domExit == 0, dom);
        foreach (var id in new[] { "chart-monthly-trend", "chart-teams", "chart-problem-types", "chart-first-response-histogram", "chart-resolution-histogram", "chart-sla-breaches", "chart-backlog", "chart-arrivals" })
        {
            var start = dom.IndexOf($"<figure id=\"{id}\"", StringComparison.Ordinal);
            Assert.True(start >= 0, $"{id} is missing from the rendered DOM");
            var figure = dom[start..dom.IndexOf("</figure>", start, StringComparison.Ordinal)];
            Assert.Contains("<svg", figure, StringComparison.Ordinal);
            Assert.True(figure.Split("<path").Length > 5, $"{id} has no drawing");
            Assert.True(figure.Split("<text").Length > 5, $"{id} has no labels");
        }

        Assert.Contains(language == "en" ? "KPI measurement table" : "服务水平测量指标表", dom, StringComparison.Ordinal);

        // The KPI tiles at the top: one per KPI, each with its value and a drawn sparkline.
        var tilesStart = dom.IndexOf("id=\"kpi-tiles\"", StringComparison.Ordinal);
        Assert.True(tilesStart >= 0 && tilesStart < dom.IndexOf("id=\"kpi-measurement\"", StringComparison.Ordinal), "the tiles are missing or not at the top");
        var tiles = dom[tilesStart..dom.IndexOf("</section>", tilesStart, StringComparison.Ordinal)];
        Assert.Equal(report.Tiles.Count, tiles.Split("class=\"tile\"").Length - 1);
        Assert.Equal(report.Tiles.Count, tiles.Split("<polyline").Length - 1);
        Assert.Contains(language == "en" ? "First contact resolution" : "首次解决率", tiles, StringComparison.Ordinal);

        // The screenshot: the charts' colours are on the page (Category10 blue and orange).
        var (shotExit, shotOutput) = await RunChromiumAsync(profile, $"--screenshot={screenshot}", "--window-size=1200,2600", new Uri(page).AbsoluteUri);
        Assert.True(shotExit == 0 && File.Exists(screenshot), shotOutput);
        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.Equal((1200, 2600), (bitmap.Width, bitmap.Height));
        int blue = 0, orange = 0, white = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                blue += Near(c, 0x1F, 0x77, 0xB4) ? 1 : 0;
                orange += Near(c, 0xFF, 0x7F, 0x0E) ? 1 : 0;
                white += c is { Red: > 250, Green: > 250, Blue: > 250 } ? 1 : 0;
            }
        }

        output.WriteLine($"screenshot {screenshot}: blue {blue}, orange {orange}, white {white} of {bitmap.Width * bitmap.Height / 4} sampled pixels");
        Assert.True(blue > 2_000, $"too little chart blue on the page ({blue} pixels)");
        Assert.True(orange > 2_000, $"too little chart orange on the page ({orange} pixels)");
        Assert.True(white < bitmap.Width * bitmap.Height / 4 * 0.95, "the page is blank");
        var keep = Environment.GetEnvironmentVariable("REPORT_SCREENSHOT");
        if (!string.IsNullOrEmpty(keep))
        {
            File.Copy(screenshot, keep, overwrite: true);
        }

        Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// Chinese glyphs are drawn, not boxes: the zh-CN report's top is rendered twice, once with its title and once with
    /// one character repeated as often. Missing glyphs are all the same box, so the two pictures would be equal; drawn
    /// glyphs differ. Needs a CJK font (Debian's fonts-noto-cjk, installed by .ci/prepare).
    /// </summary>
    [Fact]
    public async Task Chromium_draws_the_chinese_glyphs_of_the_report_and_its_charts()
    {
        var report = await LocalizationTests.ChineseReport();
        var directory = Directory.CreateTempSubdirectory("report-cjk").FullName;
        var profile = Path.Combine(directory, "profile");
        async Task<SKBitmap> ShotAsync(string name, string html)
        {
            var page = Path.Combine(directory, name + ".html");
            await File.WriteAllTextAsync(page, html);
            var png = Path.Combine(directory, name + ".png");
            var (exit, log) = await RunChromiumAsync(profile, $"--screenshot={png}", "--window-size=1200,400", new Uri(page).AbsoluteUri);
            Assert.True(exit == 0 && File.Exists(png), log);
            return SKBitmap.Decode(png);
        }

        using var title = await ShotAsync("title", ReportCharts.RenderHtml(report with { Title = "售后服务质量报告" }));
        using var same = await ShotAsync("same", ReportCharts.RenderHtml(report with { Title = "报报报报报报报报" }));
        // A chart's Chinese labels alone on a page, against the same chart with its labels' characters all replaced by one.
        var svg = System.Net.WebUtility.HtmlDecode(ReportSvg.Inline(ReportCharts.MonthlyTrend(report)!, "c"));
        var flattened = new string(svg.Select(c => c is >= '\u4E00' and <= '\u9FFF' ? '报' : c).ToArray());
        using var chart = await ShotAsync("chart", $"<!DOCTYPE html><html lang=\"zh-CN\"><body style=\"margin:0\"><div style=\"width:900px\">{svg}</div></body></html>");
        using var chartSame = await ShotAsync("chart-same", $"<!DOCTYPE html><html lang=\"zh-CN\"><body style=\"margin:0\"><div style=\"width:900px\">{flattened}</div></body></html>");

        var titleDiff = Difference(title, same);
        var chartDiff = Difference(chart, chartSame);
        output.WriteLine($"pixels that differ: title {titleDiff}, chart {chartDiff}");
        Assert.True(Ink(title) > 500, "the title drew nothing");
        Assert.True(titleDiff > 300, $"the title's Chinese glyphs look alike ({titleDiff} pixels differ): boxes, not glyphs — is fonts-noto-cjk installed?");
        Assert.True(chartDiff > 300, $"the chart's Chinese labels look alike ({chartDiff} pixels differ): boxes, not glyphs");
        Directory.Delete(directory, recursive: true);
    }

    private static int Difference(SKBitmap a, SKBitmap b)
    {
        var count = 0;
        for (var y = 0; y < Math.Min(a.Height, b.Height); y++)
        {
            for (var x = 0; x < Math.Min(a.Width, b.Width); x++)
            {
                var (p, q) = (a.GetPixel(x, y), b.GetPixel(x, y));
                count += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue) > 60 ? 1 : 0;
            }
        }

        return count;
    }

    private static int Ink(SKBitmap bitmap)
    {
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                count += bitmap.GetPixel(x, y) is { Red: < 128, Green: < 128, Blue: < 128 } ? 1 : 0;
            }
        }

        return count;
    }

    private static bool Near(SKColor c, byte r, byte g, byte b) => Math.Abs(c.Red - r) < 12 && Math.Abs(c.Green - g) < 12 && Math.Abs(c.Blue - b) < 12;
}
