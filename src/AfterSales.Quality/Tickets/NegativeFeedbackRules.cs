using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// The negative-feedback rule: who gets the early warning, which survey score counts as low, and how
/// long after the service a dissatisfied survey still reopens a revisited or closed ticket. Immutable.
/// </summary>
public sealed record NegativeFeedbackRules
{
    /// <summary>
    /// The owner warned when the ticket's route names no first responsible person. Default
    /// <c>service-supervisor</c>.
    /// </summary>
    public string Owner { get; init; } = Departments.ServiceSupervisor;

    /// <summary>A survey CSAT score (<see cref="SurveyAnswers.OverallSatisfaction"/>: the overall score, else the mean of the dimensions) at or below this raises an early warning. 1–4; default 2.</summary>
    public int LowScoreThreshold { get; init; } = 2;

    /// <summary>
    /// How long after the ticket's latest resolution (the end of the service the survey is about) a dissatisfied
    /// survey — <see cref="SurveyAnswers.OverallSatisfaction"/> at or below <see cref="LowScoreThreshold"/> — still
    /// reopens a <see cref="TicketState.Revisited"/> or <see cref="TicketState.Closed"/> ticket to triage (the guides:
    /// re-process until the customer accepts the result), wall-clock time. Default 7 days; 0 to 365 days;
    /// <see cref="TimeSpan.Zero"/> turns the reopen off (the survey then only raises the early warning). A later survey
    /// raises the warning only.
    /// </summary>
    public TimeSpan SurveyReopenWindow { get; init; } = TimeSpan.FromDays(7);

    internal void Validate(ValidationCollector errors, string prefix)
    {
        errors.Required(Owner, $"{prefix}.{nameof(Owner)}");
        if (LowScoreThreshold is < 1 or > 4)
        {
            errors.Add($"{prefix}.{nameof(LowScoreThreshold)}", $"must be between 1 and 4; it was {LowScoreThreshold}.");
        }

        if (SurveyReopenWindow < TimeSpan.Zero || SurveyReopenWindow > TimeSpan.FromDays(365))
        {
            errors.Add($"{prefix}.{nameof(SurveyReopenWindow)}", $"must be between 00:00:00 (off) and 365.00:00:00; it was {SurveyReopenWindow}.");
        }
    }
}
