using System.Globalization;
using System.Text.Json.Serialization;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Kpi.Analysis;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Reporting;

/// <summary>
/// The after-sales quality report of the guides, as data: the KPI measurement table, the monthly
/// analysis, the improvement plan tracking table and the revisit table. Built by
/// <see cref="QualityReportBuilder"/>, rendered by <see cref="MarkdownReportRenderer"/>,
/// <see cref="CsvReportRenderer"/>, <see cref="JsonReportRenderer"/> and <see cref="HtmlReportRenderer"/>.
/// Holds no customer personal data: customers appear by feedback number only, free text is read only through the
/// personal-data guard (<see cref="QualityReportOptions.TextAccess"/>) and redacted (<see cref="TextRedaction"/>). Immutable.
/// </summary>
public sealed record QualityReport
{
    /// <summary>The report's title.</summary>
    public required string Title { get; init; }

    /// <summary>The report's language (<see cref="QualityReportOptions.Culture"/>): the renderers write its words and formats. Not in the JSON, which carries <see cref="Language"/>.</summary>
    [JsonIgnore]
    public CultureInfo Culture { get; init; } = CultureInfo.InvariantCulture;

    /// <summary>The name of <see cref="Culture"/>, e.g. <c>zh-CN</c>; <c>en</c> for the invariant culture.</summary>
    public string Language => Culture.Name.Length == 0 ? "en" : Culture.Name;

    /// <summary>Where the comparison's benchmarks come from (<see cref="QualityReportOptions.BenchmarkSource"/>).</summary>
    public string BenchmarkSource { get; init; } = "";

    /// <summary>How many rows the HTML and Markdown show of a long table (<see cref="QualityReportOptions.TableRows"/>); the CSV has them all.</summary>
    public int TableRows { get; init; } = 20;

    /// <summary>When the report was built (open SLA clocks are read at this instant).</summary>
    public required Instant GeneratedAt { get; init; }

    /// <summary>The IANA id of the time zone periods are taken in.</summary>
    public required string TimeZone { get; init; }

    /// <summary>What the report covers when it is narrowed (<see cref="QualityReportOptions.Filter"/>, <see cref="QualityReportBuilder.BuildPerGroupAsync"/>), in the report's language, e.g. "channel: Phone · priority: P0, P1"; null for every ticket of the store.</summary>
    public string? Scope { get; init; }

    /// <summary>The first day of the first month with tickets; null for an empty report.</summary>
    public LocalDate? FirstMonth { get; init; }

    /// <summary>The first day of the month analysed (the last month with tickets); null for an empty report.</summary>
    public LocalDate? AnalysedMonth { get; init; }

    /// <summary>Tickets in the report.</summary>
    public required long Tickets { get; init; }

    /// <summary>The tiles at the top of the report: one per KPI of the measurement table, its value, target and month-by-month trend (for the sparkline).</summary>
    public IReadOnlyList<KpiTile> Tiles { get; init; } = [];

    /// <summary>The KPI measurement table over all tickets: metric, formula, source, target, actual, met.</summary>
    public required IReadOnlyList<KpiMeasurementRow> MeasurementTable { get; init; }

    /// <summary>The analysed month against the previous month and the benchmarks.</summary>
    public required IReadOnlyList<KpiComparisonRow> Comparison { get; init; }

    /// <summary>The monthly trend of the main KPIs, one row per month, gaps included.</summary>
    public required IReadOnlyList<MonthlyKpiRow> MonthlyTrend { get; init; }

    /// <summary>The teams compared over the whole report.</summary>
    public required IReadOnlyList<TeamKpiRow> Teams { get; init; }

    /// <summary>The distribution of problem types (ticket categories) over the whole report.</summary>
    public required IReadOnlyList<DistributionRow> ProblemTypes { get; init; }

    /// <summary>The most frequent problems of the analysed month, each flagged when in the top for the configured months in a row.</summary>
    public required IReadOnlyList<FrequentProblem> TopProblems { get; init; }

    /// <summary>Mean handling time per priority against its resolution SLA.</summary>
    public required IReadOnlyList<PriorityHandlingRow> HandlingByPriority { get; init; }

    /// <summary>Correlations of first response time with satisfaction and likelihood to recommend.</summary>
    public required IReadOnlyList<CorrelationRow> Correlations { get; init; }

    /// <summary>Descriptive statistics of the time and score measures.</summary>
    public required IReadOnlyList<StatisticsRow> Statistics { get; init; }

    /// <summary>How long first responses took: tickets per bin of hours (wall clock), the last bin open-ended.</summary>
    public IReadOnlyList<HistogramBin> FirstResponseHistogram { get; init; } = [];

    /// <summary>How long resolutions took in working time: tickets per bin of hours, the last bin open-ended.</summary>
    public IReadOnlyList<HistogramBin> ResolutionHistogram { get; init; } = [];

    /// <summary>SLA breaches month by month (tickets received in the month): first response and resolution, due and breached.</summary>
    public IReadOnlyList<SlaBreachMonthRow> SlaBreachTrend { get; init; } = [];

    /// <summary>The backlog at the report's instant: open tickets (the open-work read model) by priority and age since received.</summary>
    public IReadOnlyList<BacklogRow> Backlog { get; init; } = [];

    /// <summary>When requests arrive: tickets received by weekday and hour of the day in the report's zone.</summary>
    public ArrivalHeatmap Arrivals { get; init; } = ArrivalHeatmap.Empty;

    /// <summary>The improvement plan tracking table.</summary>
    public required IReadOnlyList<ImprovementPlanRow> ImprovementPlans { get; init; }

    /// <summary>The improvement completion KPI (plans done by their planned finish / plans due).</summary>
    public required ImprovementCompletion ImprovementCompletion { get; init; }

    /// <summary>The revisit table, newest first (at most the configured number of rows).</summary>
    public required IReadOnlyList<RevisitRow> Revisits { get; init; }

    /// <summary>The most frequent keywords of customer feedback text (<see cref="KeywordExtractor"/>); empty when the report read no free text (<see cref="FreeText"/> null).</summary>
    public required IReadOnlyList<KeywordCount> Keywords { get; init; }

    /// <summary>How the report read feedback text through the personal-data guard (<see cref="QualityReportOptions.TextAccess"/>); null when it read none.</summary>
    public ReportFreeTextRead? FreeText { get; init; }
}

/// <summary>How a report read feedback text: who, why, under which audit access id, and for how many tickets.</summary>
/// <param name="AccessId">The access id of the audit records (one per ticket decided; none when no ticket had text).</param>
/// <param name="Reader">Who read (the reader's id).</param>
/// <param name="Purpose">Why, as recorded.</param>
/// <param name="TicketsRead">Tickets whose text the report used.</param>
/// <param name="TicketsWithheld">Tickets whose text the access policy withheld from the reader (left out of keywords and revisit suggestions).</param>
public sealed record ReportFreeTextRead(Guid AccessId, string Reader, string Purpose, int TicketsRead, int TicketsWithheld);

/// <summary>The main KPIs of one month.</summary>
/// <param name="Month">The first day of the month.</param>
/// <param name="Tickets">Tickets received in the month.</param>
/// <param name="FirstResponseMinutes">Mean first response time in minutes.</param>
/// <param name="FirstContactResolution">FCR rate (0–1).</param>
/// <param name="ResolutionRate">Resolution rate (0–1).</param>
/// <param name="CsatMean">CSAT mean (1–5).</param>
/// <param name="CsatSatisfiedShare">CSAT satisfied share (0–1).</param>
/// <param name="NetPromoterScore">NPS (−100 to 100).</param>
/// <param name="ComplaintRate">Complaint rate (0–1).</param>
/// <param name="ResolutionSlaAttainment">Resolution SLA attainment (0–1).</param>
public sealed record MonthlyKpiRow(LocalDate Month, long Tickets, double? FirstResponseMinutes, double? FirstContactResolution, double? ResolutionRate, double? CsatMean, double? CsatSatisfiedShare, double? NetPromoterScore, double? ComplaintRate, double? ResolutionSlaAttainment);

/// <summary>A KPI tile: the KPI's value over the report against its target, and its value month by month.</summary>
/// <param name="Kpi">The KPI.</param>
/// <param name="Target">Its target.</param>
/// <param name="Value">Its value over every ticket of the report (the measurement table's actual); null when undefined.</param>
/// <param name="Met">Whether the value meets the target; null when undefined.</param>
/// <param name="Trend">Its value in each month of <see cref="QualityReport.MonthlyTrend"/>, in order; null for a month where it is undefined.</param>
public sealed record KpiTile([property: JsonIgnore] KpiDefinition Kpi, KpiTarget Target, double? Value, bool? Met, IReadOnlyList<double?> Trend)
{
    /// <summary>The KPI's stable name (<see cref="KpiDefinition.Name"/>).</summary>
    public string Name => Kpi.Name;

    /// <summary>The built-in metric; null for a host's own KPI.</summary>
    public KpiMetric? Metric => Kpi.Metric;

    /// <summary>The unit of <see cref="Value"/> and <see cref="Trend"/>.</summary>
    public KpiUnit Unit => Kpi.Unit;
}

/// <summary>SLA breaches of the tickets received in one month.</summary>
/// <param name="Month">The first day of the month.</param>
/// <param name="FirstResponseDue">First responses measured against a target.</param>
/// <param name="FirstResponseBreached">Of those, the ones that missed it.</param>
/// <param name="ResolutionDue">Resolutions measured against a target (a ticket's first cycle).</param>
/// <param name="ResolutionBreached">Of those, the ones that missed it.</param>
public sealed record SlaBreachMonthRow(LocalDate Month, long FirstResponseDue, long FirstResponseBreached, long ResolutionDue, long ResolutionBreached)
{
    /// <summary>Breached first responses / first responses due; null when none was due.</summary>
    public double? FirstResponseBreachRate => FirstResponseDue == 0 ? null : (double)FirstResponseBreached / FirstResponseDue;

    /// <summary>Breached resolutions / resolutions due; null when none was due.</summary>
    public double? ResolutionBreachRate => ResolutionDue == 0 ? null : (double)ResolutionBreached / ResolutionDue;
}

/// <summary>Open tickets of one priority by age (the time since the customer's request was received, wall clock).</summary>
/// <param name="Priority">The priority (in the report's language "(not triaged)" before triage).</param>
/// <param name="Open">Open tickets of the priority.</param>
/// <param name="ByAge">Open tickets per age bin of <see cref="BacklogRow.AgeBins"/>, in order.</param>
/// <param name="OldestDays">The age of the oldest, in days.</param>
public sealed record BacklogRow(string Priority, long Open, IReadOnlyList<long> ByAge, double OldestDays)
{
    /// <summary>The upper bounds of the age bins in days (excluded): under 1 day, 1–3, 3–7, 7–30, and 30 days or more (the last bin).</summary>
    public static IReadOnlyList<int> AgeBins { get; } = [1, 3, 7, 30];
}

/// <summary>Tickets received by weekday and hour of the day.</summary>
/// <param name="Counts">Seven rows, Monday to Sunday (ISO order), of 24 counts each, hour 0 to 23.</param>
public sealed record ArrivalHeatmap(IReadOnlyList<IReadOnlyList<long>> Counts)
{
    /// <summary>A heatmap with no arrivals.</summary>
    public static ArrivalHeatmap Empty { get; } = new(Enumerable.Range(0, 7).Select(_ => (IReadOnlyList<long>)new long[24]).ToArray());

    /// <summary>Every arrival counted.</summary>
    public long Total => Counts.Sum(row => row.Sum());

    /// <summary>Arrivals in the busiest hour of the week.</summary>
    public long Peak => Counts.Max(row => row.Max());
}

/// <summary>One team's KPIs.</summary>
/// <param name="Team">The team (department; in the report's language "(unassigned)" for tickets without one).</param>
/// <param name="Tickets">Its tickets.</param>
/// <param name="FirstResponseMinutes">Mean first response time in minutes.</param>
/// <param name="FirstContactResolution">FCR rate (0–1).</param>
/// <param name="ResolutionRate">Resolution rate (0–1).</param>
/// <param name="CsatSatisfiedShare">CSAT satisfied share (0–1).</param>
/// <param name="ResolutionSlaAttainment">Resolution SLA attainment (0–1).</param>
public sealed record TeamKpiRow(string Team, long Tickets, double? FirstResponseMinutes, double? FirstContactResolution, double? ResolutionRate, double? CsatSatisfiedShare, double? ResolutionSlaAttainment);

/// <summary>Handling time of one priority against its resolution target.</summary>
/// <param name="Priority">The priority (in the report's language "(not triaged)" before triage).</param>
/// <param name="Tickets">Its tickets.</param>
/// <param name="Resolved">Its resolved tickets.</param>
/// <param name="MeanHandlingHours">Mean handling time (resolved − accepted, wall clock) in hours.</param>
/// <param name="ResolutionTargetHours">The resolution target of the policy for the priority, in working hours; null without one.</param>
/// <param name="ResolutionSlaAttainment">Resolutions within target / resolutions due (working time on the policy's calendar).</param>
public sealed record PriorityHandlingRow(string Priority, long Tickets, long Resolved, double? MeanHandlingHours, double? ResolutionTargetHours, double? ResolutionSlaAttainment);

/// <summary>A correlation of two measures.</summary>
/// <param name="Name">What is correlated, e.g. "FRT – CSAT".</param>
/// <param name="Pairs">Tickets with both measures.</param>
/// <param name="Coefficient">Pearson's r; null when undefined (fewer than two pairs, or a measure that does not vary).</param>
public sealed record CorrelationRow(string Name, long Pairs, double? Coefficient);

/// <summary>Descriptive statistics of one measure.</summary>
/// <param name="Measure">The measure and its unit, e.g. "first response (min)".</param>
/// <param name="Statistics">The statistics, in that unit.</param>
public sealed record StatisticsRow(string Measure, DescriptiveStatistics Statistics);

/// <summary>A row of the improvement plan tracking table.</summary>
/// <param name="Number">The plan number (IMP…).</param>
/// <param name="Title">Its title.</param>
/// <param name="FeedbackNumbers">The feedback numbers it answers.</param>
/// <param name="RootCause">Its root cause.</param>
/// <param name="Department">The responsible department.</param>
/// <param name="Owner">The owner.</param>
/// <param name="PlannedStart">Planned start.</param>
/// <param name="PlannedFinish">Planned finish (after approved delays).</param>
/// <param name="ActualFinish">Actual finish, when done.</param>
/// <param name="Status">The status on the report's date.</param>
/// <param name="DoneOnTime">Whether it was done by its original planned finish; null while not done.</param>
/// <param name="DelayRequests">How many delay requests it has.</param>
public sealed record ImprovementPlanRow(string Number, string Title, IReadOnlyList<string> FeedbackNumbers, string RootCause, string Department, string Owner, LocalDate PlannedStart, LocalDate PlannedFinish, LocalDate? ActualFinish, ImprovementPlanStatus Status, bool? DoneOnTime, int DelayRequests);

/// <summary>A row of the revisit table.</summary>
/// <param name="RevisitNumber">The revisit number (HV…).</param>
/// <param name="FeedbackNumber">The feedback number it belongs to.</param>
/// <param name="RevisitedAt">When the revisit was done, local time in the report's zone.</param>
/// <param name="Method">Phone or online.</param>
/// <param name="Resolved">Whether the customer said the problem is resolved.</param>
/// <param name="Score">The satisfaction score 1–5, when given.</param>
/// <param name="Suggestions">The customer's suggestions, redacted.</param>
public sealed record RevisitRow(string RevisitNumber, string FeedbackNumber, LocalDateTime RevisitedAt, RevisitMethod Method, bool? Resolved, int? Score, string? Suggestions);

/// <summary>One bin of a histogram of durations.</summary>
/// <param name="FromHours">Its lower bound in hours (included).</param>
/// <param name="ToHours">Its upper bound in hours (excluded); null for the open-ended last bin.</param>
/// <param name="Tickets">Tickets in the bin.</param>
public sealed record HistogramBin(double FromHours, double? ToHours, long Tickets);

/// <summary>A keyword of feedback text and how often it occurs.</summary>
/// <param name="Keyword">The keyword (a word; Chinese words as the segmenter finds them).</param>
/// <param name="Count">Occurrences.</param>
public sealed record KeywordCount(string Keyword, int Count);
