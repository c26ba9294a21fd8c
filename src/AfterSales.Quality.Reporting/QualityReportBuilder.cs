using System.Globalization;
using AfterSales.Quality.FeedbackLoop;
using AfterSales.Quality.Kpi;
using AfterSales.Quality.Kpi.Analysis;
using AfterSales.Quality.Prioritization;
using AfterSales.Quality.ReadModels;
using AfterSales.Quality.Service;
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

    /// <summary>
    /// The tickets the report covers: null (the default) for every ticket of the store; a filter narrows it, e.g. to March, the phone
    /// channel and P0–P1 (<see cref="QualityReportFilter"/>). For one report per team, channel or product in one call, see
    /// <see cref="QualityReportBuilder.BuildPerGroupAsync"/>.
    /// </summary>
    public QualityReportFilter? Filter { get; init; }

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

    /// <summary>
    /// Who reads the feedback text the report needs — descriptions, revisit suggestions and survey comments, for the keyword
    /// list and the revisit table — and why: the text is read through <see cref="ReportTextAccess.Guard"/>, which decides per
    /// ticket with its access policy and records one audit record per ticket read (kind
    /// <see cref="PersonalDataAccessKind.Statistics"/>) before the report is returned. Null (the default): the report reads
    /// no free text — no keywords, no revisit suggestions — and says so under the keyword table; KPIs need no text.
    /// </summary>
    public ReportTextAccess? TextAccess { get; init; }

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
        Filter?.Validate(nameof(Filter), errors);
        TextAccess?.Validate(nameof(TextAccess), errors);
        if (errors.Count > 0)
        {
            throw new QualityValidationException(nameof(QualityReportOptions), errors);
        }
    }
}

/// <summary>
/// Who reads a report's feedback text and why (<see cref="QualityReportOptions.TextAccess"/>): the guard decides per ticket
/// and records every decision. Validated with the options.
/// </summary>
public sealed record ReportTextAccess
{
    /// <summary>The guard the text is read through (its policy decides, its audit records). Required.</summary>
    public required PersonalDataGuard Guard { get; init; }

    /// <summary>Who reads: the person the report is for, or the report job's service account (give it a role the policy allows). Required.</summary>
    public required Viewer Reader { get; init; }

    /// <summary>Why, recorded with every audit record; 1 to 200 characters, in clear, so no personal data. Default <c>quality report: feedback keywords and revisit suggestions</c>.</summary>
    public string Purpose { get; init; } = "quality report: feedback keywords and revisit suggestions";

    internal void Validate(string prefix, List<ValidationError> errors)
    {
        if (Guard is null)
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(Guard)}", "must be set"));
        }

        if (Reader is null || string.IsNullOrWhiteSpace(Reader.Id) || Reader.Id.Length > 200 || Reader.Roles is null)
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(Reader)}", "must be set: an id of 1 to 200 characters and a set of roles"));
        }

        if (string.IsNullOrWhiteSpace(Purpose) || Purpose.Length > 200)
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(Purpose)}", "must be 1 to 200 characters (recorded in the audit in clear)"));
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

    /// <summary>Builds a report of the tickets in a store (every ticket, or those of <see cref="QualityReportOptions.Filter"/>).</summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="policies">The SLA policies tickets are measured against.</param>
    /// <param name="plans">The improvement plans to track.</param>
    /// <param name="now">The report's instant: open clocks are read at it, plan statuses taken on its local date, the backlog aged to it.</param>
    /// <param name="options">What to show; defaults when null.</param>
    /// <param name="projection">A projection of the same store to reuse (it is refreshed to <paramref name="now"/>); a new one when null.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The report.</returns>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public static async Task<QualityReport> BuildAsync(ITicketStore store, SlaPolicySet policies, IEnumerable<ImprovementPlan> plans, Instant now, QualityReportOptions? options = null, TicketFactProjection? projection = null, CancellationToken cancellationToken = default)
    {
        var source = await ReportSource.ReadAsync(store, policies, plans, now, options, projection, cancellationToken).ConfigureAwait(false);
        var selection = source.Select(source.Options.Filter);
        await source.ReadTextAsync(selection, cancellationToken).ConfigureAwait(false);
        return Compose(source, selection, source.Describe(source.Options.Filter, null), source.Options.Filter?.Teams ?? []);
    }

    /// <summary>
    /// Builds one report per value of a dimension — per team, channel, product, category, priority, agent or customer segment — in one
    /// call: the store is read once, and each report holds the tickets of its value (within <see cref="QualityReportOptions.Filter"/>
    /// when one is set) with everything that happened to them. A value with no ticket gets no report.
    /// </summary>
    /// <param name="store">The ticket log.</param>
    /// <param name="policies">The SLA policies tickets are measured against.</param>
    /// <param name="plans">The improvement plans to track (each report lists those linked to its tickets).</param>
    /// <param name="now">The report's instant.</param>
    /// <param name="groupBy">One dimension, e.g. <see cref="FactDimension.Team"/>.</param>
    /// <param name="options">What to show; defaults when null.</param>
    /// <param name="projection">A projection of the same store to reuse; a new one when null.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The reports, ordered by value (ordinal), the group without a value (e.g. tickets not yet routed) last.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groupBy"/> is not exactly one dimension.</exception>
    /// <exception cref="QualityValidationException">The options are invalid.</exception>
    public static async Task<IReadOnlyList<QualityReportSection>> BuildPerGroupAsync(ITicketStore store, SlaPolicySet policies, IEnumerable<ImprovementPlan> plans, Instant now, FactDimension groupBy, QualityReportOptions? options = null, TicketFactProjection? projection = null, CancellationToken cancellationToken = default)
    {
        if (Array.IndexOf(ReportSource.SingleDimensions, groupBy) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, $"groupBy: must be exactly one dimension ({string.Join(", ", ReportSource.SingleDimensions)}); it was {groupBy}.");
        }

        var source = await ReportSource.ReadAsync(store, policies, plans, now, options, projection, cancellationToken).ConfigureAwait(false);
        var selection = source.Select(source.Options.Filter);
        await source.ReadTextAsync(selection, cancellationToken).ConfigureAwait(false);
        var facts = source.Facts.Facts;
        var codes = new SortedSet<int>();
        for (var row = 0; row < facts.Length; row++)
        {
            if (selection is null || selection[row])
            {
                codes.Add(ReportSource.CodeOf(facts[row], groupBy));
            }
        }

        var groups = codes.Select(code => (Code: code, Name: source.NameOf(groupBy, code)))
            .OrderBy(g => g.Name is null ? 1 : 0).ThenBy(g => g.Name, StringComparer.Ordinal).ToArray();
        var sections = new List<QualityReportSection>(groups.Length);
        foreach (var (code, name) in groups)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = new bool[facts.Length];
            for (var row = 0; row < facts.Length; row++)
            {
                rows[row] = (selection is null || selection[row]) && ReportSource.CodeOf(facts[row], groupBy) == code;
            }

            var teams = groupBy == FactDimension.Team && name is not null ? [.. source.Options.Filter?.Teams ?? [], name] : source.Options.Filter?.Teams ?? [];
            sections.Add(new QualityReportSection(name, Compose(source, rows, source.Describe(source.Options.Filter, (groupBy, name)), teams)));
        }

        return sections;
    }

    /// <summary>
    /// The report of the selected fact rows (all of them when <paramref name="selection"/> is null). A narrowed report lists the plans
    /// linked to its tickets and the plans of its <paramref name="teams"/> (the team owns them even without a linked ticket).
    /// </summary>
    private static QualityReport Compose(ReportSource source, bool[]? selection, string? scope, IReadOnlyList<string> teams)
    {
        var options = source.Options;
        var zone = source.Zone;
        var dimensions = source.Dimensions;
        var policies = source.Policies;
        var facts = source.Facts;
        if (selection is not null)
        {
            facts = new FactTable(Math.Max(16, selection.Count(s => s)), zone);
            var all = source.Facts.Facts;
            for (var row = 0; row < all.Length; row++)
            {
                if (selection[row])
                {
                    facts.Add(all[row]);
                }
            }
        }

        bool Selected(TicketId ticket) => source.IsSelected(selection, ticket);

        var overallAggregate = KpiEngine.Aggregate(facts, new KpiQuery { WithPercentiles = true }).SingleOrDefault()?.Aggregate ?? new KpiAggregate();
        var months = KpiEngine.Aggregate(facts, new KpiQuery { Period = KpiPeriod.Month, TimeZone = zone }).ToDictionary(g => g.Key.PeriodStart!.Value, g => g.Aggregate);
        var monthValues = months.ToDictionary(m => m.Key, m => m.Value.ToValues());
        var monthly = MonthlyTrend(monthValues);
        var analysed = monthly.LastOrDefault(m => m.Tickets > 0);
        KpiValues? current = analysed is null ? null : monthValues[analysed.Month];
        KpiValues? previous = analysed is null ? null : monthValues.GetValueOrDefault(analysed.Month.PlusMonths(-1));
        // A host's own KPIs are in the measurement table; the month-over-month comparison covers the guides' KPIs.
        var compared = options.ComparedMetrics ?? options.Targets.Where(t => t.Metric is not null).Select(t => t.Metric!.Value).Distinct().ToArray();
        var measurement = KpiMeasurementTable.Build(overallAggregate, options.Targets);

        var today = source.Now.InZone(zone).Date;
        var text = source.Text;
        var planList = selection is null ? source.Plans
            : source.Plans.Where(p => p.LinkedFeedback.Any(f => Selected(f.TicketId)) || teams.Contains(p.Department, StringComparer.Ordinal)).ToArray();
        return new QualityReport
        {
            Title = options.Title ?? text["Report.DefaultTitle"],
            Culture = source.Culture,
            Scope = scope,
            BenchmarkSource = options.BenchmarkSource ?? text["Report.GuideBenchmarks"],
            TableRows = options.TableRows,
            GeneratedAt = source.Now,
            TimeZone = zone.Id,
            FirstMonth = monthly.FirstOrDefault()?.Month,
            AnalysedMonth = analysed?.Month,
            Tickets = facts.Count,
            Tiles = Tiles(measurement, monthly, months),
            MeasurementTable = measurement,
            Comparison = current is null ? [] : KpiAnalysis.Compare(current, previous, options.Benchmarks, compared),
            MonthlyTrend = monthly,
            SlaBreachTrend = monthly.Select(m => months.TryGetValue(m.Month, out var a)
                ? new SlaBreachMonthRow(m.Month, a.FirstResponseSlaDue, a.FirstResponseSlaDue - a.FirstResponseSlaMet, a.ResolutionSlaDue, a.ResolutionSlaDue - a.ResolutionSlaMet)
                : new SlaBreachMonthRow(m.Month, 0, 0, 0, 0)).ToArray(),
            Teams = Teams(facts, dimensions, text),
            ProblemTypes = facts.Count == 0 ? [] : KpiAnalysis.Distribution(facts, dimensions, FactDimension.Category),
            TopProblems = KpiAnalysis.FrequentProblems(facts, dimensions, options.ProblemDimensions, options.TopProblems, options.ConsecutiveMonths, new KpiQuery { TimeZone = zone }).LastOrDefault()?.Problems ?? [],
            HandlingByPriority = HandlingByPriority(facts, dimensions, policies, text),
            Backlog = Backlog(source.OpenWork.Where(item => Selected(item.TicketId)), source.Now, text),
            Arrivals = Arrivals(facts, zone),
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
            Revisits = source.Revisits.Where(r => Selected(r.TicketId)).Select(r => r.Row)
                .OrderByDescending(r => r.RevisitedAt).ThenBy(r => r.RevisitNumber, StringComparer.Ordinal).Take(options.RevisitRows).ToArray(),
            FreeText = source.FreeText,
            Keywords = options.Keywords == 0 ? [] : KeywordExtractor.Extract(source.Texts.Where(t => Selected(t.TicketId)).Select(t => t.Text).ToArray(),
                new KeywordOptions { Top = options.Keywords, StopWords = options.KeywordStopWords, IgnoredText = options.KeywordIgnoredText }),
        };
    }

    /// <summary>A tile per KPI of the measurement table: its actual, target and month-by-month value.</summary>
    private static IReadOnlyList<KpiTile> Tiles(IReadOnlyList<KpiMeasurementRow> measurement, IReadOnlyList<MonthlyKpiRow> monthly, IReadOnlyDictionary<LocalDate, KpiAggregate> months) =>
        measurement.Select(row => new KpiTile(row.Kpi, row.Target, row.Actual, row.Met,
            monthly.Select(m => months.TryGetValue(m.Month, out var aggregate) ? row.Kpi.ValueOf(aggregate) : null).ToArray())).ToArray();

    /// <summary>Open tickets by priority (most urgent first, untriaged first of all) and age bin.</summary>
    private static IReadOnlyList<BacklogRow> Backlog(IEnumerable<OpenWorkItem> open, Instant now, ReportText text) =>
        open.GroupBy(item => item.Priority)
            .OrderBy(g => g.Key is null ? -1 : (int)g.Key.Value)
            .Select(g =>
            {
                var ages = g.Select(item => Math.Max(0, (now - item.ReceivedAt).TotalDays)).ToArray();
                var bins = new long[BacklogRow.AgeBins.Count + 1];
                foreach (var age in ages)
                {
                    var bin = 0;
                    while (bin < BacklogRow.AgeBins.Count && age >= BacklogRow.AgeBins[bin])
                    {
                        bin++;
                    }

                    bins[bin]++;
                }

                return new BacklogRow(g.Key?.ToString() ?? text["Value.Untriaged"], ages.Length, bins, ages.Max());
            })
            .ToArray();

    /// <summary>Tickets received per ISO weekday (Monday first) and local hour.</summary>
    private static ArrivalHeatmap Arrivals(FactTable facts, DateTimeZone zone)
    {
        var counts = new long[7][];
        for (var d = 0; d < 7; d++)
        {
            counts[d] = new long[24];
        }

        foreach (var fact in facts.Facts)
        {
            var local = fact.ReceivedAt.InZone(zone).LocalDateTime;
            counts[(int)local.DayOfWeek - 1][local.Hour]++;
        }

        return new ArrivalHeatmap(counts);
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

    /// <summary>
    /// The resolution target a plain ticket of a priority gets: of the policies with no condition but (at most) the
    /// priority, the strictest that sets one (the policy set's own rule; one calendar assumed for the report's hours).
    /// </summary>
    private static Duration? ResolutionTarget(SlaPolicySet policies, Priority priority)
    {
        Duration? strictest = null;
        foreach (var policy in policies.Policies)
        {
            if ((policy.Priorities.Count == 0 || policy.Priorities.Contains(priority)) && policy.Categories.Count == 0 && policy.Channels.Count == 0 && policy.CustomerSegments.Count == 0
                && policy.Targets.FirstOrDefault(t => t.Kind == SlaTargetKind.Resolution) is { } target && (strictest is null || target.Duration < strictest))
            {
                strictest = target.Duration;
            }
        }

        return strictest;
    }

    private static CorrelationRow Correlation(string name, PearsonCorrelation correlation) => new(name, correlation.Count, correlation.Coefficient);

    private static StatisticsRow Statistics(string measure, DescriptiveStatistics s, double unit) =>
        new(measure, s with { Mean = s.Mean / unit, StandardDeviation = s.StandardDeviation / unit, Min = s.Min / unit, P25 = s.P25 / unit, Median = s.Median / unit, P75 = s.P75 / unit, P90 = s.P90 / unit, P95 = s.P95 / unit, Max = s.Max / unit });

}
