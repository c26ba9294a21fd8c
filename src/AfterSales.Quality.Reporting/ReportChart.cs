namespace AfterSales.Quality.Reporting;

/// <summary>
/// The charts of the HTML report, in the order the page shows them. A chart is drawn by an
/// <see cref="IReportChartRenderer"/> (the <c>AfterSales.Quality.Reporting.Charts</c> package draws them with
/// ScottPlot); its figure carries the id <see cref="ReportChartIds.Of"/> gives.
/// </summary>
public enum ReportChart
{
    /// <summary>FCR, CSAT satisfied share and resolution SLA attainment month by month (<c>chart-monthly-trend</c>).</summary>
    MonthlyTrend = 0,

    /// <summary>The teams compared (<c>chart-teams</c>).</summary>
    Teams = 1,

    /// <summary>The share of each problem type (<c>chart-problem-types</c>).</summary>
    ProblemTypes = 2,

    /// <summary>The distribution of first-response times against the target (<c>chart-first-response-histogram</c>).</summary>
    FirstResponseHistogram = 3,

    /// <summary>The distribution of resolution times against the target (<c>chart-resolution-histogram</c>).</summary>
    ResolutionHistogram = 4,

    /// <summary>SLA targets due and breached by month of receipt (<c>chart-sla-breaches</c>).</summary>
    SlaBreaches = 5,

    /// <summary>The open backlog by age and priority (<c>chart-backlog</c>).</summary>
    Backlog = 6,

    /// <summary>Arrivals by weekday and hour (<c>chart-arrivals</c>).</summary>
    Arrivals = 7,
}

/// <summary>The HTML ids of the <see cref="ReportChart"/> figures.</summary>
public static class ReportChartIds
{
    /// <summary>Every chart, in page order.</summary>
    public static IReadOnlyList<ReportChart> All { get; } = Enum.GetValues<ReportChart>();

    /// <summary>The id of a chart's figure in the HTML report (<c>chart-monthly-trend</c> …).</summary>
    /// <param name="chart">The chart.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined chart.</exception>
    public static string Of(ReportChart chart) => chart switch
    {
        ReportChart.MonthlyTrend => "chart-monthly-trend",
        ReportChart.Teams => "chart-teams",
        ReportChart.ProblemTypes => "chart-problem-types",
        ReportChart.FirstResponseHistogram => "chart-first-response-histogram",
        ReportChart.ResolutionHistogram => "chart-resolution-histogram",
        ReportChart.SlaBreaches => "chart-sla-breaches",
        ReportChart.Backlog => "chart-backlog",
        ReportChart.Arrivals => "chart-arrivals",
        _ => throw new ArgumentOutOfRangeException(nameof(chart), chart, "chart: not a defined ReportChart."),
    };
}
