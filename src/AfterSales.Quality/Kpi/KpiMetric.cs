namespace AfterSales.Quality.Kpi;

/// <summary>The KPIs of the guides.</summary>
public enum KpiMetric
{
    /// <summary>First response time, mean seconds.</summary>
    FirstResponseTime,

    /// <summary>Average handling time, mean seconds.</summary>
    AverageHandlingTime,

    /// <summary>First contact resolution rate.</summary>
    FirstContactResolution,

    /// <summary>Resolution rate.</summary>
    ResolutionRate,

    /// <summary>Service accuracy.</summary>
    ServiceAccuracy,

    /// <summary>CSAT mean (1–5).</summary>
    CsatMean,

    /// <summary>CSAT satisfied share.</summary>
    CsatSatisfiedShare,

    /// <summary>Net promoter score.</summary>
    NetPromoterScore,

    /// <summary>Customer effort score.</summary>
    CustomerEffortScore,

    /// <summary>Complaint rate.</summary>
    ComplaintRate,

    /// <summary>First-response SLA attainment.</summary>
    FirstResponseSlaAttainment,

    /// <summary>Resolution SLA attainment.</summary>
    ResolutionSlaAttainment,

    /// <summary>Reopen rate.</summary>
    ReopenRate,

    /// <summary>Revisit on time.</summary>
    RevisitOnTime,

    /// <summary>Average reply time over every reply, mean seconds.</summary>
    AverageReplyTime,

    /// <summary>Mean time to resolution, wall-clock, mean seconds.</summary>
    MeanTimeToResolution,

    /// <summary>Resolution time in working time, mean seconds.</summary>
    ResolutionWorkingTime,

    /// <summary>Transfer share.</summary>
    TransferRate,
}
