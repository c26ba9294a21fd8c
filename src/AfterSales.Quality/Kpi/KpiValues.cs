namespace AfterSales.Quality.Kpi;

/// <summary>
/// The KPI values of a group (DOMAIN §7). Rates and shares are fractions (0.78 = 78 %); NPS is
/// −100…100. A null value means the formula's denominator was zero (no data), never NaN.
/// </summary>
public sealed record KpiValues
{
    /// <summary>Tickets in the group.</summary>
    public long Tickets { get; init; }

    /// <summary>FRT mean: Σ(first reply − received) / tickets with a reply.</summary>
    public double? FirstResponseMeanSeconds { get; init; }

    /// <summary>FRT standard deviation (population).</summary>
    public double? FirstResponseStdDevSeconds { get; init; }

    /// <summary>FRT median (1 % relative error), when percentiles were asked for.</summary>
    public double? FirstResponseP50Seconds { get; init; }

    /// <summary>FRT 90th percentile (1 % relative error), when percentiles were asked for.</summary>
    public double? FirstResponseP90Seconds { get; init; }

    /// <summary>FRT 95th percentile (1 % relative error), when percentiles were asked for.</summary>
    public double? FirstResponseP95Seconds { get; init; }

    /// <summary>Average reply time (the guides' "Σ each response time / responses"): Σ reply response times / replies, over every reply, not only the first.</summary>
    public double? ReplyMeanSeconds { get; init; }

    /// <summary>Median of the tickets' mean reply times (1 % relative error), when percentiles were asked for (<see cref="DurationMeasures.Reply"/>).</summary>
    public double? ReplyP50Seconds { get; init; }

    /// <summary>90th percentile of the tickets' mean reply times, when asked for.</summary>
    public double? ReplyP90Seconds { get; init; }

    /// <summary>95th percentile of the tickets' mean reply times, when asked for.</summary>
    public double? ReplyP95Seconds { get; init; }

    /// <summary>Mean time to resolution (MTTR), wall-clock: Σ(finally resolved − received) / resolved tickets, including the time a ticket sat resolved before a reopen.</summary>
    public double? ResolutionMeanSeconds { get; init; }

    /// <summary>Wall-clock resolution time median (1 % relative error), when percentiles were asked for (<see cref="DurationMeasures.Resolution"/>).</summary>
    public double? ResolutionP50Seconds { get; init; }

    /// <summary>Wall-clock resolution time 90th percentile, when asked for.</summary>
    public double? ResolutionP90Seconds { get; init; }

    /// <summary>Wall-clock resolution time 95th percentile, when asked for.</summary>
    public double? ResolutionP95Seconds { get; init; }

    /// <summary>Resolution time in working time (the resolution clock, customer waits left out): Σ / resolved tickets with a calendar.</summary>
    public double? ResolutionWorkingMeanSeconds { get; init; }

    /// <summary>Working-time resolution median (1 % relative error), when percentiles were asked for (<see cref="DurationMeasures.ResolutionWorking"/>).</summary>
    public double? ResolutionWorkingP50Seconds { get; init; }

    /// <summary>Working-time resolution 90th percentile, when asked for.</summary>
    public double? ResolutionWorkingP90Seconds { get; init; }

    /// <summary>Working-time resolution 95th percentile, when asked for.</summary>
    public double? ResolutionWorkingP95Seconds { get; init; }

    /// <summary>AHT: Σ(resolved − accepted) / resolved tickets.</summary>
    public double? HandlingMeanSeconds { get; init; }

    /// <summary>Handling time median (1 % relative error), when percentiles were asked for (<see cref="DurationMeasures.Handling"/>).</summary>
    public double? HandlingP50Seconds { get; init; }

    /// <summary>Handling time 90th percentile, when asked for.</summary>
    public double? HandlingP90Seconds { get; init; }

    /// <summary>Handling time 95th percentile, when asked for.</summary>
    public double? HandlingP95Seconds { get; init; }

    /// <summary>FCR: first-contact resolutions / tickets.</summary>
    public double? FirstContactResolutionRate { get; init; }

    /// <summary>Resolution rate: resolved / tickets.</summary>
    public double? ResolutionRate { get; init; }

    /// <summary>Service accuracy: accurate / inspected.</summary>
    public double? ServiceAccuracy { get; init; }

    /// <summary>CSAT mean of the 1–5 scores.</summary>
    public double? CsatMean { get; init; }

    /// <summary>CSAT satisfied share: (4s + 5s) / responses.</summary>
    public double? CsatSatisfiedShare { get; init; }

    /// <summary>NPS: promoters % − detractors %.</summary>
    public double? NetPromoterScore { get; init; }

    /// <summary>CES: mean effort score.</summary>
    public double? CustomerEffortScore { get; init; }

    /// <summary>Complaint rate: complaints / tickets.</summary>
    public double? ComplaintRate { get; init; }

    /// <summary>First-response SLA attainment: met / settled.</summary>
    public double? FirstResponseSlaAttainment { get; init; }

    /// <summary>Resolution SLA attainment: met / settled.</summary>
    public double? ResolutionSlaAttainment { get; init; }

    /// <summary>Reopen rate: reopened / resolved.</summary>
    public double? ReopenRate { get; init; }

    /// <summary>Revisit on time: on time / due.</summary>
    public double? RevisitOnTimeRate { get; init; }

    /// <summary>Transfer share: tickets transferred (reassigned to another agent) at least once / tickets.</summary>
    public double? TransferRate { get; init; }
}
