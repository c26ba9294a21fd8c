using AfterSales.Quality.Numbering;
using AfterSales.Quality.Prioritization;

namespace AfterSales.Quality.Tickets;

/// <summary>
/// The negative-feedback rule: who gets the early warning, and which survey score counts as low.
/// Immutable.
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

    internal void Validate(ValidationCollector errors, string prefix)
    {
        errors.Required(Owner, $"{prefix}.{nameof(Owner)}");
        if (LowScoreThreshold is < 1 or > 4)
        {
            errors.Add($"{prefix}.{nameof(LowScoreThreshold)}", $"must be between 1 and 4; it was {LowScoreThreshold}.");
        }
    }
}
