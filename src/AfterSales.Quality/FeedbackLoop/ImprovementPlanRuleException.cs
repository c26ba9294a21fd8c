using AfterSales.Quality.Calendars;
using AfterSales.Quality.Numbering;
using AfterSales.Quality.Storage;
using AfterSales.Quality.Tickets;
using NodaTime;

namespace AfterSales.Quality.FeedbackLoop;

/// <summary>Thrown when a plan change breaks a rule (a late delay request, an approver who is not the lead...). Nothing was changed.</summary>
public sealed class ImprovementPlanRuleException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="planNumber">The plan.</param>
    /// <param name="rule">The rule, e.g. <c>delay-deadline</c>.</param>
    /// <param name="message">What is wrong.</param>
    public ImprovementPlanRuleException(string planNumber, string rule, string message)
        : base($"Improvement plan {planNumber}: {message}")
    {
        PlanNumber = planNumber;
        Rule = rule;
    }

    /// <summary>The plan number.</summary>
    public string PlanNumber { get; }

    /// <summary>The rule broken.</summary>
    public string Rule { get; }
}
