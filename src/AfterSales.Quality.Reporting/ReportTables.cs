using System.Globalization;
using AfterSales.Quality.Kpi;

namespace AfterSales.Quality.Reporting;

/// <summary>One table of a report, formatted for people: what the Markdown, CSV and HTML renderers write.</summary>
/// <param name="Id">A stable identifier (also the CSV file name), e.g. <c>kpi-measurement</c>.</param>
/// <param name="Title">The section title.</param>
/// <param name="Headers">The column headers.</param>
/// <param name="Rows">The rows, each as many cells as there are headers.</param>
/// <param name="Note">A line explaining the table; null when none.</param>
public sealed record ReportTable(string Id, string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);

/// <summary>Formats a <see cref="QualityReport"/> into its tables, in reading order. Thread-safe (stateless).</summary>
public static class ReportTables
{
    /// <summary>The tables of a report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The tables, in reading order.</returns>
    public static IReadOnlyList<ReportTable> Of(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var f = ReportFormat.Percent;
        var tables = new List<ReportTable>
        {
            new("kpi-measurement", "KPI measurement table", ["metric", "formula", "source", "target", "actual", "met"],
                report.MeasurementTable.Select(r => Row(ReportFormat.Name(r.Kpi), r.Formula, r.Source, ReportFormat.Target(r.Target), ReportFormat.Kpi(r.Kpi, r.Actual), ReportFormat.YesNo(r.Met))).ToArray(),
                "All tickets of the report; SLA targets in working time on the policy's calendar."),
            new("comparison", "Month analysed against the previous month and the benchmark", ["metric", "this month", "previous month", "change", "benchmark", "gap to benchmark", "improved", "beats benchmark"],
                report.Comparison.Select(r => Row(ReportFormat.Name(r.Metric), ReportFormat.Kpi(r.Metric, r.Current), ReportFormat.Kpi(r.Metric, r.Previous), ReportFormat.Change(r.Metric, r.Change),
                    ReportFormat.Kpi(r.Metric, r.Benchmark), ReportFormat.Change(r.Metric, r.GapToBenchmark), ReportFormat.YesNo(r.Improved), ReportFormat.YesNo(r.BeatsBenchmark))).ToArray(),
                report.AnalysedMonth is { } m ? $"Month analysed: {ReportFormat.Month(m)}." : null),
            new("monthly-trend", "Monthly trend", ["month", "tickets", "FRT mean", "FCR", "resolution rate", "CSAT mean", "CSAT satisfied", "NPS", "complaint rate", "resolution SLA"],
                report.MonthlyTrend.Select(r => Row(ReportFormat.Month(r.Month), Count(r.Tickets), r.FirstResponseMinutes is { } frt ? ReportFormat.Duration(frt * 60) : ReportFormat.NotAvailable,
                    f(r.FirstContactResolution), f(r.ResolutionRate), ReportFormat.Number(r.CsatMean, 2), f(r.CsatSatisfiedShare), ReportFormat.Kpi(KpiMetric.NetPromoterScore, r.NetPromoterScore), f(r.ComplaintRate), f(r.ResolutionSlaAttainment))).ToArray()),
            new("teams", "Team comparison", ["team", "tickets", "FRT mean", "FCR", "resolution rate", "CSAT satisfied", "resolution SLA"],
                report.Teams.Select(r => Row(r.Team, Count(r.Tickets), r.FirstResponseMinutes is { } frt ? ReportFormat.Duration(frt * 60) : ReportFormat.NotAvailable, f(r.FirstContactResolution), f(r.ResolutionRate), f(r.CsatSatisfiedShare), f(r.ResolutionSlaAttainment))).ToArray()),
            new("problem-types", "Problem types", ["problem type", "tickets", "share"],
                report.ProblemTypes.Select(r => Row(r.Name, Count(r.Tickets), f(r.Share))).ToArray()),
            new("top-problems", "Most frequent problems of the month", ["rank", "problem", "tickets", "months in a row in the top", "persistent"],
                report.TopProblems.Select(p => Row(Count(p.Rank), p.Name, Count(p.Tickets), Count(p.ConsecutivePeriods), ReportFormat.YesNo(p.Persistent))).ToArray(),
                "Persistent: in the month's top for the configured number of months in a row (the guides: 3)."),
            new("handling-by-priority", "Handling time per priority against its SLA", ["priority", "tickets", "resolved", "mean handling", "resolution target", "resolution SLA attainment"],
                report.HandlingByPriority.Select(r => Row(r.Priority, Count(r.Tickets), Count(r.Resolved), r.MeanHandlingHours is { } h ? ReportFormat.Duration(h * 3600) : ReportFormat.NotAvailable,
                    r.ResolutionTargetHours is { } t ? ReportFormat.Duration(t * 3600) + " working" : "none", f(r.ResolutionSlaAttainment))).ToArray(),
                "Mean handling is wall-clock (resolved − accepted); attainment compares working time with the target."),
            new("correlations", "Correlations", ["measures", "pairs", "Pearson r"],
                report.Correlations.Select(c => Row(c.Name, Count(c.Pairs), ReportFormat.Number(c.Coefficient, 3))).ToArray(),
                "n/a: fewer than two pairs, or a measure that does not vary."),
            new("statistics", "Descriptive statistics", ["measure", "n", "mean", "std dev", "min", "p25", "median", "p75", "p90", "p95", "max"],
                report.Statistics.Select(s => Row(s.Measure, Count(s.Statistics.Count), N(s.Statistics.Mean), N(s.Statistics.StandardDeviation), N(s.Statistics.Min), N(s.Statistics.P25), N(s.Statistics.Median),
                    N(s.Statistics.P75), N(s.Statistics.P90), N(s.Statistics.P95), N(s.Statistics.Max))).ToArray()),
            new("improvement-plans", "Improvement plan tracking", ["plan", "title", "feedback", "root cause", "department", "owner", "planned start", "planned finish", "actual finish", "status", "done on time", "delay requests"],
                report.ImprovementPlans.Select(p => Row(p.Number, p.Title, string.Join(", ", p.FeedbackNumbers), p.RootCause, p.Department, p.Owner, ReportFormat.Date(p.PlannedStart), ReportFormat.Date(p.PlannedFinish),
                    ReportFormat.Date(p.ActualFinish), p.Status.ToString(), ReportFormat.YesNo(p.DoneOnTime), Count(p.DelayRequests))).ToArray(),
                $"Improvement completion: {report.ImprovementCompletion.DoneOnTime} of {report.ImprovementCompletion.Due} plans due done by their planned finish ({ReportFormat.Percent(report.ImprovementCompletion.Rate)})."),
            new("revisits", "Revisits", ["revisit", "feedback", "revisited at", "method", "resolved", "score", "suggestions"],
                report.Revisits.Select(r => Row(r.RevisitNumber, r.FeedbackNumber, ReportFormat.DateTime(r.RevisitedAt), r.Method.ToString(), ReportFormat.YesNo(r.Resolved), r.Score?.ToString(CultureInfo.InvariantCulture) ?? "-", r.Suggestions ?? "")).ToArray(),
                "Newest first; suggestions redacted."),
            new("keywords", "Keywords of customer feedback", ["keyword", "count"],
                report.Keywords.Select(k => Row(k.Keyword, Count(k.Count))).ToArray(),
                "Words of customer feedback: Chinese segmented into words (SmartCn), other scripts words of three or more letters; stop words of the service domain and template text left out; numbers never counted."),
        };
        return tables;
    }

    private static IReadOnlyList<string> Row(params string[] cells) => cells;

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string N(double? value) => ReportFormat.Number(value, 1);
}
