using System.Globalization;
using System.Net;
using System.Text;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// Renders a <see cref="QualityReport"/> as one self-contained HTML file: styles inline, the
/// charts as inline SVG from an <see cref="IReportChartRenderer"/> (the <c>AfterSales.Quality.Reporting.Charts</c>
/// package's <c>ReportCharts.Renderer</c>; without one the page has no chart section and needs no native code), the
/// keywords as a cloud and a ranked list, no script and no external resource, so it opens offline and passes a strict
/// content security policy. Chart figures carry the ids of <see cref="ReportChartIds"/> (<c>chart-monthly-trend</c>,
/// <c>chart-teams</c>, <c>chart-problem-types</c>, <c>chart-first-response-histogram</c>, <c>chart-resolution-histogram</c>,
/// <c>chart-sla-breaches</c>, <c>chart-backlog</c> and <c>chart-arrivals</c>); the KPI tiles
/// (each with its sparkline) sit in <c>kpi-tiles</c> at the top; tables carry the id of their <see cref="ReportTable"/>. Thread-safe (stateless).
/// </summary>
public static class HtmlReportRenderer
{
    /// <summary>
    /// The page's font stack: Latin first, then a CJK face of each platform — Windows (Microsoft YaHei), macOS
    /// (PingFang SC, Hiragino Sans GB), Linux (Noto Sans CJK SC from Debian's <c>fonts-noto-cjk</c>, Source Han Sans SC,
    /// WenQuanYi Micro Hei) — then the generic families.
    /// </summary>
    public const string FontStack = "\"DejaVu Sans\",\"Segoe UI\",\"Helvetica Neue\",Arial,\"Microsoft YaHei\",\"PingFang SC\",\"Hiragino Sans GB\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",system-ui,sans-serif";

    private const string Style = """
        body{font-family:{FONTS};margin:2rem auto;max-width:1100px;color:#1b1f24;padding:0 1rem}
        h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
        .meta{color:#57606a}.note{color:#57606a;font-size:.9rem}
        table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.6rem 0}
        th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
        td.yes{color:#1a7f37;font-weight:600}td.no{color:#cf222e;font-weight:600}
        .charts{display:grid;grid-template-columns:1fr;gap:1rem}
        figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.5rem;background:#fff}
        figure svg{width:100%;height:auto}figcaption{font-size:.9rem;color:#57606a}
        .scope{font-weight:600}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.6rem;margin:1rem 0}
        .tile{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .7rem;background:#fff}
        .tile .name{font-size:.8rem;color:#57606a}.tile .value{font-size:1.5rem;font-weight:600}
        .tile .value.met{color:#1a7f37}.tile .value.missed{color:#cf222e}.tile .aim{font-size:.8rem;color:#57606a}
        .tile svg{display:block;margin-top:.3rem;width:100%;height:32px}
        .cloud{line-height:2.2rem;padding:.5rem 0}.cloud span{margin:0 .5rem;color:#0969da;white-space:nowrap}
        """;

    /// <summary>Renders a report without charts: tiles with their sparklines, every table and the keywords.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The HTML document.</returns>
    public static string Render(QualityReport report) => Render(report, charts: null);

    /// <summary>Renders a report with the charts a renderer draws.</summary>
    /// <param name="report">The report.</param>
    /// <param name="charts">Draws the charts (<c>ReportCharts.Renderer</c> of <c>AfterSales.Quality.Reporting.Charts</c>); null leaves the chart section out.</param>
    /// <returns>The HTML document.</returns>
    public static string Render(QualityReport report, IReportChartRenderer? charts)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = ReportText.For(report.Culture);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.Append("<html lang=\"").Append(E(t.HtmlLanguage)).AppendLine("\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.AppendLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        html.Append("<title>").Append(E(report.Title)).AppendLine("</title>");
        html.Append("<style>").Append(Style.Replace("{FONTS}", FontStack, StringComparison.Ordinal)).AppendLine("</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.Append("<h1>").Append(E(report.Title)).AppendLine("</h1>");
        html.Append("<p class=\"meta\">").Append(E(ReportMeta(report, t)));
        html.AppendLine("</p>");

        if (report.Scope is { } scope)
        {
            html.Append("<p class=\"scope\">").Append(E(t.Format("Report.Scope", scope))).AppendLine("</p>");
        }

        AppendTiles(html, report, t);
        var tables = ReportTables.Of(report).ToDictionary(t => t.Id);
        AppendTable(html, tables["kpi-measurement"], t, report.TableRows);
        AppendTable(html, tables["comparison"], t, report.TableRows);

        if (charts is not null)
        {
            html.Append("<h2>").Append(E(t["Report.Charts"])).AppendLine("</h2>");
            html.AppendLine("<div class=\"charts\">");
            foreach (var chart in ReportChartIds.All)
            {
                AppendChart(html, ReportChartIds.Of(chart), t[$"Chart.{chart}.Caption"], charts.Render(chart, report), t);
            }

            html.AppendLine("</div>");
        }

        foreach (var id in new[] { "monthly-trend", "teams", "problem-types", "top-problems", "handling-by-priority", "sla-breaches", "backlog", "arrivals", "correlations", "statistics", "improvement-plans", "revisits" })
        {
            AppendTable(html, tables[id], t, report.TableRows);
        }

        AppendKeywords(html, report, tables["keywords"], t);
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    /// <summary>The line under the title: when, zone, tickets and months.</summary>
    internal static string ReportMeta(QualityReport report, ReportText t)
    {
        var zone = NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(report.TimeZone) ?? NodaTime.DateTimeZone.Utc;
        var meta = t.Format("Report.Generated", t.Instant(report.GeneratedAt, zone), report.TimeZone, t.Count(report.Tickets));
        return report.FirstMonth is { } first && report.AnalysedMonth is { } last ? meta + " · " + t.Format("Report.Range", t.Month(first), t.Month(last)) : meta;
    }

    /// <summary>The KPI tiles: name, value (green when it meets its target, red when not), target, and the month-by-month sparkline.</summary>
    private static void AppendTiles(StringBuilder html, QualityReport report, ReportText t)
    {
        if (report.Tiles.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"tiles\" id=\"kpi-tiles\" aria-label=\"").Append(E(t["Report.Overview"])).AppendLine("\">");
        var months = report.MonthlyTrend;
        foreach (var tile in report.Tiles)
        {
            var state = tile.Met switch { true => " met", false => " missed", _ => "" };
            html.Append("<div class=\"tile\" data-kpi=\"").Append(E(tile.Name)).Append("\">");
            html.Append("<div class=\"name\">").Append(E(t.KpiName(tile.Kpi))).Append("</div>");
            html.Append("<div class=\"value").Append(state).Append("\">").Append(E(t.Kpi(tile.Kpi, tile.Value))).Append("</div>");
            html.Append("<div class=\"aim\">").Append(E(t.Format("Tiles.Target", t.Target(tile.Target)))).Append("</div>");
            if (ReportSvg.Sparkline(tile) is { } sparkline && months.Count > 0)
            {
                var label = t.Format("Tiles.Trend", t.Month(months[0].Month), t.Month(months[^1].Month));
                html.Append(sparkline.Replace("role=\"img\">", $"role=\"img\" aria-label=\"{E(label)}\"><title>{E(label)}</title>", StringComparison.Ordinal));
            }

            html.AppendLine("</div>");
        }

        html.AppendLine("</section>");
    }

    private static void AppendChart(StringBuilder html, string id, string caption, string? svg, ReportText t)
    {
        html.Append("<figure id=\"").Append(id).Append("\" aria-label=\"").Append(E(caption)).AppendLine("\">");
        html.AppendLine(svg is null ? $"<p class=\"note\">{E(t["Report.NoData"])}</p>" : ReportSvg.Inline(svg, id));
        html.Append("<figcaption>").Append(E(caption)).AppendLine("</figcaption>");
        html.AppendLine("</figure>");
    }

    private static void AppendTable(StringBuilder html, ReportTable table, ReportText t, int maxRows)
    {
        html.Append("<h2>").Append(E(table.Title)).AppendLine("</h2>");
        if (table.Note is { } note)
        {
            html.Append("<p class=\"note\">").Append(E(note)).AppendLine("</p>");
        }

        if (table.Rows.Count == 0)
        {
            html.Append("<p class=\"note\">").Append(E(t["Report.NoData"])).AppendLine("</p>");
            return;
        }

        html.Append("<table id=\"").Append(table.Id).AppendLine("\">");
        html.Append("<thead><tr>");
        foreach (var header in table.Headers)
        {
            html.Append("<th>").Append(E(header)).Append("</th>");
        }

        html.AppendLine("</tr></thead>");
        html.AppendLine("<tbody>");
        foreach (var row in table.Rows.Take(maxRows))
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append(cell == t.Yes ? "<td class=\"yes\">" : cell == t.No ? "<td class=\"no\">" : "<td>").Append(E(cell)).Append("</td>");
            }

            html.AppendLine("</tr>");
        }

        html.AppendLine("</tbody>");
        html.AppendLine("</table>");
        if (table.Rows.Count > maxRows)
        {
            html.Append("<p class=\"note more\">").Append(E(t.Format("Report.MoreRows", t.Count(table.Rows.Count - maxRows), table.Id))).AppendLine("</p>");
        }
    }

    private static void AppendKeywords(StringBuilder html, QualityReport report, ReportTable table, ReportText t)
    {
        html.Append("<h2>").Append(E(table.Title)).AppendLine("</h2>");
        html.Append("<p class=\"note\">").Append(E(table.Note ?? "")).AppendLine("</p>");
        if (report.Keywords.Count == 0)
        {
            html.Append("<p class=\"note\">").Append(E(t["Report.NoData"])).AppendLine("</p>");
            return;
        }

        var max = report.Keywords.Max(k => k.Count);
        var min = report.Keywords.Min(k => k.Count);
        html.AppendLine("<div class=\"cloud\" id=\"keyword-cloud\">");
        foreach (var keyword in report.Keywords.OrderBy(k => k.Keyword, StringComparer.Ordinal))
        {
            var size = max == min ? 1.4 : 0.9 + (1.6 * (keyword.Count - min) / (max - min));
            html.Append("<span style=\"font-size:").Append(size.ToString("0.00", CultureInfo.InvariantCulture)).Append("em\" title=\"")
                .Append(keyword.Count.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(E(keyword.Keyword)).AppendLine("</span>");
        }

        html.AppendLine("</div>");
        html.Append("<table id=\"").Append(table.Id).AppendLine("\">");
        html.Append("<thead><tr><th>").Append(E(t["Keywords.Rank"])).Append("</th><th>").Append(E(table.Headers[0])).Append("</th><th>").Append(E(table.Headers[1])).AppendLine("</th></tr></thead><tbody>");
        for (var i = 0; i < report.Keywords.Count; i++)
        {
            html.Append("<tr><td>").Append(t.Count(i + 1)).Append("</td><td>").Append(E(report.Keywords[i].Keyword)).Append("</td><td>")
                .Append(t.Count(report.Keywords[i].Count)).AppendLine("</td></tr>");
        }

        html.AppendLine("</tbody></table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
