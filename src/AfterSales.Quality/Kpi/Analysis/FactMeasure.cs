namespace AfterSales.Quality.Kpi.Analysis;

/// <summary>A per-ticket measure of a fact that statistics and correlations are taken of.</summary>
public enum FactMeasure
{
    /// <summary>First response time in wall-clock seconds (tickets with a reply).</summary>
    FirstResponseSeconds,

    /// <summary>First response time in working seconds on the policy's calendar (tickets with a reply).</summary>
    FirstResponseWorkingSeconds,

    /// <summary>Handling time (resolved − accepted) in seconds (resolved tickets).</summary>
    HandlingSeconds,

    /// <summary>Resolution time in working seconds on the policy's calendar, customer waits left out (resolved tickets with a calendar).</summary>
    ResolutionWorkingSeconds,

    /// <summary>CSAT score 1–5 (tickets with a survey answer).</summary>
    Satisfaction,

    /// <summary>Likelihood to recommend 0–10 (tickets answering on the 0–10 scale; the three-answer form has no number).</summary>
    LikelihoodToRecommend,

    /// <summary>Customer effort score (tickets with an answer).</summary>
    EffortScore,
}
