namespace AfterSales.Quality.Kpi;

/// <summary>
/// The guides' KPIs (DOMAIN §7), each defined once: formula, direction, unit, default target,
/// source and how it is computed from the counters. <see cref="KpiAggregate.ToValues"/>, the
/// measurement table, the comparisons and the report read these entries. Thread-safe.
/// </summary>
public static class KpiDefinitions
{
    private const string Tickets = "ticket system";
    private const string Survey = "survey";

    /// <summary>First response time: Σ(first human reply − received) / tickets with a reply, in seconds; target ≤ 2 h.</summary>
    public static KpiDefinition FirstResponseTime { get; } = new(KpiMetric.FirstResponseTime, nameof(FirstResponseTime), "First response time (FRT)",
        "Σ(first human reply − received) / tickets with a reply", TargetDirection.AtMost, KpiUnit.Seconds,
        a => a.FirstResponseSeconds, a => a.Responded, 1, 2 * 3600, Tickets, v => v.FirstResponseMeanSeconds);

    /// <summary>Average handling time: Σ(resolved − accepted) / resolved tickets, in seconds.</summary>
    public static KpiDefinition AverageHandlingTime { get; } = new(KpiMetric.AverageHandlingTime, nameof(AverageHandlingTime), "Average handling time (AHT)",
        "Σ(resolved − accepted) / resolved tickets", TargetDirection.AtMost, KpiUnit.Seconds,
        a => a.HandlingSeconds, a => a.Handled, 1, null, Tickets, v => v.HandlingMeanSeconds);

    /// <summary>First contact resolution: tickets solved in the first contact / tickets; target ≥ 85 %.</summary>
    public static KpiDefinition FirstContactResolution { get; } = new(KpiMetric.FirstContactResolution, nameof(FirstContactResolution), "First contact resolution (FCR)",
        "tickets solved in the first contact / tickets × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.FirstContactResolved, a => a.Tickets, 1, 0.85, Tickets, v => v.FirstContactResolutionRate);

    /// <summary>Resolution rate: resolved tickets / tickets; target ≥ 95 %.</summary>
    public static KpiDefinition ResolutionRate { get; } = new(KpiMetric.ResolutionRate, nameof(ResolutionRate), "Resolution rate",
        "resolved tickets / tickets × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.Resolved, a => a.Tickets, 1, 0.95, Tickets, v => v.ResolutionRate);

    /// <summary>Service accuracy: inspected answers judged accurate / inspected.</summary>
    public static KpiDefinition ServiceAccuracy { get; } = new(KpiMetric.ServiceAccuracy, nameof(ServiceAccuracy), "Service accuracy",
        "inspected answers judged accurate / inspected × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.Accurate, a => a.Inspected, 1, null, "quality inspection", v => v.ServiceAccuracy);

    /// <summary>CSAT mean: the mean of 1–5 scores.</summary>
    public static KpiDefinition CsatMean { get; } = new(KpiMetric.CsatMean, nameof(CsatMean), "CSAT mean",
        "mean of 1–5 scores", TargetDirection.AtLeast, KpiUnit.Score,
        a => a.CsatSum, a => a.CsatAnswers, 1, null, Survey, v => v.CsatMean, "score 1-5");

    /// <summary>CSAT satisfied share: (4s + 5s) / responses; target ≥ 90 %.</summary>
    public static KpiDefinition CsatSatisfiedShare { get; } = new(KpiMetric.CsatSatisfiedShare, nameof(CsatSatisfiedShare), "CSAT satisfied share",
        "(4s + 5s) / responses × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.CsatSatisfied, a => a.CsatAnswers, 1, 0.90, Survey, v => v.CsatSatisfiedShare);

    /// <summary>Net promoter score: promoters % − detractors %, in points.</summary>
    public static KpiDefinition NetPromoterScore { get; } = new(KpiMetric.NetPromoterScore, nameof(NetPromoterScore), "NPS",
        "promoters % − detractors %", TargetDirection.AtLeast, KpiUnit.Points,
        a => a.Promoters - a.Detractors, a => a.RecommendationAnswers, 100, null, Survey, v => v.NetPromoterScore, "NPS -100..100");

    /// <summary>Customer effort score: the mean effort score (lower is better).</summary>
    public static KpiDefinition CustomerEffortScore { get; } = new(KpiMetric.CustomerEffortScore, nameof(CustomerEffortScore), "CES",
        "mean effort score", TargetDirection.AtMost, KpiUnit.Score,
        a => a.EffortSum, a => a.EffortAnswers, 1, null, Survey, v => v.CustomerEffortScore, "score 1-7");

    /// <summary>Complaint rate: complaints / services; target ≤ 1 %.</summary>
    public static KpiDefinition ComplaintRate { get; } = new(KpiMetric.ComplaintRate, nameof(ComplaintRate), "Complaint rate",
        "complaints / services × 100 %", TargetDirection.AtMost, KpiUnit.Fraction,
        a => a.Complaints, a => a.Tickets, 1, 0.01, Tickets, v => v.ComplaintRate);

    /// <summary>First-response SLA attainment: first responses within target / due; target ≥ 95 %.</summary>
    public static KpiDefinition FirstResponseSlaAttainment { get; } = new(KpiMetric.FirstResponseSlaAttainment, nameof(FirstResponseSlaAttainment), "First response SLA attainment",
        "first responses within target / first responses due × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.FirstResponseSlaMet, a => a.FirstResponseSlaDue, 1, 0.95, Tickets, v => v.FirstResponseSlaAttainment);

    /// <summary>Resolution SLA attainment: resolutions within target / due; target ≥ 90 %.</summary>
    public static KpiDefinition ResolutionSlaAttainment { get; } = new(KpiMetric.ResolutionSlaAttainment, nameof(ResolutionSlaAttainment), "Resolution SLA attainment",
        "resolutions within target / resolutions due × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.ResolutionSlaMet, a => a.ResolutionSlaDue, 1, 0.90, Tickets, v => v.ResolutionSlaAttainment);

    /// <summary>Reopen rate: reopened tickets / resolved tickets; target ≤ 5 %.</summary>
    public static KpiDefinition ReopenRate { get; } = new(KpiMetric.ReopenRate, nameof(ReopenRate), "Reopen rate",
        "reopened tickets / resolved tickets × 100 %", TargetDirection.AtMost, KpiUnit.Fraction,
        a => a.Reopened, a => a.Resolved, 1, 0.05, Tickets, v => v.ReopenRate);

    /// <summary>Revisit on time: revisits done within their target / revisits due; target ≥ 95 %.</summary>
    public static KpiDefinition RevisitOnTime { get; } = new(KpiMetric.RevisitOnTime, nameof(RevisitOnTime), "Revisit on time",
        "revisits done within their target / revisits due × 100 %", TargetDirection.AtLeast, KpiUnit.Fraction,
        a => a.RevisitsOnTime, a => a.RevisitsDue, 1, 0.95, "revisit records", v => v.RevisitOnTimeRate);

    /// <summary>Average reply time (template 1's response time, ART): Σ each reply's response time / replies, in seconds — every reply, not only the first.</summary>
    public static KpiDefinition AverageReplyTime { get; } = new(KpiMetric.AverageReplyTime, nameof(AverageReplyTime), "Average reply time (ART)",
        "Σ each reply's response time / replies", TargetDirection.AtMost, KpiUnit.Seconds,
        a => a.ReplySeconds, a => a.Replies, 1, null, Tickets, v => v.ReplyMeanSeconds);

    /// <summary>Mean time to resolution, wall-clock: Σ(finally resolved − received) / resolved tickets, in seconds (the guides' TTR, "from the customer raising the problem to its complete resolution").</summary>
    public static KpiDefinition MeanTimeToResolution { get; } = new(KpiMetric.MeanTimeToResolution, nameof(MeanTimeToResolution), "Mean time to resolution (MTTR)",
        "Σ(finally resolved − received) / resolved tickets, wall-clock", TargetDirection.AtMost, KpiUnit.Seconds,
        a => a.ResolutionSeconds, a => a.ResolutionTimed, 1, null, Tickets, v => v.ResolutionMeanSeconds);

    /// <summary>Resolution time in working time: Σ resolution clock (customer waits left out, on the SLA policy's calendar) / resolved tickets with a calendar, in seconds.</summary>
    public static KpiDefinition ResolutionWorkingTime { get; } = new(KpiMetric.ResolutionWorkingTime, nameof(ResolutionWorkingTime), "Resolution time (working time)",
        "Σ resolution working time / resolved tickets with a calendar", TargetDirection.AtMost, KpiUnit.Seconds,
        a => a.ResolutionWorkingSeconds, a => a.ResolutionWorkingTimed, 1, null, Tickets, v => v.ResolutionWorkingMeanSeconds);

    /// <summary>Transfer share: tickets transferred (reassigned to another agent) at least once / tickets.</summary>
    public static KpiDefinition TransferRate { get; } = new(KpiMetric.TransferRate, nameof(TransferRate), "Transfer rate",
        "tickets transferred at least once / tickets × 100 %", TargetDirection.AtMost, KpiUnit.Fraction,
        a => a.Transferred, a => a.Tickets, 1, null, Tickets, v => v.TransferRate);

    /// <summary>Every KPI of the guides, in <see cref="KpiMetric"/> order.</summary>
    public static IReadOnlyList<KpiDefinition> All { get; } =
    [
        FirstResponseTime, AverageHandlingTime, FirstContactResolution, ResolutionRate, ServiceAccuracy, CsatMean, CsatSatisfiedShare,
        NetPromoterScore, CustomerEffortScore, ComplaintRate, FirstResponseSlaAttainment, ResolutionSlaAttainment, ReopenRate, RevisitOnTime,
        AverageReplyTime, MeanTimeToResolution, ResolutionWorkingTime, TransferRate,
    ];

    /// <summary>The targets of the KPIs that have a default one, in <see cref="All"/> order, each with its KPI's direction and source.</summary>
    public static IReadOnlyList<KpiTarget> DefaultTargets { get; } =
        All.Where(kpi => kpi.DefaultTarget is not null).Select(kpi => new KpiTarget(kpi, kpi.DefaultTarget!.Value)).ToArray();

    /// <summary>The definition of one of the guides' KPIs.</summary>
    /// <param name="metric">The KPI.</param>
    /// <returns>Its definition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a KPI.</exception>
    public static KpiDefinition Of(KpiMetric metric) =>
        (uint)metric < (uint)All.Count ? All[(int)metric] : throw new ArgumentOutOfRangeException(nameof(metric), metric, "metric: not a KPI.");
}
