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

    /// <summary>AHT: Σ(resolved − accepted) / resolved tickets.</summary>
    public double? HandlingMeanSeconds { get; init; }

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
}
