using System.Globalization;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Kpi.Analysis;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Sla;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.Reporting;

/// <summary>What a <see cref="QualityReport"/> shows and measures against. Validated by <see cref="Validate"/>.</summary>
public sealed record QualityReportOptions
{
    /// <summary>The report's title; null (the default) takes the language's own ("After-sales quality report", "售后服务质量报告").</summary>
    public string? Title { get; init; }

    /// <summary>
    /// The report's language: every heading, label, KPI name, formula, chart text and note, and the formats of
    /// dates, numbers and percentages. <c>zh-CN</c> (the guides' terms: 首次响应时间, 首次解决率, 客户满意度, 净推荐值 …)
    /// and English ship; other cultures read English words with their own number format. Null (the default)
    /// takes <see cref="CultureInfo.CurrentUICulture"/> when the report is built.
    /// </summary>
    public CultureInfo? Culture { get; init; }

    /// <summary>
    /// The zone months and dates are taken in; null (the default) takes the service desk's zone: the
    /// projection's (<see cref="TicketFactProjection"/>'s <c>Facts.TimeZone</c>) when one is passed, else the
    /// zone of the policies' <c>default</c> calendar (the desk's business calendar), else UTC.
    /// </summary>
    public DateTimeZone? TimeZone { get; init; }

    /// <summary>The rows of the KPI measurement table: the guides' targets by default.</summary>
    public IReadOnlyList<KpiTarget> Targets { get; init; } = DefaultTargets;

    /// <summary>Benchmark values (industry or company references) by KPI, in the KPI's unit. Default <see cref="GuideBenchmarks"/>, the guides' industry averages.</summary>
    public IReadOnlyDictionary<KpiMetric, double> Benchmarks { get; init; } = GuideBenchmarks;

    /// <summary>Where the benchmarks come from, shown under the comparison table; null (the default) names the guides' industry averages in the report's language.</summary>
    public string? BenchmarkSource { get; init; }

    /// <summary>
    /// The industry averages the guides quote, in the KPI's unit: first response time 60 s (guide 002: "行业平均首次响应时长为60秒").
    /// The guides quote no other industry average; pass your own (or an empty map) in <see cref="Benchmarks"/>.
    /// </summary>
    public static IReadOnlyDictionary<KpiMetric, double> GuideBenchmarks { get; } = new Dictionary<KpiMetric, double> { [KpiMetric.FirstResponseTime] = 60 };

    /// <summary>How many rows the HTML and Markdown show of a long table (revisits, improvement plans, statistics …) before "N more rows in the CSV"; the CSV always has them all. Default 20.</summary>
    public int TableRows { get; init; } = 20;

    /// <summary>The KPIs compared month over month. Default: every KPI of the measurement table.</summary>
    public IReadOnlyList<KpiMetric>? ComparedMetrics { get; init; }

    /// <summary>How many problems a month's top holds. Default 5.</summary>
    public int TopProblems { get; init; } = 5;

    /// <summary>Months in a row in the top that flag a problem as persistent. Default 3.</summary>
    public int ConsecutiveMonths { get; init; } = 3;

    /// <summary>The dimensions that name a problem. Default category and product.</summary>
    public FactDimension ProblemDimensions { get; init; } = FactDimension.Category | FactDimension.Product;

    /// <summary>How many keywords of feedback text to show. Default 30.</summary>
    public int Keywords { get; init; } = 30;

    /// <summary>Words the keyword list never counts (<see cref="KeywordOptions.StopWords"/>). Default <see cref="KeywordExtractor.ServiceStopWords"/>, both languages.</summary>
    public IReadOnlyCollection<string> KeywordStopWords { get; init; } = KeywordExtractor.ServiceStopWords;

    /// <summary>Text the desk's own templates produce, cut out of feedback text before keywords are counted (<see cref="KeywordOptions.IgnoredText"/>), e.g. <c>"Customer reports a problem with"</c>. None by default.</summary>
    public IReadOnlyList<string> KeywordIgnoredText { get; init; } = [];

    /// <summary>How many revisits the report holds, newest first (the HTML and Markdown show <see cref="TableRows"/> of them, the CSV all). Default 100000.</summary>
    public int RevisitRows { get; init; } = 100_000;

    /// <summary>The guides' targets: FRT ≤ 2 h, FCR ≥ 85 %, resolution rate ≥ 95 %, CSAT satisfied ≥ 90 %, complaint rate ≤ 1 %, FRT SLA ≥ 95 %, resolution SLA ≥ 90 %, reopen rate ≤ 5 %, revisit on time ≥ 95 %.</summary>
    public static IReadOnlyList<KpiTarget> DefaultTargets => KpiDefinitions.DefaultTargets;

    /// <summary>Checks every setting and names each bad one.</summary>
    /// <exception cref="QualityValidationException">A setting is invalid; every problem is listed.</exception>
    public void Validate()
    {
        var errors = new List<ValidationError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(new ValidationError(field, message));
            }
        }

        Check(Title is null || !string.IsNullOrWhiteSpace(Title), nameof(Title), "must not be blank (null takes the language's own title)");
        Check(Targets is not null, nameof(Targets), "must be set");
        for (var i = 0; Targets is not null && i < Targets.Count; i++)
        {
            var target = Targets[i];
            Check(target is not null && target.Kpi is not null && Enum.IsDefined(target.Direction) && double.IsFinite(target.Value), $"{nameof(Targets)}[{i}]", "must name a KPI, a direction and a finite value");
        }

        Check(Benchmarks is not null && Benchmarks.All(kv => Enum.IsDefined(kv.Key) && double.IsFinite(kv.Value)), nameof(Benchmarks), "must map KPIs to finite values");
        Check(ComparedMetrics is null || ComparedMetrics.All(Enum.IsDefined), nameof(ComparedMetrics), "must list KPIs");
        Check(TopProblems is >= 1 and <= 100, nameof(TopProblems), $"must be between 1 and 100; it was {TopProblems}");
        Check(ConsecutiveMonths is >= 1 and <= 24, nameof(ConsecutiveMonths), $"must be between 1 and 24; it was {ConsecutiveMonths}");
        Check(ProblemDimensions != FactDimension.None && (ProblemDimensions & ~(FactDimension)127) == 0, nameof(ProblemDimensions), $"must name one or more dimensions; it was {ProblemDimensions}");
        Check(Keywords is >= 0 and <= 500, nameof(Keywords), $"must be between 0 and 500; it was {Keywords}");
        Check(KeywordStopWords is not null && KeywordStopWords.All(w => w is not null), nameof(KeywordStopWords), "must be set and hold no null word");
        Check(KeywordIgnoredText is not null && KeywordIgnoredText.All(t => !string.IsNullOrWhiteSpace(t)), nameof(KeywordIgnoredText), "must be set and hold no blank text");
        Check(BenchmarkSource is null || !string.IsNullOrWhiteSpace(BenchmarkSource), nameof(BenchmarkSource), "must not be blank (null names the guides' averages)");
        Check(TableRows is >= 1 and <= 100_000, nameof(TableRows), $"must be between 1 and 100000; it was {TableRows}");
        Check(RevisitRows is >= 0 and <= 100_000, nameof(RevisitRows), $"must be between 0 and 100000; it was {RevisitRows}");
        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(QualityReportOptions), errors);
        }
    }
}

/// <summary>
/// Builds the <see cref="QualityReport"/> from a ticket store: the KPI facts (through a
/// <see cref="TicketFactProjection"/>), the revisits and the feedback text (from the feed), and the
/// improvement plans. Thread-safe (stateless).
/// </summary>
public static class QualityReportBuilder
{
    private static readonly KpiMetric[] AllMetrics = Enum.GetValues<KpiMetric>();

    /// <summary>Builds a report of every ticket in a store.</summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="policies">The SLA policies tickets are measured against.</param>
    /// <param name="plans">The improvement plans to track.</param>
    /// <param name="now">The report's instant: open clocks are read at it, plan statuses taken on its local date.</param>
    /// <param name="options">What to show; defaults when null.</param>
    /// <param name="projection">A projection of the same store to reuse (it is refreshed to <paramref name="now"/>); a new one when null.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The report.</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public static async Task<QualityReport> BuildAsync(ITicketStore store, SlaPolicySet policies, IEnumerable<ImprovementPlan> plans, Instant now, QualityReportOptions? options = null, TicketFactProjection? projection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(plans);
        options ??= new QualityReportOptions();
        options.Validate();
        var planList = plans.ToArray();
        for (var i = 0; i < planList.Length; i++)
        {
            if (planList[i] is null)
            {
                throw new ArgumentException($"plans[{i}]: must not be null.", nameof(plans));
            }
        }

        var zone = options.TimeZone ?? projection?.Facts.TimeZone
            ?? (policies.Calendars.TryGetValue(SlaPolicySet.DefaultCalendarName, out var desk) && desk is not null ? desk.Zone : DateTimeZone.Utc);
        projection ??= new TicketFactProjection(store, policies, timeZone: zone);
        await projection.RefreshAsync(now, cancellationToken).ConfigureAwait(false);
        var facts = projection.Facts;
        var dimensions = projection.Dimensions;

        var overallAggregate = KpiEngine.Aggregate(facts, new KpiQuery { WithPercentiles = true }).SingleOrDefault()?.Aggregate ?? new KpiAggregate();
        var overall = overallAggregate.ToValues();
        var monthValues = KpiEngine.Aggregate(facts, new KpiQuery { Period = KpiPeriod.Month, TimeZone = zone }).ToDictionary(g => g.Key.PeriodStart!.Value, g => g.Values);
        var monthly = MonthlyTrend(monthValues);
        var analysed = monthly.LastOrDefault(m => m.Tickets > 0);
        KpiValues? current = analysed is null ? null : monthValues[analysed.Month];
        KpiValues? previous = analysed is null ? null : monthValues.GetValueOrDefault(analysed.Month.PlusMonths(-1));
        // A host's own KPIs are in the measurement table; the month-over-month comparison covers the guides' KPIs.
        var compared = options.ComparedMetrics ?? options.Targets.Where(t => t.Metric is not null).Select(t => t.Metric!.Value).Distinct().ToArray();

        var feed = await ReadFeedAsync(store, projection.Position, zone, cancellationToken).ConfigureAwait(false);
        var today = now.InZone(zone).Date;
        var culture = options.Culture ?? CultureInfo.CurrentUICulture;
        var text = ReportText.For(culture);
        return new QualityReport
        {
            Title = options.Title ?? text["Report.DefaultTitle"],
            Culture = culture,
            BenchmarkSource = options.BenchmarkSource ?? text["Report.GuideBenchmarks"],
            TableRows = options.TableRows,
            GeneratedAt = now,
            TimeZone = zone.Id,
            FirstMonth = monthly.FirstOrDefault()?.Month,
            AnalysedMonth = analysed?.Month,
            Tickets = facts.Count,
            MeasurementTable = KpiMeasurementTable.Build(overallAggregate, options.Targets),
            Comparison = current is null ? [] : KpiAnalysis.Compare(current, previous, options.Benchmarks, compared),
            MonthlyTrend = monthly,
            Teams = Teams(facts, dimensions, text),
            ProblemTypes = facts.Count == 0 ? [] : KpiAnalysis.Distribution(facts, dimensions, FactDimension.Category),
            TopProblems = KpiAnalysis.FrequentProblems(facts, dimensions, options.ProblemDimensions, options.TopProblems, options.ConsecutiveMonths, new KpiQuery { TimeZone = zone }).LastOrDefault()?.Problems ?? [],
            HandlingByPriority = HandlingByPriority(facts, dimensions, policies, text),
            Correlations =
            [
                Correlation(text["Correlation.FrtCsat"], KpiAnalysis.Correlate(facts, FactMeasure.FirstResponseSeconds, FactMeasure.Satisfaction)),
                Correlation(text["Correlation.FrtNps"], KpiAnalysis.Correlate(facts, FactMeasure.FirstResponseSeconds, FactMeasure.LikelihoodToRecommend)),
            ],
            Statistics =
            [
                Statistics(text["Statistics.FirstResponse"], KpiAnalysis.Describe(facts, FactMeasure.FirstResponseSeconds), 60),
                Statistics(text["Statistics.FirstResponseWorking"], KpiAnalysis.Describe(facts, FactMeasure.FirstResponseWorkingSeconds), 60),
                Statistics(text["Statistics.Handling"], KpiAnalysis.Describe(facts, FactMeasure.HandlingSeconds), 3600),
                Statistics(text["Statistics.ResolutionWorking"], KpiAnalysis.Describe(facts, FactMeasure.ResolutionWorkingSeconds), 3600),
                Statistics(text["Statistics.Csat"], KpiAnalysis.Describe(facts, FactMeasure.Satisfaction), 1),
                Statistics(text["Statistics.Recommend"], KpiAnalysis.Describe(facts, FactMeasure.LikelihoodToRecommend), 1),
                Statistics(text["Statistics.Effort"], KpiAnalysis.Describe(facts, FactMeasure.EffortScore), 1),
            ],
            FirstResponseHistogram = Histogram(facts, f => f.FirstResponseSeconds),
            ResolutionHistogram = Histogram(facts, f => f.ResolutionWorkingSeconds),
            ImprovementPlans = planList.OrderBy(p => p.Number, StringComparer.Ordinal).Select(p => new ImprovementPlanRow(
                p.Number, p.Title, p.LinkedFeedback.Select(f => f.FeedbackNumber).ToArray(), TextRedaction.Redact(p.RootCause)!, p.Department, p.Owner,
                p.PlannedStart, p.PlannedFinish, p.ActualFinish, p.StatusOn(today), p.DoneOnTime, p.DelayRequests.Count)).ToArray(),
            ImprovementCompletion = ImprovementVerification.Completion(planList, today),
            Revisits = feed.Revisits.OrderByDescending(r => r.RevisitedAt).ThenBy(r => r.RevisitNumber, StringComparer.Ordinal).Take(options.RevisitRows).ToArray(),
            Keywords = options.Keywords == 0 ? [] : KeywordExtractor.Extract(feed.Texts, new KeywordOptions { Top = options.Keywords, StopWords = options.KeywordStopWords, IgnoredText = options.KeywordIgnoredText }),
        };
    }

    /// <summary>
    /// Bins of a duration in hours: the bin width is the smallest of ¼, ½, 1, 2, 4, 8, 12, 24, 48, 96 or 168 h (else a twelfth) that covers the
    /// 95th percentile in at most 12 bins; longer durations go to an open-ended last bin.
    /// </summary>
    private static IReadOnlyList<HistogramBin> Histogram(FactTable facts, Func<TicketFact, int?> measure)
    {
        var hours = new List<double>();
        foreach (var fact in facts.Facts)
        {
            if (measure(fact) is { } seconds)
            {
                hours.Add(seconds / 3600.0);
            }
        }

        if (hours.Count == 0)
        {
            return [];
        }

        hours.Sort();
        var p95 = hours[(int)Math.Min(hours.Count - 1, Math.Ceiling(0.95 * hours.Count) - 1)];
        var width = new[] { 0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 96, 168 }.FirstOrDefault(w => p95 / w <= 12, Math.Ceiling(p95 / 12));
        var bins = Math.Max(1, (int)Math.Ceiling(p95 / width));
        var counts = new long[bins + 1];
        foreach (var h in hours)
        {
            counts[Math.Min(bins, (int)(h / width))]++;
        }

        var result = Enumerable.Range(0, bins).Select(i => new HistogramBin(i * width, (i + 1) * width, counts[i])).ToList();
        if (counts[bins] > 0)
        {
            result.Add(new HistogramBin(bins * width, null, counts[bins]));
        }

        return result;
    }

    private static IReadOnlyList<MonthlyKpiRow> MonthlyTrend(IReadOnlyDictionary<LocalDate, KpiValues> byMonth)
    {
        if (byMonth.Count == 0)
        {
            return [];
        }

        var rows = new List<MonthlyKpiRow>();
        var last = byMonth.Keys.Max();
        for (var month = byMonth.Keys.Min(); month <= last; month = month.PlusMonths(1))
        {
            var v = byMonth.GetValueOrDefault(month);
            rows.Add(new MonthlyKpiRow(month, v?.Tickets ?? 0, v?.FirstResponseMeanSeconds / 60, v?.FirstContactResolutionRate, v?.ResolutionRate, v?.CsatMean, v?.CsatSatisfiedShare, v?.NetPromoterScore, v?.ComplaintRate, v?.ResolutionSlaAttainment));
        }

        return rows;
    }

    private static IReadOnlyList<TeamKpiRow> Teams(FactTable facts, FactDimensions dimensions, ReportText text) =>
        KpiEngine.Aggregate(facts, new KpiQuery { GroupBy = FactDimension.Team })
            .Where(g => g.Values.Tickets > 0)
            .Select(g => (Name: text.Group(g.Label(FactDimension.Team, dimensions)!, "Value.Unassigned"), g.Values))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new TeamKpiRow(t.Name, t.Values.Tickets, t.Values.FirstResponseMeanSeconds / 60, t.Values.FirstContactResolutionRate, t.Values.ResolutionRate, t.Values.CsatSatisfiedShare, t.Values.ResolutionSlaAttainment))
            .ToArray();

    private static IReadOnlyList<PriorityHandlingRow> HandlingByPriority(FactTable facts, FactDimensions dimensions, SlaPolicySet policies, ReportText text) =>
        KpiEngine.Aggregate(facts, new KpiQuery { GroupBy = FactDimension.Priority })
            .OrderBy(g => g.Key.Priority)
            .Select(g =>
            {
                var name = text.Group(g.Label(FactDimension.Priority, dimensions)!, "Value.Untriaged");
                double? target = g.Key.TicketPriority is { } priority ? ResolutionTarget(policies, priority)?.TotalHours : null;
                return new PriorityHandlingRow(name, g.Values.Tickets, g.Aggregate.Resolved, g.Values.HandlingMeanSeconds / 3600, target, g.Values.ResolutionSlaAttainment);
            })
            .ToArray();

    /// <summary>The resolution target a plain ticket of a priority gets: the first policy with no condition but (at most) the priority that sets one.</summary>
    private static Duration? ResolutionTarget(SlaPolicySet policies, Priority priority)
    {
        foreach (var policy in policies.Policies)
        {
            if ((policy.Priorities.Count == 0 || policy.Priorities.Contains(priority)) && policy.Categories.Count == 0 && policy.Channels.Count == 0 && policy.CustomerSegments.Count == 0
                && policy.Targets.FirstOrDefault(t => t.Kind == SlaTargetKind.Resolution) is { } target)
            {
                return target.Duration;
            }
        }

        return null;
    }

    private static CorrelationRow Correlation(string name, PearsonCorrelation correlation) => new(name, correlation.Count, correlation.Coefficient);

    private static StatisticsRow Statistics(string measure, DescriptiveStatistics s, double unit) =>
        new(measure, s with { Mean = s.Mean / unit, StandardDeviation = s.StandardDeviation / unit, Min = s.Min / unit, P25 = s.P25 / unit, Median = s.Median / unit, P75 = s.P75 / unit, P90 = s.P90 / unit, P95 = s.P95 / unit, Max = s.Max / unit });

    private static async Task<(List<RevisitRow> Revisits, List<string> Texts)> ReadFeedAsync(ITicketStore store, long upTo, DateTimeZone zone, CancellationToken cancellationToken)
    {
        var feedbackNumbers = new Dictionary<TicketId, string>();
        var revisits = new List<RevisitRow>();
        var texts = new List<string>();
        await foreach (var recorded in store.ReadFeedAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Position > upTo)
            {
                break;
            }

            switch (recorded.Event)
            {
                case TicketRegistered registered:
                    feedbackNumbers[registered.TicketId] = registered.FeedbackNumber;
                    AddText(texts, registered.Intake.Description);
                    break;
                case RevisitRecorded revisit:
                    var suggestions = TextRedaction.Redact(revisit.Suggestions);
                    revisits.Add(new RevisitRow(revisit.RevisitNumber, feedbackNumbers.GetValueOrDefault(revisit.TicketId, "?"), revisit.OccurredAt.InZone(zone).LocalDateTime, revisit.Method, revisit.Resolved, revisit.Score, suggestions));
                    AddText(texts, suggestions);
                    break;
                case SurveyAnswered survey:
                    AddText(texts, TextRedaction.Redact(survey.Answers.Suggestion));
                    break;
            }
        }

        return (revisits, texts);
    }

    private static void AddText(List<string> texts, string? text)
    {
        if (!string.IsNullOrWhiteSpace(text) && text != PersonalDataErased.Placeholder)
        {
            texts.Add(TextRedaction.Redact(text)!);
        }
    }
}
