namespace AfterSales.Quality.Reporting;

/// <summary>
/// Draws the charts of a <see cref="QualityReport"/> for <see cref="HtmlReportRenderer"/>. The reporting package itself
/// draws no chart, so the tables, tiles and sparklines need no native code; <c>AfterSales.Quality.Reporting.Charts</c>
/// implements this with ScottPlot (SkiaSharp), and a host can implement it with any SVG library it already ships.
/// Implementations must be thread-safe: one renderer may draw several reports at once.
/// </summary>
public interface IReportChartRenderer
{
    /// <summary>Draws one chart of a report.</summary>
    /// <param name="chart">Which chart.</param>
    /// <param name="report">The report.</param>
    /// <returns>An SVG document (the page inlines it: <see cref="ReportSvg.Inline"/>), or null when the report has nothing to draw.</returns>
    string? Render(ReportChart chart, QualityReport report);
}
