using System.Text.RegularExpressions;
using ScottPlot;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// The charts of a <see cref="QualityReport"/>, drawn with ScottPlot and exported as SVG: a line
/// chart of the monthly trend, a bar chart comparing teams, a pie chart of problem types. Each
/// method returns null when the report has nothing to draw. Thread-safe (a plot per call).
/// </summary>
public static partial class ReportCharts
{
    private const int Width = 760;
    private const int Height = 380;

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

        var plot = NewPlot("Monthly trend");
        var palette = new ScottPlot.Palettes.Category10();
        (string Label, Func<MonthlyKpiRow, double?> Value)[] series =
        [
            ("FCR %", m => m.FirstContactResolution),
            ("CSAT satisfied %", m => m.CsatSatisfiedShare),
            ("Resolution SLA %", m => m.ResolutionSlaAttainment),
        ];
        for (var s = 0; s < series.Length; s++)
        {
            var points = months.Select((m, i) => (X: (double)i, Y: series[s].Value(m))).Where(p => p.Y is not null).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value * 100).ToArray(), palette.GetColor(s));
            line.LegendText = series[s].Label;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }

        plot.Axes.Bottom.SetTicks(months.Select((_, i) => (double)i).ToArray(), months.Select(m => ReportFormat.Month(m.Month)).ToArray());
        plot.Axes.SetLimits(-0.5, months.Count - 0.5, 0, 105);
        plot.YLabel("%");
        plot.ShowLegend(Alignment.LowerLeft);
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>The teams compared: FCR and CSAT satisfied share in per cent, side by side per team.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without teams.</returns>
    public static string? Teams(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var teams = report.Teams;
        if (teams.Count == 0)
        {
            return null;
        }

        var plot = NewPlot("Team comparison");
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var i = 0; i < teams.Count; i++)
        {
            bars.Add(new Bar { Position = (i * 3) + 0.5, Value = (teams[i].FirstContactResolution ?? 0) * 100, FillColor = palette.GetColor(0), Size = 1 });
            bars.Add(new Bar { Position = (i * 3) + 1.5, Value = (teams[i].CsatSatisfiedShare ?? 0) * 100, FillColor = palette.GetColor(1), Size = 1 });
        }

        plot.Add.Bars(bars);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "FCR %", FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "CSAT satisfied %", FillColor = palette.GetColor(1) });
        plot.Axes.Bottom.SetTicks(teams.Select((_, i) => (i * 3) + 1.0).ToArray(), teams.Select(t => t.Team).ToArray());
        plot.Axes.SetLimits(-0.5, (teams.Count * 3) - 0.5, 0, 105);
        plot.YLabel("%");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>The problem types as a pie, one slice per type with its share.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The SVG document, or null without tickets.</returns>
    public static string? ProblemTypes(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var types = report.ProblemTypes.Where(t => t.Tickets > 0).ToArray();
        if (types.Length == 0)
        {
            return null;
        }

        var plot = NewPlot("Problem types");
        var palette = new ScottPlot.Palettes.Category10();
        var slices = types.Select((t, i) => new PieSlice
        {
            Value = t.Tickets,
            FillColor = palette.GetColor(i),
            Label = ReportFormat.Percent(t.Share),
            LegendText = $"{t.Name} ({t.Tickets})",
        }).ToList();
        var pie = plot.Add.Pie(slices);
        pie.SliceLabelDistance = 0.7;
        pie.LineColor = Colors.White;
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>
    /// Prepares an SVG document to sit inline in an HTML page next to others: drops the XML
    /// declaration, turns the fixed size into a view box (so the chart scales with the page), and
    /// prefixes every id and id reference.
    /// </summary>
    /// <param name="svg">The SVG document.</param>
    /// <param name="prefix">A prefix unique in the page (letters, digits, dashes).</param>
    /// <returns>The SVG element.</returns>
    public static string Inline(string svg, string prefix)
    {
        ArgumentNullException.ThrowIfNull(svg);
        if (string.IsNullOrEmpty(prefix) || !SafePrefix().IsMatch(prefix))
        {
            throw new ArgumentException($"prefix: must be letters, digits and dashes; it was '{prefix}'.", nameof(prefix));
        }

        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        var element = start < 0 ? svg : svg[start..];
        element = RootSize().Replace(element, m => $"{m.Groups[1].Value} viewBox=\"0 0 {m.Groups[3].Value} {m.Groups[4].Value}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\"", 1);
        element = IdAttribute().Replace(element, m => $"id=\"{prefix}-{m.Groups[1].Value}\"");
        element = UrlReference().Replace(element, m => $"url(#{prefix}-{m.Groups[1].Value})");
        return HrefReference().Replace(element, m => $"{m.Groups[1].Value}=\"#{prefix}-{m.Groups[2].Value}\"");
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.Font.Set("DejaVu Sans");
        return plot;
    }

    [GeneratedRegex("^(<svg\\b[^>]*?)(\\s+)width=\"(\\d+(?:\\.\\d+)?)\"\\s+height=\"(\\d+(?:\\.\\d+)?)\"")]
    private static partial Regex RootSize();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]*$")]
    private static partial Regex SafePrefix();

    [GeneratedRegex("\\bid=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("url\\(#([^)]+)\\)")]
    private static partial Regex UrlReference();

    [GeneratedRegex("\\b((?:xlink:)?href)=\"#([^\"]+)\"")]
    private static partial Regex HrefReference();
}
