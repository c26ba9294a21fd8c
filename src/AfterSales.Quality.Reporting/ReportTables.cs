using AfterSales.Quality.Kpi;

namespace AfterSales.Quality.Reporting;

/// <summary>One table of a report, formatted for people: what the Markdown, CSV and HTML renderers write.</summary>
/// <param name="Id">A stable identifier (also the CSV file name), e.g. <c>kpi-measurement</c>.</param>
/// <param name="Title">The section title.</param>
/// <param name="Headers">The column headers.</param>
/// <param name="Rows">The rows, each as many cells as there are headers.</param>
/// <param name="Note">A line explaining the table; null when none.</param>
public sealed record ReportTable(string Id, string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);

/// <summary>Formats a <see cref="QualityReport"/> into its tables, in reading order, in the report's language (<see cref="QualityReport.Culture"/>): titles, headers, notes and cells. The ids stay the same in every language. Thread-safe (stateless).</summary>
public static class ReportTables
{
    /// <summary>The tables of a report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The tables, in reading order.</returns>
    public static IReadOnlyList<ReportTable> Of(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = ReportText.For(report.Culture);
        var f = t.Percent;
        string Minutes(double? minutes) => minutes is { } m ? t.Duration(m * 60) : t.NotAvailable;
        string N(double? value) => t.Number(value, 1);
        ReportTable Table(string id, IEnumerable<IReadOnlyList<string>> rows, string? note = null) =>
            new(id, t[$"Table.{id}.Title"], t.Headers(id), rows.ToArray(), note);
        var benchmarks = report.Comparison.Any(c => c.Benchmark is not null) ? report.BenchmarkSource : t["Value.None"];
        var tables = new List<ReportTable>
        {
            Table("kpi-measurement",
                report.MeasurementTable.Select(r => Row(t.KpiName(r.Kpi), t.Formula(r.Kpi, r.Formula), t.Source(r.Source), t.Target(r.Target), t.Kpi(r.Kpi, r.Actual), t.YesNo(r.Met))),
                t["Table.kpi-measurement.Note"]),
            Table("comparison",
                report.Comparison.Select(r => Row(t.KpiName(r.Metric), t.Kpi(r.Metric, r.Current), t.Kpi(r.Metric, r.Previous), t.Change(r.Metric, r.Change),
                    r.Benchmark is null ? "-" : t.Kpi(r.Metric, r.Benchmark), r.Benchmark is null ? "-" : t.Change(r.Metric, r.GapToBenchmark), t.YesNo(r.Improved), t.YesNo(r.BeatsBenchmark))),
                report.AnalysedMonth is { } m ? t.Format("Table.comparison.Note", t.Month(m), benchmarks) : null),
            Table("monthly-trend",
                report.MonthlyTrend.Select(r => Row(t.Month(r.Month), t.Count(r.Tickets), Minutes(r.FirstResponseMinutes),
                    f(r.FirstContactResolution), f(r.ResolutionRate), t.Number(r.CsatMean, 2), f(r.CsatSatisfiedShare), t.Kpi(KpiMetric.NetPromoterScore, r.NetPromoterScore), f(r.ComplaintRate), f(r.ResolutionSlaAttainment)))),
            Table("teams",
                report.Teams.Select(r => Row(r.Team, t.Count(r.Tickets), Minutes(r.FirstResponseMinutes), f(r.FirstContactResolution), f(r.ResolutionRate), f(r.CsatSatisfiedShare), f(r.ResolutionSlaAttainment)))),
            Table("problem-types",
                report.ProblemTypes.Select(r => Row(r.Name, t.Count(r.Tickets), f(r.Share)))),
            Table("top-problems",
                report.TopProblems.Select(p => Row(t.Count(p.Rank), p.Name, t.Count(p.Tickets), t.Count(p.ConsecutivePeriods), t.YesNo(p.Persistent))),
                t["Table.top-problems.Note"]),
            Table("handling-by-priority",
                report.HandlingByPriority.Select(r => Row(r.Priority, t.Count(r.Tickets), t.Count(r.Resolved), r.MeanHandlingHours is { } h ? t.Duration(h * 3600) : t.NotAvailable,
                    r.ResolutionTargetHours is { } target ? t.Format("Value.Working", t.Duration(target * 3600)) : t["Value.None"], f(r.ResolutionSlaAttainment))),
                t["Table.handling-by-priority.Note"]),
            Table("sla-breaches",
                report.SlaBreachTrend.Select(r => Row(t.Month(r.Month), t.Count(r.FirstResponseDue), t.Count(r.FirstResponseBreached), f(r.FirstResponseBreachRate),
                    t.Count(r.ResolutionDue), t.Count(r.ResolutionBreached), f(r.ResolutionBreachRate))),
                t["Table.sla-breaches.Note"]),
            Table("backlog",
                report.Backlog.Select(r => Row([r.Priority, t.Count(r.Open), .. r.ByAge.Select(t.Count), t.Duration(r.OldestDays * 86_400)])),
                t["Table.backlog.Note"]),
            Table("arrivals",
                report.Arrivals.Total == 0 ? [] : report.Arrivals.Counts.Select((hours, d) => Row([t.Weekday((NodaTime.IsoDayOfWeek)(d + 1)), .. hours.Select(t.Count), t.Count(hours.Sum())])),
                t["Table.arrivals.Note"]),
            Table("correlations",
                report.Correlations.Select(c => Row(c.Name, t.Count(c.Pairs), t.Number(c.Coefficient, 3))),
                t["Table.correlations.Note"]),
            Table("statistics",
                report.Statistics.Select(s => Row(s.Measure, t.Count(s.Statistics.Count), N(s.Statistics.Mean), N(s.Statistics.StandardDeviation), N(s.Statistics.Min), N(s.Statistics.P25), N(s.Statistics.Median),
                    N(s.Statistics.P75), N(s.Statistics.P90), N(s.Statistics.P95), N(s.Statistics.Max)))),
            Table("improvement-plans",
                report.ImprovementPlans.Select(p => Row(p.Number, p.Title, string.Join(", ", p.FeedbackNumbers), p.RootCause, p.Department, p.Owner, t.Date(p.PlannedStart), t.Date(p.PlannedFinish),
                    t.Date(p.ActualFinish), t.Status(p.Status), t.YesNo(p.DoneOnTime), t.Count(p.DelayRequests))),
                t.Format("Table.improvement-plans.Note", report.ImprovementCompletion.DoneOnTime, report.ImprovementCompletion.Due, t.Percent(report.ImprovementCompletion.Rate))),
            Table("revisits",
                report.Revisits.Select(r => Row(r.RevisitNumber, r.FeedbackNumber, t.DateTime(r.RevisitedAt), t.Method(r.Method), t.YesNo(r.Resolved), r.Score?.ToString(t.Culture) ?? "-", r.Suggestions ?? "")),
                t["Table.revisits.Note"]),
            Table("keywords",
                report.Keywords.Select(k => Row(k.Keyword, t.Count(k.Count))),
                t[report.FreeText is null ? "Table.keywords.NotRead" : "Table.keywords.Note"]),
        };
        return tables;
    }

    private static IReadOnlyList<string> Row(params string[] cells) => cells;
}
