using System.Text.RegularExpressions;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Reporting;
using NodaTime;
using ScottPlot;

namespace AfterSales.Quality.Reporting.Charts;

/// <summary>
/// The charts of a <see cref="QualityReport"/>, drawn with ScottPlot (SkiaSharp) and exported as SVG: the monthly
/// trend, teams, problem types, first-response and resolution histograms, SLA breaches, backlog ageing and
/// arrivals. Each method returns null when the report has nothing to draw. <see cref="Renderer"/> hands them to
/// <see cref="HtmlReportRenderer"/>; <see cref="RenderHtml"/> does both in one call. Thread-safe (a plot per call).
/// </summary>
public static partial class ReportCharts
{
    private const int Width = 760;
    private const int Height = 380;

    /// <summary>The charts as an <see cref="IReportChartRenderer"/> for <see cref="HtmlReportRenderer.Render(QualityReport, IReportChartRenderer?)"/>.</summary>
    public static IReportChartRenderer Renderer { get; } = new ScottPlotChartRenderer();

    /// <summary>Renders a report as HTML with these charts: <c>HtmlReportRenderer.Render(report, ReportCharts.Renderer)</c>.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The HTML document.</returns>
    public static string RenderHtml(QualityReport report) => HtmlReportRenderer.Render(report, Renderer);

    /// <summary>Draws one chart.</summary>
    /// <param name="chart">Which chart.</param>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null when the report has nothing to draw.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined chart.</exception>
    public static string? Draw(ReportChart chart, QualityReport report) => chart switch
    {
        ReportChart.MonthlyTrend => MonthlyTrend(report),
        ReportChart.Teams => Teams(report),
        ReportChart.ProblemTypes => ProblemTypes(report),
        ReportChart.FirstResponseHistogram => FirstResponseHistogram(report),
        ReportChart.ResolutionHistogram => ResolutionHistogram(report),
        ReportChart.SlaBreaches => SlaBreachTrend(report),
        ReportChart.Backlog => Backlog(report),
        ReportChart.Arrivals => Arrivals(report),
        _ => throw new ArgumentOutOfRangeException(nameof(chart), chart, "chart: not a defined ReportChart."),
    };

    private sealed class ScottPlotChartRenderer : IReportChartRenderer
    {
        public string? Render(ReportChart chart, QualityReport report) => Draw(chart, report);
    }

    /// <summary>The monthly trend: FCR, CSAT satisfied share and resolution SLA attainment in per cent, one point per month.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without months.</returns>
    public static string? MonthlyTrend(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var months = report.MonthlyTrend;
        if (months.Count == 0)
        {
            return null;
        }

        var t = ReportText.For(report.Culture);
        var plot = NewPlot(t["Chart.MonthlyTrend.Title"], t);
        var palette = new ScottPlot.Palettes.Category10();
        (KpiMetric Metric, Func<MonthlyKpiRow, double?> Value)[] series =
        [
            (KpiMetric.FirstContactResolution, m => m.FirstContactResolution),
            (KpiMetric.CsatSatisfiedShare, m => m.CsatSatisfiedShare),
            (KpiMetric.ResolutionSlaAttainment, m => m.ResolutionSlaAttainment),
        ];
        var values = new List<double>();
        for (var s = 0; s < series.Length; s++)
        {
            var points = months.Select((m, i) => (X: (double)i, Y: series[s].Value(m))).Where(p => p.Y is not null).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value * 100).ToArray(), palette.GetColor(s));
            line.LegendText = t.KpiName(series[s].Metric);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            values.AddRange(points.Select(p => p.Y!.Value * 100));
            if (TargetOf(report, series[s].Metric) is { } target)
            {
                TargetLine(plot, target * 100, palette.GetColor(s), t.KpiName(series[s].Metric) + " " + t.Format("Chart.Target", t.Percent(target)));
                values.Add(target * 100);
            }
        }

        plot.Axes.Bottom.SetTicks(months.Select((_, i) => (double)i).ToArray(), months.Select(m => t.Month(m.Month)).ToArray());
        var (low, high) = Fit(values, 0, 100);
        plot.Axes.SetLimits(-0.5, months.Count - 0.5, low, high);
        plot.YLabel(t["Chart.Percent"]);
        plot.ShowLegend(Edge.Bottom); // outside the data: it never hides a point
        return Svg(plot);
    }

    /// <summary>The teams compared: FCR and CSAT satisfied share in per cent, side by side per team.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without teams.</returns>
    public static string? Teams(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // A group with neither value (tickets never triaged to a team) would be an empty slot.
        var teams = report.Teams.Where(t => t.FirstContactResolution is not null || t.CsatSatisfiedShare is not null).ToArray();
        if (teams.Length == 0)
        {
            return null;
        }

        var t = ReportText.For(report.Culture);
        var plot = NewPlot(t["Chart.Teams.Title"], t);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var i = 0; i < teams.Length; i++)
        {
            bars.Add(new Bar { Position = (i * 3) + 0.5, Value = (teams[i].FirstContactResolution ?? 0) * 100, FillColor = palette.GetColor(0), Size = 1 });
            bars.Add(new Bar { Position = (i * 3) + 1.5, Value = (teams[i].CsatSatisfiedShare ?? 0) * 100, FillColor = palette.GetColor(1), Size = 1 });
        }

        plot.Add.Bars(bars);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = t.KpiName(KpiMetric.FirstContactResolution), FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = t.KpiName(KpiMetric.CsatSatisfiedShare), FillColor = palette.GetColor(1) });
        var values = bars.Select(b => b.Value).ToList();
        foreach (var (metric, color) in new[] { (KpiMetric.FirstContactResolution, 0), (KpiMetric.CsatSatisfiedShare, 1) })
        {
            if (TargetOf(report, metric) is { } target)
            {
                var label = t.KpiName(metric) + " " + t.Format("Chart.Target", t.Percent(target));
                TargetLine(plot, target * 100, palette.GetColor(color), label);
                values.Add(target * 100);
            }
        }

        plot.Axes.Bottom.SetTicks(teams.Select((_, i) => (i * 3) + 1.0).ToArray(), teams.Select(team => team.Team).ToArray());
        var (_, high) = Fit(values, 0, 100);
        plot.Axes.SetLimits(-0.5, (teams.Length * 3) - 0.5, 0, high); // bars start at zero: their length is the value
        plot.YLabel(t["Chart.Percent"]);
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot);
    }

    /// <summary>The problem types as a pie, one slice per type with its share.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without tickets.</returns>
    public static string? ProblemTypes(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var types = report.ProblemTypes.Where(p => p.Tickets > 0).ToArray();
        if (types.Length == 0)
        {
            return null;
        }

        var t = ReportText.For(report.Culture);
        var plot = NewPlot(t["Chart.ProblemTypes.Title"], t);
        var palette = new ScottPlot.Palettes.Category10();
        // Slices under 4 % carry no label on the pie (their labels would overlap their neighbours'); the legend names every slice with its share.
        var slices = types.Select((p, i) => new PieSlice
        {
            Value = p.Tickets,
            FillColor = palette.GetColor(i),
            Label = p.Share >= 0.04 ? t.Percent(p.Share) : "",
            LegendText = $"{p.Name} ({t.Count(p.Tickets)}, {t.Percent(p.Share)})",
        }).ToList();
        var pie = plot.Add.Pie(slices);
        pie.SliceLabelDistance = 0.7;
        pie.LineColor = Colors.White;
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot);
    }

    /// <summary>How long first responses took: a histogram in hours with the FRT target as a dashed line.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without first responses.</returns>
    public static string? FirstResponseHistogram(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = ReportText.For(report.Culture);
        return Histogram(report, report.FirstResponseHistogram, t["Chart.FirstResponseHistogram.Title"], TargetOf(report, KpiMetric.FirstResponseTime) / 3600, t);
    }

    /// <summary>How long resolutions took in working time: a histogram in hours.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without resolutions.</returns>
    public static string? ResolutionHistogram(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = ReportText.For(report.Culture);
        return Histogram(report, report.ResolutionHistogram, t["Chart.ResolutionHistogram.Title"], null, t);
    }

    /// <summary>The SLA-breach trend: the share of first responses and of resolutions that missed their target, in per cent, by month of receipt, with the targets' complements as dashed lines.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null when no month had an SLA due.</returns>
    public static string? SlaBreachTrend(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var months = report.SlaBreachTrend;
        if (months.All(m => m.FirstResponseDue == 0 && m.ResolutionDue == 0))
        {
            return null;
        }

        var t = ReportText.For(report.Culture);
        var plot = NewPlot(t["Chart.SlaBreaches.Title"], t);
        var palette = new ScottPlot.Palettes.Category10();
        (string Label, KpiMetric Attainment, Func<SlaBreachMonthRow, double?> Rate)[] series =
        [
            (t["Chart.SlaBreaches.FirstResponse"], KpiMetric.FirstResponseSlaAttainment, m => m.FirstResponseBreachRate),
            (t["Chart.SlaBreaches.Resolution"], KpiMetric.ResolutionSlaAttainment, m => m.ResolutionBreachRate),
        ];
        var values = new List<double>();
        for (var s = 0; s < series.Length; s++)
        {
            var points = months.Select((m, i) => (X: (double)i, Y: series[s].Rate(m))).Where(p => p.Y is not null).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value * 100).ToArray(), palette.GetColor(s + 3));
            line.LegendText = series[s].Label;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            values.AddRange(points.Select(p => p.Y!.Value * 100));
            if (TargetOf(report, series[s].Attainment) is { } attainment)
            {
                // An attainment target of 95 % allows 5 % breaches.
                TargetLine(plot, (1 - attainment) * 100, palette.GetColor(s + 3), series[s].Label + " " + t.Format("Chart.Target", "≤ " + t.Percent(1 - attainment)));
                values.Add((1 - attainment) * 100);
            }
        }

        plot.Axes.Bottom.SetTicks(months.Select((_, i) => (double)i).ToArray(), months.Select(m => t.Month(m.Month)).ToArray());
        var (low, high) = Fit(values, 0, 100);
        plot.Axes.SetLimits(-0.5, months.Count - 0.5, low, high);
        plot.YLabel(t["Chart.Percent"]);
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot);
    }

    /// <summary>The backlog by age: open tickets per age bin (under 1 day … 30 days or more), stacked by priority.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without open tickets.</returns>
    public static string? Backlog(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Backlog.Sum(r => r.Open) == 0)
        {
            return null;
        }

        var t = ReportText.For(report.Culture);
        var plot = NewPlot(t["Chart.Backlog.Title"], t);
        var palette = new ScottPlot.Palettes.Category10();
        var bins = BacklogRow.AgeBins.Count + 1;
        var stacked = new double[bins];
        var bars = new List<Bar>();
        for (var r = 0; r < report.Backlog.Count; r++)
        {
            var row = report.Backlog[r];
            for (var b = 0; b < bins; b++)
            {
                if (row.ByAge[b] > 0)
                {
                    bars.Add(new Bar { Position = b, ValueBase = stacked[b], Value = stacked[b] + row.ByAge[b], FillColor = palette.GetColor(r), Size = 0.7 });
                    stacked[b] += row.ByAge[b];
                }
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{row.Priority} ({t.Count(row.Open)})", FillColor = palette.GetColor(r) });
        }

        plot.Add.Bars(bars);
        var headers = t.Headers("backlog");
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, bins).Select(b => (double)b).ToArray(), Enumerable.Range(0, bins).Select(b => headers[b + 2]).ToArray());
        plot.Axes.SetLimits(-0.6, bins - 0.4, 0, Math.Max(1, stacked.Max()) * 1.1);
        plot.YLabel(t["Chart.Tickets"]);
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot);
    }

    /// <summary>The arrivals heatmap: tickets received per hour (columns) of each weekday (rows, Monday on top), darker for more.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without tickets.</returns>
    public static string? Arrivals(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var arrivals = report.Arrivals;
        if (arrivals.Total == 0)
        {
            return null;
        }

        var t = ReportText.For(report.Culture);
        var plot = NewPlot(t["Chart.Arrivals.Title"] + " · " + t.Format("Chart.Peak", t.Count(arrivals.Peak)), t);
        var peak = (double)arrivals.Peak;
        for (var day = 0; day < 7; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var count = arrivals.Counts[day][hour];
                // Rows top to bottom Monday to Sunday: row d spans y = 6 − d … 7 − d.
                var cell = plot.Add.Rectangle(hour, hour + 1, 6 - day, 7 - day);
                cell.FillColor = count == 0 ? Colors.White : Shade(count / peak);
                cell.LineColor = Color.FromHex("#d0d7de");
                cell.LineWidth = 0.5f;
            }
        }

        plot.Axes.Left.SetTicks(Enumerable.Range(0, 7).Select(d => 6.5 - d).ToArray(), Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(t.Weekday).ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, 12).Select(h => (h * 2) + 0.5).ToArray(), Enumerable.Range(0, 12).Select(h => (h * 2).ToString("00", t.Culture)).ToArray());
        plot.Axes.SetLimits(0, 24, 0, 7);
        plot.HideGrid();
        plot.XLabel(t["Chart.Hour"]);
        return Svg(plot);
    }

    /// <summary>A blue from light (a few arrivals) to dark (the peak): linear between #DEEBF7 and #08306B.</summary>
    private static Color Shade(double fraction)
    {
        static byte Mix(byte from, byte to, double f) => (byte)Math.Round(from + ((to - from) * f));
        var f = Math.Clamp(fraction, 0, 1);
        return new Color(Mix(0xDE, 0x08, f), Mix(0xEB, 0x30, f), Mix(0xF7, 0x6B, f));
    }

    private static string? Histogram(QualityReport report, IReadOnlyList<HistogramBin> bins, string title, double? targetHours, ReportText t)
    {
        if (bins.Count == 0)
        {
            return null;
        }

        var plot = NewPlot(title, t);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = bins.Select((b, i) => new Bar { Position = i, Value = b.Tickets, FillColor = palette.GetColor(0), Size = 0.9 }).ToList();
        plot.Add.Bars(bars);
        var width = bins[0].ToHours!.Value - bins[0].FromHours;
        if (targetHours is { } target)
        {
            var x = (target / width) - 0.5; // bin i spans i − 0.5 … i + 0.5
            var line = plot.Add.VerticalLine(x, 1.5f, palette.GetColor(3), LinePattern.Dashed);
            line.LegendText = t.Format("Chart.Target", t.Duration(target * 3600));
            plot.ShowLegend(Edge.Bottom);
        }

        // Every other tick when there are many bins: labels never overlap.
        var step = bins.Count > 8 ? 2 : 1;
        var ticks = bins.Select((b, i) => (b, i)).Where(p => p.i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(p => (double)p.i).ToArray(),
            ticks.Select(p => p.b.ToHours is null ? "≥ " + t.Duration(p.b.FromHours * 3600) : t.Duration(p.b.FromHours * 3600)).ToArray());
        plot.Axes.SetLimits(-0.6, Math.Max(bins.Count - 0.4, (targetHours ?? 0) / width), 0, bins.Max(b => b.Tickets) * 1.1);
        plot.YLabel(t["Chart.Tickets"]);
        return Svg(plot);
    }

    /// <summary>
    /// The plot as SVG. Skia's SVG writer turns glyphs back into characters through the font's character map, and
    /// a CJK font maps several characters to one glyph — a Kangxi radical and its ideograph (⾸ U+2F38 and 首 U+9996),
    /// or a traditional and a simplified form its region draws alike (戶 U+6236 and 户 U+6237 in an SC face) — so the
    /// SVG can hold a character the label did not. Each such character is put back: the label's own character with
    /// the same glyph (the plot's title, axis labels, ticks and legend are the labels), else its NFKC fold.
    /// </summary>
    private static string Svg(Plot plot)
    {
        var svg = plot.GetSvgXml(Width, Height);
        if (LazyChineseFont.IsValueCreated)
        {
            // The measured face first, then the CJK faces of other platforms.
            svg = svg.Replace($"font-family=\"{ChineseFont}\"", $"font-family=\"{ChineseFont}, Microsoft YaHei, PingFang SC, Hiragino Sans GB, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif\"", StringComparison.Ordinal);
        }

        // Skia clips the legend's rows to boxes measured from the Latin metrics; the taller CJK faces lose the
        // top of the first row. Groups that hold text are not clipped (text never spills out of the plot).
        svg = TextClip().Replace(svg, m => m.Groups[2].Value.Contains("<text", StringComparison.Ordinal) ? "<g>" + m.Groups[2].Value : m.Value);

        var labels = LabelCharacters(plot);
        if (!svg.Any(c => IsCompatibilityIdeograph(c) || (IsIdeograph(c) && !labels.Contains(c))))
        {
            return svg;
        }

        var byGlyph = new Dictionary<ushort, char>();
        using var typeface = LazyChineseFont.IsValueCreated ? SkiaSharp.SKTypeface.FromFamilyName(ChineseFont) : null;
        using var font = typeface is null ? null : new SkiaSharp.SKFont(typeface);
        ushort GlyphOf(char c) => font is null ? (ushort)0 : font.GetGlyphs(c.ToString()) is [var g] ? g : (ushort)0;
        foreach (var c in labels.Where(IsIdeograph))
        {
            if (GlyphOf(c) is var g and not 0)
            {
                byGlyph.TryAdd(g, c);
            }
        }

        var fixedSvg = new System.Text.StringBuilder(svg.Length);
        foreach (var c in svg)
        {
            if ((IsIdeograph(c) || IsCompatibilityIdeograph(c)) && !labels.Contains(c))
            {
                fixedSvg.Append(byGlyph.TryGetValue(GlyphOf(c), out var own) ? own.ToString() : IsCompatibilityIdeograph(c) ? Fold(c) : c.ToString());
            }
            else
            {
                fixedSvg.Append(c);
            }
        }

        return fixedSvg.ToString();
    }

    /// <summary>Every character of the plot's text: title, axis labels and tick labels, legend items.</summary>
    private static HashSet<char> LabelCharacters(Plot plot)
    {
        var texts = new List<string?> { plot.Axes.Title.Label.Text };
        foreach (var axis in plot.Axes.GetAxes())
        {
            texts.Add(axis.Label.Text);
            if (axis.TickGenerator is ScottPlot.TickGenerators.NumericManual manual)
            {
                texts.AddRange(manual.Ticks.Select(tick => tick.Label));
            }
        }

        texts.AddRange(plot.Legend.ManualItems.Select(item => item.LabelText));
        texts.AddRange(plot.GetPlottables().SelectMany(p => p.LegendItems).Select(item => item.LabelText));
        return texts.Where(t => t is not null).SelectMany(t => t!).ToHashSet();
    }

    private static bool IsIdeograph(char c) => c is (>= '\u3400' and <= '\u9FFF');

    private static string Fold(char c)
    {
        try
        {
            return c.ToString().Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (PlatformNotSupportedException)
        {
            return c.ToString(); // a host in globalization-invariant mode without normalization data keeps the look-alike
        }
    }

    private static bool IsCompatibilityIdeograph(char c) => c is (>= '\u2F00' and <= '\u2FDF') or (>= '\uF900' and <= '\uFAFF');

    private static Plot NewPlot(string title, ReportText text)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.Font.Set(text.IsChinese ? ChineseFont : "DejaVu Sans");
        plot.Legend.Padding = new PixelPadding(8, 8, 14, 6); // CJK faces stand taller than their measured line: room above the first row
        return plot;
    }

    /// <summary>
    /// The face ScottPlot measures Chinese labels with: the first installed CJK font (Noto Sans CJK SC from
    /// <c>fonts-noto-cjk</c> on Linux, Microsoft YaHei on Windows, PingFang SC on macOS). The SVG names the face and the
    /// page's CSS gives its full font stack, so the browser draws the glyphs with whatever CJK font it has.
    /// </summary>
    private static string ChineseFont => LazyChineseFont.Value;

    private static readonly Lazy<string> LazyChineseFont = new(() =>
    {
        foreach (var name in new[] { "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", "WenQuanYi Micro Hei" })
        {
            using var typeface = SkiaSharp.SKTypeface.FromFamilyName(name);
            if (typeface is not null && string.Equals(typeface.FamilyName, name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return Fonts.Detect("首次解决率");
    });

    private static double? TargetOf(QualityReport report, KpiMetric metric) =>
        report.MeasurementTable.FirstOrDefault(r => r.Metric == metric)?.Target.Value;

    /// <summary>A dashed horizontal line at a target, named in the legend (labels on the axis would overlap when targets are close).</summary>
    private static void TargetLine(Plot plot, double y, Color color, string label)
    {
        var line = plot.Add.HorizontalLine(y, 1.5f, color, LinePattern.Dashed);
        line.LegendText = label;
    }

    /// <summary>An axis range around values (targets included): 10 % of the spread as margin, clamped to the scale's bounds, at least 5 units wide.</summary>
    internal static (double Low, double High) Fit(IReadOnlyCollection<double> values, double floor, double ceiling)
    {
        if (values.Count == 0)
        {
            return (floor, ceiling);
        }

        double min = values.Min(), max = values.Max();
        var margin = Math.Max((max - min) * 0.1, 2.5);
        return (Math.Max(floor, Math.Floor(min - margin)), Math.Min(ceiling + 5, Math.Ceiling(max + margin)));
    }

    [GeneratedRegex("<g clip-path=\"url\\(#([^)]+)\\)\">((?:(?!</g>)[\\s\\S])*)")]
    private static partial Regex TextClip();

}
